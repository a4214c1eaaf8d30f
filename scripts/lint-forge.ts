// `npm run lint:forge`: the Forge CLI's own checks, offline.
// 1. manifest.yml validated by @forge/manifest (FULL validation, no deprecated runtime allowed);
// 2. @forge/lint's client-side linters over src/ (handlers, scopes for every Jira route, egress, storage...).
// @forge/lint fetches Atlassian's API specs unless it is pointed at local copies; the project carries the
// Jira one (paths and scopes only) in scripts/forge-lint/, and empty specs for products it does not call.
import path from 'node:path';
import fs from 'node:fs';
import yaml from 'js-yaml';
import { ProcessorBuilder, ValidationTypes, type ManifestSchema } from '@forge/manifest';
import { lint, problemCount, reportLintResults } from '@forge/lint';
import type { StatsigService } from '@forge/cli-shared';

const root = path.join(__dirname, '..');
const lintSpecs = path.join(root, 'scripts', 'forge-lint');
const emptySpec = path.join(lintSpecs, 'empty-paths.json');

function listSourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSourceFiles(full);
    return /\.(ts|tsx|js)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The linters only ask Statsig which runtimes are deprecated: none are allowed here. */
const offlineStatsig = { getDeprecatedRuntimes: async () => [] } as unknown as StatsigService;

async function main(): Promise<number> {
  process.chdir(root);
  Object.assign(process.env, {
    USE_LOCAL_SWAGGER: '1',
    LOCAL_JIRA_SWAGGER: path.join(lintSpecs, 'jira-paths.json'),
    LOCAL_JSM_SWAGGER: emptySpec,
    LOCAL_JSW_SWAGGER: emptySpec,
    LOCAL_CONF_SWAGGER: emptySpec,
    LOCAL_CONF_V2_SWAGGER: emptySpec,
    LOCAL_BB_SWAGGER: emptySpec,
  });

  const validation = await ProcessorBuilder.instance()
    .withValidation(ValidationTypes.FULL)
    .withOptions({ deprecatedRuntimes: [] })
    .build()
    .process();
  const manifestErrors = validation.errors ?? [];
  for (const error of manifestErrors) {
    console.log(`manifest.yml:${error.line ?? '?'}:${error.column ?? '?'} ${error.level} ${error.message}`);
  }
  const manifestProblems = manifestErrors.length;

  const manifest = yaml.load(fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8')) as ManifestSchema;
  const files = listSourceFiles(path.join(root, 'src')).map((file) => path.relative(root, file));
  const results = await lint(files, manifest, 'development', console, offlineStatsig, {
    linter: { mode: 'client-side' },
  });
  reportLintResults(console, results);
  const { errors, warnings } = problemCount(results);
  console.log(
    `lint:forge: manifest ${manifestProblems} problem(s); ${files.length} source files linted: ${errors} error(s), ${warnings} warning(s)`,
  );
  return manifestProblems + errors + warnings === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
