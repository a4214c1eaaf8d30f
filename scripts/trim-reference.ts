/**
 * Writes reference/ at the repo root: the official API descriptions trimmed to the operations this
 * app calls (with every component schema they reference, so $refs still resolve), plus the example
 * responses and webhook payloads copied verbatim. Contract tests and simulators read only reference/,
 * so a clone of the project works without the full (multi-MB) upstream files.
 *
 * Usage: npx tsx scripts/trim-reference.ts [path-to-full-reference]   (default: ../shared/reference)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.join(__dirname, '..');
const outputRoot = path.join(repoRoot, 'reference');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Sentry operations used by src/clients/sentry.ts and src/services/connections/test-connection.ts. */
export const SENTRY_OPERATIONS: ReadonlyArray<{ path: string; method: string }> = [
  { path: '/api/0/organizations/{organization_id_or_slug}/', method: 'get' },
  { path: '/api/0/organizations/{organization_id_or_slug}/projects/', method: 'get' },
  { path: '/api/0/organizations/{organization_id_or_slug}/issues/', method: 'get' },
  { path: '/api/0/organizations/{organization_id_or_slug}/issues/', method: 'put' },
  { path: '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/', method: 'get' },
  { path: '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/', method: 'put' },
  { path: '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/', method: 'get' },
  {
    path: '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/events/{event_id}/',
    method: 'get',
  },
  { path: '/api/0/organizations/{organization_id_or_slug}/shortids/{issue_id}/', method: 'get' },
  { path: '/api/0/sentry-app-installations/{uuid}/external-issues/', method: 'post' },
  { path: '/api/0/sentry-app-installations/{uuid}/external-issues/{external_issue_id}/', method: 'delete' },
  {
    path: '/api/0/organizations/{organization_id_or_slug}/issues/{issue_id}/external-issues/',
    method: 'get',
  },
];

/** Jira Cloud platform REST v3 operations used by src/clients/jira.ts. */
export const JIRA_OPERATIONS: ReadonlyArray<{ path: string; method: string }> = [
  { path: '/rest/api/3/issue', method: 'post' },
  { path: '/rest/api/3/issue/{issueIdOrKey}', method: 'get' },
  { path: '/rest/api/3/issue/{issueIdOrKey}/transitions', method: 'get' },
  { path: '/rest/api/3/issue/{issueIdOrKey}/transitions', method: 'post' },
  { path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', method: 'get' },
  { path: '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}', method: 'put' },
  { path: '/rest/api/3/issue/{issueIdOrKey}/comment', method: 'post' },
  { path: '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes', method: 'get' },
  { path: '/rest/api/3/issue/createmeta/{projectIdOrKey}/issuetypes/{issueTypeId}', method: 'get' },
  { path: '/rest/api/3/mypermissions', method: 'get' },
  { path: '/rest/api/3/project/search', method: 'get' },
  { path: '/rest/api/3/project/{projectIdOrKey}/statuses', method: 'get' },
  { path: '/rest/api/3/statuscategory', method: 'get' },
  { path: '/rest/api/3/status', method: 'get' },
  { path: '/rest/api/3/statuses/search', method: 'get' },
  { path: '/rest/api/3/search/jql', method: 'get' },
  { path: '/rest/api/3/search/jql', method: 'post' },
];

/** SonarCloud web services (path -> action keys) used by src/clients/sonarcloud.ts. */
export const SONARCLOUD_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  'api/authentication': ['validate'],
  'api/components': ['search'],
  'api/projects': ['search'],
  'api/measures': ['component', 'search_history'],
  'api/qualitygates': ['project_status'],
  'api/issues': ['search'],
  'api/project_branches': ['list'],
};

/**
 * `api/hotspots/search` is missing from the 2022 SonarCloud web-service dump. Its parameters as
 * SonarSource/sonarqube declares them (server/sonar-webserver-webapi/src/main/java/org/sonar/server/
 * hotspot/ws/SearchAction.java @ 14db30a80c5e57218b1e59a0e974ee60b2148101), in the dump's format;
 * `projectKey` is the parameter's name on SonarCloud and its deprecated key on SonarQube >= 10.2.
 * The security-standard filters (owaspTop10, cwe, ...) are left out: the app does not use them.
 */
const HOTSPOTS_SEARCH_SUPPLEMENT: JsonObject = {
  'x-source':
    'SonarSource/sonarqube server/sonar-webserver-webapi/src/main/java/org/sonar/server/hotspot/ws/SearchAction.java @ 14db30a80c5e57218b1e59a0e974ee60b2148101 (define method), transcribed; security-standard filters omitted',
  path: 'api/hotspots',
  actions: [
    {
      key: 'search',
      description:
        "Search for Security Hotpots. Requires the 'Browse' permission on the specified project(s). When issue indexing is in progress returns 503 service unavailable HTTP code.",
      post: false,
      hasResponseExample: true,
      params: [
        { key: 'p', required: false, defaultValue: '1', description: '1-based page number' },
        {
          key: 'ps',
          required: false,
          defaultValue: '100',
          maximumValue: 500,
          description: 'Page size. Must be greater than 0 and less or equal than 500',
        },
        {
          key: 'projectKey',
          required: false,
          description:
            'Key of the project or application. Required unless hotspots is provided. (SonarQube >= 10.2 names it project and keeps projectKey as deprecated key.)',
        },
        { key: 'project', required: false, description: 'SonarQube >= 10.2 name of projectKey.' },
        { key: 'branch', required: false, description: 'Branch key.' },
        { key: 'pullRequest', required: false, description: 'Pull request id.' },
        {
          key: 'hotspots',
          required: false,
          description:
            'Comma-separated list of Security Hotspot keys. Required unless projectKey is provided.',
        },
        {
          key: 'status',
          required: false,
          possibleValues: ['TO_REVIEW', 'REVIEWED'],
          description: 'Only Security Hotspots with the specified status.',
        },
        {
          key: 'resolution',
          required: false,
          possibleValues: ['FIXED', 'SAFE', 'ACKNOWLEDGED'],
          description: 'Only with status REVIEWED: Security Hotspots with the specified resolution.',
        },
        {
          key: 'inNewCodePeriod',
          required: false,
          defaultValue: 'false',
          possibleValues: ['true', 'false', 'yes', 'no'],
          description: 'Only Security Hotspots created in the new code period.',
        },
        {
          key: 'onlyMine',
          required: false,
          possibleValues: ['true', 'false', 'yes', 'no'],
          description: 'Only Security Hotspots assigned to the current user.',
        },
        { key: 'files', required: false, description: 'Comma-separated list of files.' },
      ],
    },
  ],
};

function readJson(file: string): JsonObject {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as JsonObject;
}

function writeJson(file: string, value: Json): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 1) + '\n');
}

function asObject(value: Json | undefined, what: string): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${what} is missing or not an object in the source spec`);
  }
  return value;
}

/** Every local `#/components/...` reference reachable from `root`, following references transitively. */
function collectComponentRefs(root: Json, components: JsonObject): Map<string, Set<string>> {
  const found = new Map<string, Set<string>>();
  const pending: Json[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || node === undefined || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      pending.push(...node);
      continue;
    }
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const match = /^#\/components\/([^/]+)\/(.+)$/.exec(value);
        if (!match) throw new Error(`Unsupported $ref ${value}: only local #/components refs are expected`);
        const [, section, name] = match as unknown as [string, string, string];
        const names = found.get(section) ?? new Set<string>();
        if (!names.has(name)) {
          names.add(name);
          found.set(section, names);
          const target = asObject(components[section], `components.${section}`)[name];
          if (target === undefined) throw new Error(`Dangling $ref ${value} in the source spec`);
          pending.push(target);
        }
      } else {
        pending.push(value);
      }
    }
  }
  return found;
}

/** Keeps only the listed operations, the components they reference and the security schemes. */
function trimOpenApi(
  spec: JsonObject,
  operations: ReadonlyArray<{ path: string; method: string }>,
  note: string,
): JsonObject {
  const sourcePaths = asObject(spec.paths, 'paths');
  const paths: JsonObject = {};
  for (const { path: p, method } of operations) {
    const item = asObject(sourcePaths[p], `paths["${p}"]`);
    const operation = item[method];
    if (operation === undefined) throw new Error(`${method.toUpperCase()} ${p} is not in the source spec`);
    const kept = (paths[p] as JsonObject | undefined) ?? {};
    // Path-level parameters apply to every operation under the path.
    if (item.parameters !== undefined) kept.parameters = item.parameters;
    kept[method] = operation;
    paths[p] = kept;
  }
  const sourceComponents = asObject(spec.components ?? {}, 'components');
  const refs = collectComponentRefs(paths, sourceComponents);
  const components: JsonObject = {};
  if (sourceComponents.securitySchemes !== undefined)
    components.securitySchemes = sourceComponents.securitySchemes;
  for (const [section, names] of [...refs.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const sourceSection = asObject(sourceComponents[section], `components.${section}`);
    const out = (components[section] as JsonObject | undefined) ?? {};
    for (const name of [...names].sort()) out[name] = sourceSection[name] as Json;
    components[section] = out;
  }
  const info = { ...asObject(spec.info, 'info'), 'x-trimmed': note };
  const trimmed: JsonObject = { openapi: spec.openapi as Json, info };
  if (spec.servers !== undefined) trimmed.servers = spec.servers;
  trimmed.paths = paths;
  trimmed.components = components;
  return trimmed;
}

function trimSonarCloud(list: JsonObject): JsonObject {
  const services = list.webServices;
  if (!Array.isArray(services)) throw new Error('webServices is missing in the SonarCloud list');
  const kept: Json[] = [];
  for (const [servicePath, actionKeys] of Object.entries(SONARCLOUD_ACTIONS)) {
    const service = services.map((s) => asObject(s, 'web service')).find((s) => s.path === servicePath);
    if (!service) throw new Error(`${servicePath} is not in the SonarCloud web-service list`);
    const actions = Array.isArray(service.actions) ? service.actions.map((a) => asObject(a, 'action')) : [];
    const picked = actionKeys.map((key) => {
      const action = actions.find((a) => a.key === key);
      if (!action) throw new Error(`${servicePath}/${key} is not in the SonarCloud web-service list`);
      return action;
    });
    kept.push({ ...service, actions: picked });
  }
  return {
    'x-trimmed':
      'Trimmed by scripts/trim-reference.ts to the web services used by the app; entries are verbatim copies.',
    webServices: kept,
  };
}

function copyFolder(from: string, to: string): string[] {
  fs.mkdirSync(to, { recursive: true });
  const names = fs
    .readdirSync(from)
    .filter((name) => name.endsWith('.json'))
    .sort();
  for (const name of names) fs.copyFileSync(path.join(from, name), path.join(to, name));
  return names;
}

function main(): void {
  const source = path.resolve(process.argv[2] ?? path.join(repoRoot, '..', 'shared', 'reference'));
  if (!fs.existsSync(path.join(source, 'SOURCES.md'))) {
    throw new Error(
      `No reference folder at ${source}: pass the folder that holds SOURCES.md as the argument`,
    );
  }
  fs.rmSync(outputRoot, { recursive: true, force: true });

  const note =
    'Trimmed by scripts/trim-reference.ts to the operations used by the app; operations are verbatim.';
  const sentry = trimOpenApi(
    readJson(path.join(source, 'sentry', 'openapi-derefed.json')),
    SENTRY_OPERATIONS,
    note,
  );
  writeJson(path.join(outputRoot, 'sentry', 'openapi.trimmed.json'), sentry);
  const jira = trimOpenApi(readJson(path.join(source, 'jira', 'swagger-v3.v3.json')), JIRA_OPERATIONS, note);
  writeJson(path.join(outputRoot, 'jira', 'openapi.trimmed.json'), jira);
  const sonar = trimSonarCloud(readJson(path.join(source, 'sonarcloud', 'sonarcloud-webservices-list.json')));
  writeJson(path.join(outputRoot, 'sonarcloud', 'webservices.trimmed.json'), sonar);
  writeJson(
    path.join(outputRoot, 'sonarcloud', 'hotspots-search.supplement.json'),
    HOTSPOTS_SEARCH_SUPPLEMENT,
  );

  const copied: string[] = [];
  for (const folder of [
    'sentry/api-examples',
    'sentry/webhooks',
    'jira/api-examples',
    'sonarcloud/examples',
    'sonarcloud/webhooks',
  ]) {
    for (const name of copyFolder(path.join(source, folder), path.join(outputRoot, folder))) {
      copied.push(`${folder}/${name}`);
    }
  }

  const sources = fs.readFileSync(path.join(source, 'SOURCES.md'), 'utf8');
  const trimNote = [
    '',
    '## Trimmed copy (this folder)',
    '',
    'This folder is written by `npx tsx scripts/trim-reference.ts <full reference folder>`; do not edit it by hand.',
    'The three API descriptions are cut down to the operations the app calls; each kept operation (and every',
    'component schema it references, so `$ref`s resolve) is a verbatim copy of the source above:',
    '',
    '- `sentry/openapi.trimmed.json` from `sentry/openapi-derefed.json`:',
    ...SENTRY_OPERATIONS.map((o) => `  - ${o.method.toUpperCase()} ${o.path}`),
    '- `jira/openapi.trimmed.json` from `jira/swagger-v3.v3.json`:',
    ...JIRA_OPERATIONS.map((o) => `  - ${o.method.toUpperCase()} ${o.path}`),
    '- `sonarcloud/webservices.trimmed.json` from `sonarcloud/sonarcloud-webservices-list.json`:',
    ...Object.entries(SONARCLOUD_ACTIONS).map(([p, actions]) => `  - ${p}: ${actions.join(', ')}`),
    '',
    '`api/hotspots/search` is not in the 2022 SonarCloud web-service dump; its response example',
    '(`sonarcloud/examples/hotspots_search-example.json`) comes from SonarQube, and its parameters are',
    'transcribed into `sonarcloud/hotspots-search.supplement.json` from SonarSource/sonarqube',
    '`server/sonar-webserver-webapi/src/main/java/org/sonar/server/hotspot/ws/SearchAction.java` @ 14db30a80c5e57218b1e59a0e974ee60b2148101.',
    '',
    'Known differences between these descriptions and the live APIs, handled in the clients and contract tests:',
    '',
    '- Sentry `PUT .../issues/` and `PUT .../issues/{issue_id}/` list every body property as required, while the',
    '  operations say "Only the attributes submitted are modified"; contract tests ignore `required` for those bodies.',
    '- `sonarcloud/examples/authentication_validate-example.json` reads `{"validate": true}`; SonarSource\'s own clients',
    '  read the field `valid`. The client accepts either.',
    '',
    'Copied verbatim (byte-identical):',
    '',
    ...copied.map((name) => `- \`${name}\``),
    '',
    'Not copied: the endpoint summaries (`*_endpoints_summary.txt`), the Forge notes, and everything the app does not call.',
    '',
  ].join('\n');
  fs.writeFileSync(path.join(outputRoot, 'SOURCES.md'), sources.trimEnd() + '\n' + trimNote);

  for (const file of [
    'sentry/openapi.trimmed.json',
    'jira/openapi.trimmed.json',
    'sonarcloud/webservices.trimmed.json',
  ]) {
    const size = fs.statSync(path.join(outputRoot, file)).size;
    console.log(`${file}: ${(size / 1024).toFixed(0)} KB`);
  }
  console.log(`${copied.length} example and webhook files copied`);
}

if (require.main === module) main();
