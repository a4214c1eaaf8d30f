// The sandbox's start modes: a new store gets the demo data, --empty starts (and stays) empty, --demo
// brings the demo data back.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listConnections, listProducts } from '../src/storage';
import { startFromArguments, startSandboxServer, type SandboxStart } from './server';

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-start-'));
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** Starts the sandbox on the data file, reads what the store holds, and stops it. */
async function startAndRead(
  start?: SandboxStart,
): Promise<{ seeded: boolean; connections: number; products: number }> {
  const sandbox = await startSandboxServer({
    port: 0,
    buildUi: false,
    dataFile: path.join(dataDir, 'kvs.json'),
    log: () => undefined,
    ...(start ? { start } : {}),
  });
  try {
    const held = await sandbox.runtime.runInvocation({ functionKey: 'admin-fn' }, async () => ({
      connections: (await listConnections()).length,
      products: (await listProducts()).length,
    }));
    return { seeded: sandbox.seeded, ...held };
  } finally {
    await sandbox.close();
  }
}

describe('sandbox start', () => {
  jest.setTimeout(60_000);

  it('a new store gets the demo data; --empty clears it and it stays empty; --demo brings it back', async () => {
    expect(await startAndRead()).toEqual({ seeded: true, connections: 2, products: 5 });
    expect(await startAndRead()).toEqual({ seeded: false, connections: 2, products: 5 });
    expect(await startAndRead('empty')).toEqual({ seeded: false, connections: 0, products: 0 });
    expect(await startAndRead()).toEqual({ seeded: false, connections: 0, products: 0 });
    expect(await startAndRead('demo')).toEqual({ seeded: true, connections: 2, products: 5 });
  });

  it('reads --empty and --demo from the command line, and names the options for anything else', () => {
    expect(startFromArguments([])).toBe('keep');
    expect(startFromArguments(['--empty'])).toBe('empty');
    expect(startFromArguments(['--demo'])).toBe('demo');
    expect(() => startFromArguments(['--emtpy'])).toThrow(/--empty \(start from an empty store\), --demo/);
  });
});
