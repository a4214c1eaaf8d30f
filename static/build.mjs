/* global console, process */
// `npm run build:ui`: builds every Custom UI page, each as its own Vite build into static/dist/<page>/,
// then prints the gzip size of each page (the issue panel loads on every issue view: keep it small).
// `node static/build.mjs admin` builds only the pages named.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'vite';
import { PAGES, pageConfig } from './vite.config.mjs';

function filesUnder(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Raw and gzip bytes of a built page's files (html, js, css). */
export function pageSize(outDir) {
  let raw = 0;
  let gzip = 0;
  for (const file of filesUnder(outDir)) {
    const content = fs.readFileSync(file);
    raw += content.length;
    gzip += zlib.gzipSync(content, { level: 9 }).length;
  }
  return { raw, gzip };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

async function main() {
  // A production build whatever the caller's environment says (jest sets NODE_ENV=test, which would
  // make esbuild emit React's development JSX runtime).
  process.env.NODE_ENV = 'production';
  const requested = process.argv.slice(2);
  const pages = requested.length > 0 ? requested : PAGES;
  const rows = [];
  for (const page of pages) {
    const config = pageConfig(page);
    await build(config);
    const size = pageSize(config.build.outDir);
    rows.push({ page, raw: kib(size.raw), gzip: kib(size.gzip) });
  }
  console.log('Custom UI pages built into static/dist/:');
  console.table(rows);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
