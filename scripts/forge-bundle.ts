// `npm run bundle:forge`: bundles the backend with the Forge CLI's own bundler (@forge/bundler, the
// webpack + ts-loader build `forge deploy` runs, reading the root tsconfig.json), then proves the bundle
// is what Forge would run: every handler manifest.yml names is an exported function of it, and the
// bundled code (with its own copies of the @forge packages) runs one invocation on the local runtime.
// Prints the bundle's size. Exits non-zero on any failure.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { getEntryPoints, getNodeBundler, NODE_RUNTIME_CODE_FILE } from '@forge/bundler';
import { ConfigFile, FileSystemReader, FileSystemWriter } from '@forge/cli-shared';
import { installForgeGlobals, LocalForgeRuntime } from '../sandbox/runtime';
import { bundleUiKitResources, describeBundles, nativeResources } from './ui-kit-bundle';

const APP_DIRECTORY = path.join(__dirname, '..');

const logger = {
  info: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
  warn: (message: string) => console.warn(`forge bundler warning: ${message}`),
  error: (error: unknown) => console.error(error),
};

/**
 * `forge deploy` adds the Forge runtime's loader and wrapper scripts, downloaded from Atlassian's CDN,
 * beside the app's bundle. They are not the app's code and this machine has no route to the CDN: the
 * check stands in a note for them, so the webpack build of the app is exactly the CLI's.
 */
const offlineWrapperProvider = {
  getNodeRuntimeWrapper: async () => ({
    script: '// Forge runtime wrapper: added by forge deploy',
    source: 'offline',
    version: 'offline',
  }),
  getNodeRuntimeLoader: async () => ({
    script: '// Forge runtime loader: added by forge deploy',
    source: 'offline',
    version: 'offline',
  }),
};

async function main(): Promise<void> {
  // The CLI's own manifest reader, from the app directory, as `forge deploy` runs it: it lists the
  // handlers (`index.issuePanelResolver` is module `index`, export `issuePanelResolver`) and tells the
  // bundler which kind to use (`app.package`).
  process.chdir(APP_DIRECTORY);
  const config = new ConfigFile(new FileSystemReader(), new FileSystemWriter());
  const handlers = await config.getAppHandlers();
  const functionKeys = new Map(
    ((await config.readConfig()).modules?.function ?? []).map((fn) => [fn.handler, fn.key]),
  );
  const bundler = getNodeBundler(logger as never, offlineWrapperProvider as never, config);
  const output = await bundler.bundle({ appDirectory: APP_DIRECTORY, entryPoints: getEntryPoints(handlers) });

  const problems: string[] = [];
  const rows: string[] = [];
  const modules = [...new Set(handlers.map((handler) => handler.module))];
  for (const module of modules) {
    const file = path.join(output.outputDir, `${module}.cjs`);
    if (!fs.existsSync(file)) {
      problems.push(`the bundler wrote no ${module}.cjs`);
      continue;
    }
    const code = fs.readFileSync(file);
    rows.push(
      `${module}.cjs: ${(code.length / 1024).toFixed(1)} KiB, ${(zlib.gzipSync(code, { level: 9 }).length / 1024).toFixed(1)} KiB gzip`,
    );
  }
  if (!output.additionalOutputs?.has(NODE_RUNTIME_CODE_FILE))
    problems.push('no runtime loader beside the bundle');

  // Load the bundle as Forge's loader does: after the globals the @forge packages read are in place.
  installForgeGlobals();
  const runtime = new LocalForgeRuntime().use();
  const exportsOf = new Map<string, Record<string, unknown>>();
  for (const module of modules) {
    const file = path.join(output.outputDir, `${module}.cjs`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if (fs.existsSync(file)) exportsOf.set(module, require(file) as Record<string, unknown>);
  }
  for (const { module, func } of handlers) {
    if (typeof exportsOf.get(module)?.[func] !== 'function') {
      const functionKey = functionKeys.get(`${module}.${func}`) ?? '?';
      problems.push(`function ${functionKey}: ${module}.${func} is not an exported function of the bundle`);
    }
  }

  // One real invocation of the bundled code: the lifecycle trigger writes a sync log entry through @forge/kvs.
  const index = exportsOf.get('index');
  if (index && problems.length === 0) {
    runtime.setAppModule(index);
    await runtime.invokeFunction('lifecycle-fn', {
      eventType: 'avi:forge:installed:app',
      app: { version: '1' },
    });
    const written = Object.keys(runtime.kvs.dump().data).filter((key) => key.startsWith('synclog'));
    if (written.length === 0) problems.push('the bundled lifecycle function wrote no sync log entry');
  }

  fs.rmSync(output.outputDir, { recursive: true, force: true });
  // The UI Kit resources (render: native), bundled as forge deploy bundles them.
  const uiKit = await bundleUiKitResources(APP_DIRECTORY);
  for (const resource of await nativeResources(APP_DIRECTORY)) {
    if (!uiKit.some((bundle) => bundle.key === resource.key && bundle.raw > 0)) {
      problems.push(`the native UI bundler wrote nothing for resource ${resource.key}`);
    }
  }
  if (uiKit.length > 0) rows.push(describeBundles(uiKit));
  if (problems.length > 0) {
    for (const problem of problems) console.error(`forge bundle: ${problem}`);
    process.exit(1);
  }
  console.log(
    `forge bundle: ${handlers.length} handlers exported, bundled code ran on the local runtime; ${rows.join('; ')}`,
  );
}

main().catch((error: unknown) => {
  console.error(`forge bundle failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
