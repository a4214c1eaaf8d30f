// Writes scripts/forge-lint/jira-paths.json: every path of Jira Cloud's REST spec with only the
// fields @forge/lint's permission linter reads (security and x-atlassian-oauth2-scopes per method),
// so `npm run lint:forge` runs offline from a plain clone. Run again when the Jira spec is updated:
//   npx tsx scripts/extract-jira-scopes.ts <path to Jira's swagger-v3.v3.json>
import fs from 'node:fs';
import path from 'node:path';

type Operation = Record<string, unknown>;
const KEPT_FIELDS = ['security', 'x-atlassian-oauth2-scopes'];

const source = process.argv[2];
if (!source) {
  console.error('usage: tsx scripts/extract-jira-scopes.ts <swagger-v3.v3.json>');
  process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(source, 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
const paths: Record<string, Record<string, Operation>> = {};
for (const [route, methods] of Object.entries(spec.paths)) {
  paths[route] = {};
  for (const [method, operation] of Object.entries(methods)) {
    if (typeof operation !== 'object' || operation === null) continue;
    paths[route][method] = Object.fromEntries(
      KEPT_FIELDS.filter((f) => f in operation).map((f) => [f, operation[f]]),
    );
  }
}
const target = path.join(__dirname, '..', 'scripts', 'forge-lint', 'jira-paths.json');
fs.writeFileSync(target, JSON.stringify({ paths }) + '\n');
console.log(`wrote ${Object.keys(paths).length} Jira paths to scripts/forge-lint/jira-paths.json`);
