// Builds the Custom UI pages when static/dist is missing or older than the sources, so the sandbox
// (and its browser test) never shows a stale or absent build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO_ROOT = path.join(__dirname, '..', '..');
const STATIC_DIR = path.join(REPO_ROOT, 'static');

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return fs
    .readdirSync(target)
    .reduce((newest, name) => Math.max(newest, newestMtime(path.join(target, name))), stat.mtimeMs);
}

/** Newest change among what goes into a build: page sources, shared code, the view types, the build config. */
function newestSourceMtime(): number {
  return Math.max(
    newestMtime(path.join(STATIC_DIR, 'src')),
    newestMtime(path.join(STATIC_DIR, 'vite.config.mjs')),
    newestMtime(path.join(STATIC_DIR, 'build.mjs')),
    newestMtime(path.join(REPO_ROOT, 'src', 'domain', 'views.ts')),
    newestMtime(path.join(REPO_ROOT, 'src', 'domain', 'model.ts')),
  );
}

/** The pages (folder names under static/dist) whose build is missing or out of date. */
export function stalePages(resourcePaths: string[]): string[] {
  const sources = newestSourceMtime();
  const pages = [...new Set(resourcePaths.map((resourcePath) => path.basename(resourcePath)))];
  return pages.filter((page) => {
    const index = path.join(STATIC_DIR, 'dist', page, 'index.html');
    return !fs.existsSync(index) || fs.statSync(index).mtimeMs < sources;
  });
}

/** Newest change among what goes into the UI Kit bundles: their sources and the view types they import. */
function newestUiKitSourceMtime(): number {
  return Math.max(
    newestMtime(path.join(STATIC_DIR, 'ui-kit')),
    newestMtime(path.join(REPO_ROOT, 'scripts', 'ui-kit-bundle.ts')),
    newestMtime(path.join(REPO_ROOT, 'src', 'domain', 'health', 'issue-context.ts')),
    newestMtime(path.join(REPO_ROOT, 'src', 'domain', 'views.ts')),
  );
}

/**
 * Bundles the UI Kit resources (scripts/ui-kit-bundle.ts, the Forge CLI's native UI bundler) when a
 * static/dist/<resource>/ is missing or older than the sources; throws with the build's output on failure.
 */
export function ensureUiKitBuilt(
  resourceKeys: string[],
  log: (line: string) => void = () => undefined,
): boolean {
  const sources = newestUiKitSourceMtime();
  const stale = resourceKeys.filter((key) => {
    const index = path.join(STATIC_DIR, 'dist', key, 'index.html');
    return !fs.existsSync(index) || fs.statSync(index).mtimeMs < sources;
  });
  if (stale.length === 0) return false;
  log(`Bundling the UI Kit resources (${stale.join(', ')})…`);
  const tsx = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const result = spawnSync(process.execPath, [tsx, path.join(REPO_ROOT, 'scripts', 'ui-kit-bundle.ts')], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `Bundling the UI Kit resources failed (tsx scripts/ui-kit-bundle.ts):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return true;
}

/** Runs `node static/build.mjs <pages>` for the stale pages; throws with the build's output on failure. */
export function ensureUiBuilt(
  resourcePaths: string[],
  log: (line: string) => void = () => undefined,
): string[] {
  const pages = stalePages(resourcePaths);
  if (pages.length === 0) return [];
  log(`Building the Custom UI (${pages.join(', ')})…`);
  const result = spawnSync(process.execPath, [path.join(STATIC_DIR, 'build.mjs'), ...pages], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (result.status !== 0) {
    throw new Error(`Building the Custom UI failed (npm run build:ui):\n${result.stdout}\n${result.stderr}`);
  }
  return pages;
}
