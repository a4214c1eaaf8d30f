// Bundles the UI Kit resources (modules with `render: native`) as `forge deploy` does: @forge/bundler's
// NativeUIBundler (webpack + ts-loader reading the tsconfig.json nearest each entry, html-webpack-plugin).
// The output goes to static/dist/<resource key>/ (index.html + <key>.js), which is what the sandbox
// serves; `npm run bundle:forge` runs it and prints the sizes. `tsx scripts/ui-kit-bundle.ts` alone
// rebuilds them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { NativeUIBundler } from '@forge/bundler';
import { ConfigFile, FileSystemReader, FileSystemWriter, type ResourceDetails } from '@forge/cli-shared';

const APP_DIRECTORY = path.join(__dirname, '..');

/** The resources modules with `render: native` display, found by the CLI's own manifest reader. */
export async function nativeResources(appDirectory = APP_DIRECTORY): Promise<ResourceDetails[]> {
  const previous = process.cwd();
  process.chdir(appDirectory);
  try {
    return await new ConfigFile(new FileSystemReader(), new FileSystemWriter()).getResources(['nativeUI']);
  } finally {
    process.chdir(previous);
  }
}

export interface UiKitBundle {
  key: string;
  outDir: string;
  raw: number;
  gzip: number;
}

const quietLogger = {
  info: () => undefined,
  debug: () => undefined,
  trace: () => undefined,
  warn: (message: string) => console.warn(`forge native UI bundler warning: ${message}`),
  error: (error: unknown) => console.error(error),
};

/** Bundles every native resource into static/dist/<key>/ and answers their sizes (source maps left out). */
export async function bundleUiKitResources(appDirectory = APP_DIRECTORY): Promise<UiKitBundle[]> {
  const resources = await nativeResources(appDirectory);
  const previous = process.cwd();
  process.chdir(appDirectory);
  try {
    const bundler = new NativeUIBundler(quietLogger as never);
    const { nativeUiBundlesDetails } = await bundler.bundleResources(resources, undefined, false);
    return nativeUiBundlesDetails.map((bundle) => {
      const outDir = path.join(appDirectory, 'static', 'dist', bundle.key);
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.cpSync(bundle.path, outDir, { recursive: true });
      fs.rmSync(bundle.path, { recursive: true, force: true });
      let raw = 0;
      let gzip = 0;
      for (const name of fs.readdirSync(outDir)) {
        if (name.endsWith('.map') || name.endsWith('.txt')) continue;
        const content = fs.readFileSync(path.join(outDir, name));
        raw += content.length;
        gzip += zlib.gzipSync(content, { level: 9 }).length;
      }
      return { key: bundle.key, outDir, raw, gzip };
    });
  } finally {
    process.chdir(previous);
  }
}

export function describeBundles(bundles: readonly UiKitBundle[]): string {
  return bundles
    .map(
      (bundle) =>
        `${bundle.key} (UI Kit): ${(bundle.raw / 1024).toFixed(1)} KiB, ${(bundle.gzip / 1024).toFixed(1)} KiB gzip`,
    )
    .join('; ');
}

if (require.main === module) {
  bundleUiKitResources()
    .then((bundles) => console.log(`UI Kit resources bundled into static/dist/: ${describeBundles(bundles)}`))
    .catch((error: unknown) => {
      console.error(`UI Kit bundle failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
}
