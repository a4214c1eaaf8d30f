// Bundle sizes: the backend as Forge would bundle it (src/index.ts with every dependency, for Node)
// and each Custom UI page as built into static/dist (run `npm run build:ui` first).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'esbuild';
import { printTable } from './support/table';

const root = path.join(__dirname, '..');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const gzipSize = (content: Buffer) => zlib.gzipSync(content, { level: 9 }).length;

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

async function backendBundle(): Promise<Buffer> {
  const result = await build({
    entryPoints: [path.join(root, 'src', 'index.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error('esbuild produced no output for src/index.ts');
  return Buffer.from(output.contents);
}

async function main(): Promise<void> {
  const backend = await backendBundle();
  const rows: Array<[string, string, string]> = [
    ['backend (src/index.ts, minified)', kib(backend.length), kib(gzipSize(backend))],
  ];
  const dist = path.join(root, 'static', 'dist');
  if (fs.existsSync(dist)) {
    for (const page of fs.readdirSync(dist).sort()) {
      const contents = filesUnder(path.join(dist, page)).map((file) => fs.readFileSync(file));
      const raw = contents.reduce((sum, content) => sum + content.length, 0);
      const gzip = contents.reduce((sum, content) => sum + gzipSize(content), 0);
      rows.push([`page ${page}`, kib(raw), kib(gzip)]);
    }
  } else {
    console.log('static/dist is missing: run `npm run build:ui` to measure the pages.');
  }
  printTable('Bundle sizes', ['bundle', 'raw', 'gzip'], rows);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
