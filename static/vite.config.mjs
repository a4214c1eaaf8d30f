/* global console, process */
// One Vite build per Custom UI page: Forge serves each resource folder on its own, so every
// static/dist/<page>/ must hold all its assets. `PAGE=admin vite build -c static/vite.config.mjs`
// builds one page; static/build.mjs builds them all.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const staticDir = path.dirname(fileURLToPath(import.meta.url));
const forgeDir = path.join(staticDir, '..', 'node_modules', '@forge');

/**
 * Loads only the @forge/bridge modules the pages use (static/src/shared/forge-bridge-lite.mjs) instead of
 * the package index. Falls back to the whole package if a release moves its files.
 */
function liteBridgeAliases() {
  const needed = ['bridge/out/invoke/invoke.js', 'bridge/out/view/getContext.js', 'i18n/out/ensureLocale.js'];
  const missing = needed.filter((file) => !fs.existsSync(path.join(forgeDir, file)));
  if (missing.length > 0) {
    console.warn(
      `Building with the whole @forge/bridge: ${missing.join(', ')} not found in node_modules/@forge.`,
    );
    return [];
  }
  return [
    { find: /^@forge\/bridge$/, replacement: path.join(staticDir, 'src', 'shared', 'forge-bridge-lite.mjs') },
    { find: /^@forge\/bridge-out\//, replacement: `${path.join(forgeDir, 'bridge', 'out')}/` },
    // view.getContext only needs ensureLocale from @forge/i18n, not its translation helpers.
    { find: /^@forge\/i18n$/, replacement: path.join(forgeDir, 'i18n', 'out', 'ensureLocale.js') },
  ];
}

/** The resources of manifest.yml, each a page under static/src/pages/. */
export const PAGES = ['issue-panel', 'project-page', 'project-settings', 'admin'];

/** The Vite configuration that builds one page into static/dist/<page>/. */
export function pageConfig(page) {
  if (!PAGES.includes(page)) {
    throw new Error(`Unknown Custom UI page "${page}": expected one of ${PAGES.join(', ')}.`);
  }
  return {
    configFile: false,
    mode: 'production',
    root: path.join(staticDir, 'src', 'pages', page),
    // Relative asset URLs: Forge serves the folder under a path of its own choosing.
    base: './',
    logLevel: 'warn',
    esbuild: { jsx: 'automatic' },
    resolve: { alias: liteBridgeAliases() },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    build: {
      outDir: path.join(staticDir, 'dist', page),
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      // Everything a page needs in its own folder; no shared chunk outside it.
      assetsInlineLimit: 0,
      rollupOptions: { output: { manualChunks: undefined } },
    },
  };
}

export default defineConfig(() => pageConfig(process.env.PAGE ?? ''));
