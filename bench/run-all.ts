// `npm run bench`: runs every bench/*.bench.ts in turn, each in its own process, and prints its figures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const benchDir = __dirname;
const tsxCli = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');
const benches = fs
  .readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name} ===`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [tsxCli, path.join(benchDir, name)], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed += 1;
    console.log(`=== ${name} failed (exit ${result.status ?? result.signal}) after ${seconds} s ===`);
  } else {
    console.log(`=== ${name}: ${seconds} s ===`);
  }
}
if (benches.length === 0) console.log('No bench/*.bench.ts files found.');
process.exitCode = failed > 0 ? 1 : 0;
