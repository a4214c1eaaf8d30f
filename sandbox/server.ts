// `npm run sandbox`: the app's Custom UI pages in a browser, against the app's real resolvers running in
// the local Forge runtime, with simulated Sentry, SonarCloud and Jira. Open http://localhost:8787
// (PORT changes the port). Data persists in .sandbox-data/kvs.json; a new store gets the demo data,
// `--empty` starts from an empty store (the first-install path), `--demo` brings the demo data back.
//
//   GET  /                               the surfaces of manifest.yml, with the demo project and issue
//   GET  /modules/<moduleKey>[/<route>]  one surface: its static/dist page with the bridge shim
//   POST /api/invoke                     what @forge/bridge invoke() reaches: runs the module's resolver
//   ANY  /webtrigger/<moduleKey>         a web trigger of manifest.yml (e.g. sentry-webhook)
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { installForgeGlobals, LocalForgeRuntime, useRuntime } from './runtime';
import {
  renderIndexPage,
  renderSurfacePage,
  withUiKitRenderer,
  type ColorMode,
  type DemoLocation,
  type SandboxPageQuery,
} from './host/host-page';
import { readSurfaces, type Surface } from './host/surfaces';
import { ensureUiBuilt, ensureUiKitBuilt } from './host/ui-build';
import type { SandboxWorld } from './demo/world';

const REPO_ROOT = path.join(__dirname, '..');
export const DEFAULT_PORT = 8787;
export const DEFAULT_DATA_FILE = path.join(REPO_ROOT, '.sandbox-data', 'kvs.json');
/** Web trigger bodies larger than this are refused (Sentry and SonarCloud send a few KB). */
const MAX_BODY_BYTES = 1024 * 1024;
/** How often due queue events are delivered. */
const QUEUE_PUMP_MS = 1_000;

export interface SandboxServerOptions {
  /** 0 picks a free port. Default: $PORT, else 8787. */
  port?: number;
  /** Default 127.0.0.1 ($HOST overrides). */
  host?: string;
  /** Where KVS persists; null keeps it in memory. Default .sandbox-data/kvs.json. */
  dataFile?: string | null;
  /** Build static/dist when missing or stale (default true). */
  buildUi?: boolean;
  /**
   * What the store holds at start: 'keep' (default) keeps it, and a store that did not exist yet gets the
   * demo data; 'empty' clears it and writes no demo data (the first-install path); 'demo' clears it and
   * writes the demo data again.
   */
  start?: SandboxStart;
  log?: (line: string) => void;
}

export type SandboxStart = 'keep' | 'empty' | 'demo';

export interface SandboxServer {
  url: string;
  port: number;
  runtime: LocalForgeRuntime;
  world: SandboxWorld;
  surfaces: Surface[];
  /** True when this start wrote the demo data (the data file was new or empty). */
  seeded: boolean;
  /** What went wrong while seeding (the server runs anyway). */
  seedWarnings: string[];
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const invokeRequestSchema = z.strictObject({
  moduleKey: z.string().min(1),
  project: z.string().min(1).optional(),
  issue: z.string().min(1).optional(),
  resolverKey: z.string().min(1),
  payload: z.record(z.string(), z.unknown()).default({}),
});

function readBody(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `The request body is over ${MAX_BODY_BYTES} bytes.`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: http.ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** A file inside `root`, refusing paths that climb out of it. */
function fileInside(root: string, relative: string): string {
  const resolved = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
  if (resolved !== root && !resolved.startsWith(root + path.sep)) throw new HttpError(404, 'Not found.');
  if (!fs.existsSync(resolved) || !fs.statSync(resolved).isFile())
    throw new HttpError(404, `No file ${relative}.`);
  return resolved;
}

function colorModeOf(url: URL): ColorMode {
  return url.searchParams.get('theme') === 'dark' ? 'dark' : 'light';
}

export async function startSandboxServer(options: SandboxServerOptions = {}): Promise<SandboxServer> {
  const log = options.log ?? ((line: string) => console.log(line));
  // Before any @forge package loads: @forge/api captures fetch when it is first required.
  installForgeGlobals();
  const manifestPath = path.join(REPO_ROOT, 'manifest.yml');
  const surfaces = readSurfaces(manifestPath);
  if (options.buildUi ?? true) {
    ensureUiBuilt(
      surfaces.filter((surface) => surface.render === 'default').map((surface) => surface.resourcePath),
      log,
    );
    ensureUiKitBuilt(
      surfaces.filter((surface) => surface.render === 'native').map((surface) => surface.resource),
      log,
    );
  }

  const dataFile = options.dataFile === undefined ? DEFAULT_DATA_FILE : options.dataFile;
  if (dataFile) fs.mkdirSync(path.dirname(dataFile), { recursive: true });
  const start = options.start ?? 'keep';
  // A store that exists is kept as it is, even empty: an empty start stays empty across restarts.
  const storeExisted = dataFile !== null && fs.existsSync(dataFile);

  // Loaded only now, after the globals: the app, the simulators and the seeding all use @forge packages.
  const appModule = (await import('../src/index')) as Record<string, unknown>;
  const { createSandboxWorld } = await import('./demo/world');
  const { seedDemoData } = await import('./demo/seed');

  const runtime = new LocalForgeRuntime({ kvs: dataFile ? { persistFile: dataFile } : {}, appModule });
  useRuntime(runtime);
  const world = await createSandboxWorld(runtime);
  if (start !== 'keep') runtime.kvs.clear();
  const seed =
    start === 'demo' || (start === 'keep' && !storeExisted)
      ? await seedDemoData(runtime, world)
      : { seeded: false, warnings: [] };
  if (seed.seeded) log('Seeded the demo data: connections, products, mappings, a first sync, links.');
  if (start === 'empty') {
    log(
      'Started from an empty store: add connections on the global settings page (./dev sandbox --demo brings the demo back).',
    );
  }
  for (const warning of seed.warnings) log(`Demo data: ${warning}`);

  // As the platform does: deliver queued events (sync jobs, webhook follow-ups) as they fall due.
  let pumping = false;
  const queuePump = setInterval(() => {
    if (pumping || runtime.pendingQueueEvents().length === 0) return;
    pumping = true;
    runtime
      .drainQueues()
      .catch((error: unknown) =>
        log(`Queue delivery failed: ${error instanceof Error ? error.message : String(error)}`),
      )
      .finally(() => {
        pumping = false;
      });
  }, QUEUE_PUMP_MS);
  queuePump.unref();

  const surfaceByKey = new Map(surfaces.map((surface) => [surface.moduleKey, surface]));

  /** The project and issue a page opens on: the issue's own project, or the project's first issue. */
  function locate(query: SandboxPageQuery): DemoLocation {
    // An unknown key is refused, not replaced by the demo project: a page on SHOP when OPS-7 was asked
    // for looks like the app showing the wrong data.
    if (query.project !== undefined && !world.jira.findProject(query.project)) {
      const known = world.jira.projects.map((project) => project.key).join(', ') || 'none';
      throw new HttpError(
        404,
        `No such project "${query.project}" in the sandbox's Jira (projects: ${known}). Open / to pick one.`,
      );
    }
    if (query.issue !== undefined && !world.jira.findIssue(query.issue)) {
      throw new HttpError(
        404,
        `No such issue "${query.issue}" in the sandbox's Jira. Open / to pick a project and one of its issues.`,
      );
    }
    const asked = world.jira.findIssue(query.issue);
    const project =
      world.jira.findProject(query.project) ??
      (asked ? world.jira.findProject(asked.projectId) : undefined) ??
      world.jira.defaultProject;
    const issue =
      asked && asked.projectId === project.id
        ? asked
        : (world.jira.issues.find((candidate) => candidate.projectId === project.id) ?? null);
    return {
      project: { id: project.id, key: project.key, name: project.name },
      issue: issue ? { id: issue.id, key: issue.key, summary: issue.summary } : null,
    };
  }

  /** What Forge puts in context.extension for a module: the project and issue the page is open on. */
  function extensionFor(surface: Surface, location: DemoLocation): Record<string, unknown> {
    const project = { id: location.project.id, key: location.project.key, type: 'software' };
    if (surface.needs === 'issue') {
      if (!location.issue)
        throw new HttpError(400, `Project ${location.project.key} has no issue to open the panel on.`);
      const issueType = world.jira.findIssue(location.issue.id)?.issueType ?? 'Task';
      // locate() keeps the issue inside location.project.
      return {
        type: surface.kind,
        issue: { id: location.issue.id, key: location.issue.key, type: issueType },
        project,
      };
    }
    if (surface.needs === 'project') return { type: surface.kind, project };
    return { type: surface.kind };
  }

  function contextFor(
    surface: Surface,
    location: DemoLocation,
    colorMode: ColorMode,
  ): Record<string, unknown> {
    return {
      accountId: world.jira.accountId,
      cloudId: runtime.cloudId,
      siteUrl: runtime.siteUrl,
      moduleKey: surface.moduleKey,
      localId: `sandbox-${surface.moduleKey}`,
      locale: 'en-US',
      timezone: 'UTC',
      environmentId: runtime.environmentId,
      environmentType: runtime.environmentType,
      extension: extensionFor(surface, location),
      theme: { colorMode },
    };
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sandbox.local');
    const method = (request.method ?? 'GET').toUpperCase();
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const query: SandboxPageQuery = {
      project: url.searchParams.get('project') || undefined,
      issue: url.searchParams.get('issue') || undefined,
    };

    if (method === 'GET' && segments.length === 0) {
      const location = locate(query);
      send(
        response,
        200,
        CONTENT_TYPES['.html'] as string,
        renderIndexPage({
          surfaces,
          location,
          projects: world.jira.projects.map(({ key, name }) => ({ key, name })),
          issues: world.jira.issues
            .filter((issue) => issue.projectId === location.project.id)
            .map(({ key, summary }) => ({ key, summary })),
          webTriggers: runtime.manifest.webtriggers.map((trigger) => ({
            moduleKey: trigger.key,
            url: runtime.webTriggerUrl(trigger.key),
          })),
          colorMode: colorModeOf(url),
        }),
      );
      return;
    }

    if (method === 'GET' && segments[0] === 'modules' && segments[1]) {
      const surface = surfaceByKey.get(segments[1]);
      if (!surface) throw new HttpError(404, `manifest.yml has no Custom UI module "${segments[1]}".`);
      const location = locate(query);
      const colorMode = colorModeOf(url);
      let builtHtml = fs.readFileSync(fileInside(surface.resourcePath, 'index.html'), 'utf8');
      // UI Kit: Jira draws the components the app's reconciler sends; here the sandbox's renderer does.
      if (surface.render === 'native') builtHtml = withUiKitRenderer(builtHtml);
      const pageQuery: SandboxPageQuery =
        surface.needs === 'issue'
          ? { issue: location.issue?.key }
          : surface.needs === 'project'
            ? { project: location.project.key }
            : {};
      send(
        response,
        200,
        CONTENT_TYPES['.html'] as string,
        renderSurfacePage({
          surface,
          builtHtml,
          context: contextFor(surface, location, colorMode),
          location,
          query: pageQuery,
          colorMode,
        }),
      );
      return;
    }

    if (method === 'GET' && segments[0] === 'resources' && segments[1]) {
      const surface = surfaces.find((candidate) => candidate.resource === segments[1]);
      if (!surface) throw new HttpError(404, `manifest.yml has no resource "${segments[1]}".`);
      const file = fileInside(surface.resourcePath, segments.slice(2).join('/'));
      send(
        response,
        200,
        CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
        fs.readFileSync(file),
      );
      return;
    }

    if (method === 'GET' && url.pathname === '/favicon.ico') {
      // The issue panel's icon (manifest: resource:issue-panel;icon.svg) doubles as the sandbox's.
      const panel = surfaces.find((surface) => surface.kind === 'jira:issuePanel');
      const icon = panel ? path.join(panel.resourcePath, 'icon.svg') : '';
      if (!icon || !fs.existsSync(icon)) throw new HttpError(404, 'No icon.');
      send(response, 200, CONTENT_TYPES['.svg'] as string, fs.readFileSync(icon));
      return;
    }

    if (method === 'GET' && url.pathname === '/sandbox/ui-kit-renderer.js') {
      send(
        response,
        200,
        CONTENT_TYPES['.js'] as string,
        fs.readFileSync(path.join(__dirname, 'host', 'ui-kit-renderer.js')),
      );
      return;
    }

    if (method === 'GET' && url.pathname === '/sandbox/bridge-shim.js') {
      send(
        response,
        200,
        CONTENT_TYPES['.js'] as string,
        fs.readFileSync(path.join(__dirname, 'host', 'bridge-shim.js')),
      );
      return;
    }

    // A person's comment on a Jira issue, as typed in Jira: Forge's avi:jira:commented:issue reaches the
    // app's trigger (the app's own comments filtered out, as ignoreSelf does); the answer lists the
    // comments (notes) each linked Sentry issue now has.
    if (method === 'POST' && url.pathname === '/sandbox/jira/comment') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(request));
      } catch {
        throw new HttpError(
          400,
          'The comment request is not JSON: send {"issue": "SHOP-1", "text": "#sentry ..."}.',
        );
      }
      const parsed = z
        .strictObject({ issue: z.string().min(1).max(100), text: z.string().min(1).max(10_000) })
        .safeParse(body);
      if (!parsed.success) throw new HttpError(400, 'Send {"issue": "SHOP-1", "text": "#sentry ..."}.');
      const issue = world.jira.findIssue(parsed.data.issue);
      if (!issue) throw new HttpError(404, `There is no Jira issue ${parsed.data.issue} in the sandbox.`);
      const jira = world.simulators.jira;
      const events: unknown[] = [];
      const stop = jira.onIssueCommented((event) => {
        if (!event.selfGenerated) events.push(event);
      });
      const commentId = jira.commentAs(world.jira.accountId, issue.key, parsed.data.text);
      stop();
      for (const event of events) await runtime.invokeFunction('issue-commented-fn', event);
      const { listLinksOfJiraIssue } = await import('../src/storage');
      const links = await runtime.runInvocation({ functionKey: 'issue-commented-fn' }, () =>
        listLinksOfJiraIssue(issue.id),
      );
      sendJson(response, 200, {
        commentId,
        sentryIssues: links.map((link) => ({
          sentryIssueId: link.sentryIssueId,
          notes: world.simulators.sentry.notes(link.sentryIssueId),
        })),
      });
      return;
    }

    if (method === 'POST' && url.pathname === '/api/invoke') {
      let body: unknown;
      try {
        body = JSON.parse(await readBody(request));
      } catch {
        throw new HttpError(400, 'The invoke request is not JSON.');
      }
      const parsed = invokeRequestSchema.safeParse(body);
      if (!parsed.success)
        throw new HttpError(400, `Bad invoke request: ${parsed.error.issues[0]?.message ?? 'invalid'}.`);
      const call = parsed.data;
      const surface = surfaceByKey.get(call.moduleKey);
      if (!surface) throw new HttpError(404, `manifest.yml has no Custom UI module "${call.moduleKey}".`);
      const location = locate({ project: call.project, issue: call.issue });
      try {
        const result = await runtime.invokeResolver(surface.functionKey, call.resolverKey, call.payload, {
          accountId: world.jira.accountId,
          extension: extensionFor(surface, location),
          moduleKey: surface.moduleKey,
        });
        sendJson(response, 200, { ok: true, result });
      } catch (error) {
        // As in Forge: the invoke promise rejects with the function's error.
        const message = error instanceof Error ? error.message : String(error);
        log(`invoke ${surface.functionKey}/${call.resolverKey} failed: ${message}`);
        sendJson(response, 500, {
          ok: false,
          message: `There was an error invoking the function - ${message}`,
        });
      }
      return;
    }

    // A person moves a Jira issue (as in Jira's UI): POST /sandbox/jira/move?issue=SHOP-1&status=Done.
    if (method === 'POST' && url.pathname === '/sandbox/jira/move') {
      const issue = url.searchParams.get('issue') ?? '';
      const status = url.searchParams.get('status') ?? '';
      if (!world.jira.findIssue(issue))
        throw new HttpError(404, `The sandbox's Jira has no issue "${issue}".`);
      try {
        await world.jira.moveIssue(issue, status);
      } catch (error) {
        throw new HttpError(400, error instanceof Error ? error.message : String(error));
      }
      sendJson(response, 200, { ok: true, message: `Moved ${issue} to ${status}.` });
      return;
    }

    // A person deletes a Jira issue, or moves it to another project (a new key, the same id):
    // POST /sandbox/jira/delete?issue=SHOP-3, POST /sandbox/jira/move-to-project?issue=SHOP-3&project=PAY.
    if (method === 'POST' && url.pathname === '/sandbox/jira/delete') {
      const issue = url.searchParams.get('issue') ?? '';
      if (!world.jira.findIssue(issue))
        throw new HttpError(404, `The sandbox's Jira has no issue "${issue}".`);
      await runtime.deliverProductEvent(
        'avi:jira:deleted:issue',
        world.simulators.jira.deleteIssueAs(world.jira.accountId, issue) as unknown as Record<
          string,
          unknown
        >,
      );
      sendJson(response, 200, {
        ok: true,
        message: `Deleted ${issue}; the app's trigger cleaned up its links.`,
      });
      return;
    }
    if (method === 'POST' && url.pathname === '/sandbox/jira/move-to-project') {
      const issue = url.searchParams.get('issue') ?? '';
      const project = url.searchParams.get('project') ?? '';
      if (!world.jira.findIssue(issue))
        throw new HttpError(404, `The sandbox's Jira has no issue "${issue}".`);
      let key: string;
      try {
        key = world.simulators.jira.moveIssueToProject(issue, project);
      } catch (error) {
        throw new HttpError(400, error instanceof Error ? error.message : String(error));
      }
      sendJson(response, 200, {
        ok: true,
        message: `Moved ${issue} to ${project} as ${key}; its links stay.`,
      });
      return;
    }

    if (segments[0] === 'webtrigger' && segments[1]) {
      const moduleKey = segments[1];
      if (!runtime.manifest.webtriggers.some((trigger) => trigger.key === moduleKey)) {
        throw new HttpError(404, `manifest.yml has no webtrigger "${moduleKey}".`);
      }
      // As Forge does: header names as the caller cased them (Node lower-cases request.headers).
      const headers: Record<string, string[]> = {};
      for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
        const name = request.rawHeaders[index] ?? '';
        (headers[name] ??= []).push(request.rawHeaders[index + 1] ?? '');
      }
      const queryParameters: Record<string, string[]> = {};
      for (const [name, value] of url.searchParams) (queryParameters[name] ??= []).push(value);
      const answer = await runtime.invokeWebTrigger(moduleKey, {
        method,
        path: `/${segments.slice(2).join('/')}`,
        headers,
        body: await readBody(request),
        queryParameters,
      });
      const outHeaders: Record<string, string> = {};
      for (const [name, values] of Object.entries(answer.headers ?? {})) outHeaders[name] = values.join(', ');
      response.writeHead(answer.statusCode, outHeaders);
      response.end(answer.body ?? '');
      return;
    }

    throw new HttpError(404, `Nothing at ${method} ${url.pathname}. Open / for the list of surfaces.`);
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (status === 500) log(`${request.method} ${request.url} failed: ${message}`);
      if (!response.headersSent) send(response, status, 'text/plain; charset=utf-8', message);
      else response.end();
    });
  });
  const port = options.port ?? (process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT);
  const host = options.host ?? process.env.HOST ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host}:${actualPort}`;
  runtime.webTriggerBaseUrl = `${url}/webtrigger`;

  return {
    url,
    port: actualPort,
    runtime,
    world,
    surfaces,
    seeded: seed.seeded,
    seedWarnings: seed.warnings,
    close: () =>
      new Promise<void>((resolve, reject) => {
        clearInterval(queuePump);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** `--empty` / `--demo` on the command line (./dev sandbox passes its arguments on). */
export function startFromArguments(args: readonly string[]): SandboxStart {
  const known: Record<string, SandboxStart> = { '--empty': 'empty', '--demo': 'demo', '--keep': 'keep' };
  const unknown = args.filter((arg) => !(arg in known));
  if (unknown.length > 0 || args.length > 1) {
    throw new Error(
      `Unknown sandbox option ${unknown.join(' ') || args.join(' ')}: use one of --empty (start from an empty ` +
        'store), --demo (the demo data again) or nothing (keep what the store holds).',
    );
  }
  return args[0] ? (known[args[0]] ?? 'keep') : 'keep';
}

if (require.main === module) {
  Promise.resolve()
    .then(() => startSandboxServer({ start: startFromArguments(process.argv.slice(2)) }))
    .then(
      (sandbox) => {
        console.log(`Product health sandbox: ${sandbox.url}`);
        for (const surface of sandbox.surfaces)
          console.log(`  ${surface.title.padEnd(36)} ${sandbox.url}/modules/${surface.moduleKey}`);
        console.log(`  Web triggers: POST ${sandbox.url}/webtrigger/<moduleKey>`);
      },
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
      },
    );
}
