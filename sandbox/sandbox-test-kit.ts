// For the sandbox server's tests: a sandbox on a free port with the demo data in a throwaway store (no
// UI build), and a POST through node:http (the runtime replaces global fetch with Forge's egress filter).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startSandboxServer, type SandboxServer } from './server';

/** Runs `test` against a fresh demo sandbox, then closes it and removes its store. */
export async function withDemoSandbox(
  name: string,
  test: (sandbox: SandboxServer, base: string) => Promise<void>,
): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sandbox-${name}-`));
  const sandbox = await startSandboxServer({
    port: 0,
    host: '127.0.0.1',
    buildUi: false,
    dataFile: path.join(dataDir, 'kvs.json'),
    log: () => undefined,
  });
  try {
    await test(sandbox, `http://127.0.0.1:${sandbox.port}`);
  } finally {
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A POST with no body; the status and text of the answer. */
export function post(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST' }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on('error', reject);
    request.end();
  });
}
