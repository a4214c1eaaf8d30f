// Posts a signed webhook delivery of a reference payload to the running sandbox (`npm run sandbox`) and
// prints the answer. The connection and its webhook secret are read from the sandbox's data through the
// app's own storage API, so the delivery is signed exactly as Sentry or SonarCloud would sign it.
//
//   npx tsx scripts/post-webhook.ts                       # Sentry issue created, first Sentry connection
//   npx tsx scripts/post-webhook.ts --issue auto          # ... about a Sentry issue the sandbox tracks
//   npx tsx scripts/post-webhook.ts --fixture zulip_issue_resolved.json --issue auto
//   npx tsx scripts/post-webhook.ts --target sonarcloud --project auto
//   npx tsx scripts/post-webhook.ts --signature wrong     # see a refusal (401) in the answer and the sync log
//
// Options: --target sentry|sonarcloud, --fixture <file in test/fixtures/webhooks/<target>/>, --resource
// <Sentry-Hook-Resource> (default from the fixture's name), --connection <id>, --secret <secret> (instead of
// the stored one), --issue <Sentry issue id|auto>, --project <SonarCloud project key|auto>, --url <sandbox
// URL> (default http://localhost:$PORT or 8787), --data-file <KVS file> (default .sandbox-data/kvs.json),
// --signature wrong, --timestamp-age <seconds>, --request-id <id>, --no-connection (URL without ?connection=).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostFetch, installForgeGlobals, LocalForgeRuntime, useRuntime } from '../sandbox/runtime';

installForgeGlobals();

const REPO_ROOT = path.join(__dirname, '..');

type Target = 'sentry' | 'sonarcloud';

interface Options {
  target: Target;
  fixture: string;
  resource: string;
  connection?: string;
  secret?: string;
  issue?: string;
  project?: string;
  url: string;
  dataFile: string;
  wrongSignature: boolean;
  timestampAgeSeconds: number;
  requestId: string;
  nameConnection: boolean;
}

const USAGE = 'See the comment at the top of scripts/post-webhook.ts for the options.';

function parseArguments(argv: readonly string[]): Options {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (!argument.startsWith('--')) throw new Error(`Unexpected argument "${argument}". ${USAGE}`);
    const name = argument.slice(2);
    if (name === 'no-connection') {
      flags.add(name);
      continue;
    }
    const value = argv[index + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value. ${USAGE}`);
    values.set(name, value);
    index += 1;
  }
  const known = [
    'target',
    'fixture',
    'resource',
    'connection',
    'secret',
    'issue',
    'project',
    'url',
    'data-file',
    'signature',
    'timestamp-age',
    'request-id',
  ];
  for (const name of values.keys())
    if (!known.includes(name)) throw new Error(`Unknown option --${name}. ${USAGE}`);

  const target = (values.get('target') ?? 'sentry') as Target;
  if (target !== 'sentry' && target !== 'sonarcloud') throw new Error('--target is sentry or sonarcloud.');
  const fixture =
    values.get('fixture') ??
    (target === 'sentry' ? 'zulip_issue_created_for_exception.json' : 'zulip_sonarqube_error.json');
  const resource =
    values.get('resource') ??
    (fixture.includes('event_alert')
      ? 'event_alert'
      : fixture.includes('metric_alert')
        ? 'metric_alert'
        : 'issue');
  return {
    target,
    fixture,
    resource,
    ...(values.has('connection') ? { connection: values.get('connection') } : {}),
    ...(values.has('secret') ? { secret: values.get('secret') } : {}),
    ...(values.has('issue') ? { issue: values.get('issue') } : {}),
    ...(values.has('project') ? { project: values.get('project') } : {}),
    url: (values.get('url') ?? `http://localhost:${process.env.PORT ?? '8787'}`).replace(/\/+$/, ''),
    dataFile: path.resolve(values.get('data-file') ?? path.join(REPO_ROOT, '.sandbox-data', 'kvs.json')),
    wrongSignature: values.get('signature') === 'wrong',
    timestampAgeSeconds: Number(values.get('timestamp-age') ?? 0),
    requestId: values.get('request-id') ?? randomUUID(),
    nameConnection: !flags.has('no-connection'),
  };
}

/** Opens a copy of the sandbox's KVS file, so the running sandbox's own file is never touched. */
function openSandboxData(dataFile: string): { runtime: LocalForgeRuntime; cleanUp: () => void } {
  if (!fs.existsSync(dataFile)) {
    throw new Error(
      `There is no sandbox data at ${dataFile}: start the sandbox once with \`npm run sandbox\` (it seeds the demo data).`,
    );
  }
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'post-webhook-')), 'kvs.json');
  fs.copyFileSync(dataFile, copy);
  const runtime = new LocalForgeRuntime({ kvs: { persistFile: copy } });
  useRuntime(runtime);
  return { runtime, cleanUp: () => fs.rmSync(path.dirname(copy), { recursive: true, force: true }) };
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const { cleanUp } = openSandboxData(options.dataFile);
  try {
    // Loaded after the globals and the runtime: they use @forge/kvs.
    const storage = await import('../src/storage');
    const { signBody } = await import('../src/domain/signatures');

    const connections = (await storage.listConnections()).filter(
      (connection) => connection.kind === options.target,
    );
    const connection = options.connection
      ? connections.find((candidate) => candidate.id === options.connection)
      : connections[0];
    if (!connection) {
      throw new Error(
        options.connection
          ? `The sandbox has no ${options.target} connection "${options.connection}"; it has: ${connections.map((c) => c.id).join(', ') || 'none'}.`
          : `The sandbox has no ${options.target} connection: add one on the admin page.`,
      );
    }
    const secret = options.secret ?? (await storage.getConnectionSecrets(connection.id)).webhookSecret;
    if (!secret && options.target === 'sentry') {
      throw new Error(
        `Connection "${connection.id}" has no webhook secret: save one on the admin page, or pass --secret.`,
      );
    }

    const fixtureFile = path.join(REPO_ROOT, 'test', 'fixtures', 'webhooks', options.target, options.fixture);
    if (!fs.existsSync(fixtureFile)) {
      const available = fs.readdirSync(path.dirname(fixtureFile)).join(', ');
      throw new Error(`No fixture ${options.fixture} for ${options.target}; available: ${available}.`);
    }
    const payload = JSON.parse(fs.readFileSync(fixtureFile, 'utf8')) as Record<string, unknown>;

    if (options.target === 'sentry' && options.issue) {
      await retargetSentryIssue(payload, connection.id, options.issue, storage);
    }
    if (options.target === 'sonarcloud' && options.project) {
      await retargetSonarProject(payload, connection.id, options.project, storage);
    }

    const body = JSON.stringify(payload, null, 2);
    const signature = secret
      ? signBody(body, options.wrongSignature ? `${secret}-wrong` : secret)
      : undefined;
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (options.target === 'sentry') {
      headers['Sentry-Hook-Resource'] = options.resource;
      headers['Sentry-Hook-Timestamp'] = String(Math.floor(Date.now() / 1000) - options.timestampAgeSeconds);
      headers['Request-ID'] = options.requestId;
      if (signature) headers['Sentry-Hook-Signature'] = signature;
    } else if (signature) {
      headers['X-Sonar-Webhook-HMAC-SHA256'] = signature;
    }
    const moduleKey = options.target === 'sentry' ? 'sentry-webhook' : 'sonarcloud-webhook';
    const url = new URL(`${options.url}/webtrigger/${moduleKey}`);
    if (options.nameConnection) url.searchParams.set('connection', connection.id);

    console.log(`POST ${url.toString()}`);
    for (const [name, value] of Object.entries(headers)) console.log(`  ${name}: ${value}`);
    console.log(
      `  (${Buffer.byteLength(body)} bytes: ${options.fixture}${options.issue || options.project ? ', retargeted' : ''})`,
    );
    let response: Response;
    try {
      response = await hostFetch(url, { method: 'POST', headers, body });
    } catch (error) {
      throw new Error(
        `Could not reach the sandbox at ${options.url} (${(error as Error).message}): start it with \`npm run sandbox\`.`,
        {
          cause: error,
        },
      );
    }
    console.log(`\n${response.status} ${response.statusText}`);
    console.log(await response.text());
  } finally {
    cleanUp();
  }
}

type Storage = typeof import('../src/storage');

/** Makes the payload about an issue the sandbox tracks (its snapshot's identity), seen a minute ago. */
async function retargetSentryIssue(
  payload: Record<string, unknown>,
  connectionId: string,
  issue: string,
  storage: Storage,
): Promise<void> {
  let snapshot = issue === 'auto' ? undefined : await storage.getSentrySnapshot(connectionId, issue);
  if (issue === 'auto') {
    for (const mapping of await storage.listProductMappings()) {
      for (const project of mapping.sentryProjects.filter((ref) => ref.connectionId === connectionId)) {
        const page = await storage.listSentrySnapshotsOfProjectPage(connectionId, project.projectId, {
          limit: 1,
        });
        snapshot ??= page.items[0];
      }
    }
  }
  if (!snapshot)
    throw new Error(`The sandbox has no snapshot of Sentry issue "${issue}" in connection ${connectionId}.`);
  const data = (payload.data ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const lastSeen = new Date(Date.now() - 60_000).toISOString();
  if (data.issue) {
    Object.assign(data.issue, {
      id: snapshot.id,
      shortId: snapshot.shortId,
      title: snapshot.title,
      culprit: snapshot.culprit,
      project: { id: snapshot.projectId, slug: snapshot.projectSlug, name: snapshot.projectSlug },
      firstSeen: snapshot.firstSeen,
      lastSeen,
      count: String(snapshot.eventsTotal + 1),
      userCount: snapshot.usersTotal,
    });
  }
  if (data.event) Object.assign(data.event, { issue_id: snapshot.id, project: Number(snapshot.projectId) });
  console.log(
    `Retargeted to Sentry issue ${snapshot.shortId} (${snapshot.id}) of project ${snapshot.projectSlug}.`,
  );
}

/** Makes the payload an analysis, just now, of a SonarCloud branch the sandbox maps. */
async function retargetSonarProject(
  payload: Record<string, unknown>,
  connectionId: string,
  project: string,
  storage: Storage,
): Promise<void> {
  let ref: { projectKey: string; branch: string } | undefined;
  for (const mapping of await storage.listProductMappings()) {
    ref ??= mapping.sonarProjects.find(
      (candidate) =>
        candidate.connectionId === connectionId && (project === 'auto' || candidate.projectKey === project),
    );
  }
  if (!ref) throw new Error(`No product maps SonarCloud project "${project}" of connection ${connectionId}.`);
  payload.project = { key: ref.projectKey, name: ref.projectKey };
  payload.branch = { name: ref.branch, type: 'BRANCH', isMain: true };
  payload.analysedAt = new Date().toISOString();
  console.log(`Retargeted to SonarCloud project ${ref.projectKey} (branch ${ref.branch}).`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
