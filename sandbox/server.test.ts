// The sandbox's start modes: a new store gets the demo data, --empty starts (and stays) empty, --demo
// brings the demo data back.
import fs from 'node:fs';
import http from 'node:http';
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

describe('sandbox pages on an unknown project or issue', () => {
  jest.setTimeout(60_000);

  /** A GET with node:http: the sandbox's runtime replaces global fetch with Forge's egress filter. */
  function get(url: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      http
        .get(url, (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
          );
        })
        .on('error', reject);
    });
  }

  it('says there is no such project or issue instead of opening the demo project', async () => {
    const sandbox = await startSandboxServer({
      port: 0,
      host: '127.0.0.1',
      buildUi: false,
      dataFile: path.join(dataDir, 'kvs.json'),
      log: () => undefined,
    });
    try {
      const base = `http://127.0.0.1:${sandbox.port}`;
      const project = await get(`${base}/?project=NOPE`);
      expect(project.status).toBe(404);
      expect(project.text).toMatch(/^No such project "NOPE" in the sandbox's Jira \(projects: .*SHOP/);
      const page = await get(`${base}/modules/product-health-issue-panel?issue=NOPE-9`);
      expect(page.status).toBe(404);
      expect(page.text).toContain('No such issue "NOPE-9"');
      expect((await get(`${base}/?project=SHOP`)).status).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});
