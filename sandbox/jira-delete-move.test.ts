// The sandbox's "a person deletes or moves a Jira issue" routes: a deleted issue's links are cleaned up by
// the app's avi:jira:deleted:issue trigger; an issue moved to another project keeps its links.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { listLinksOfJiraIssue } from '../src/storage';
import { startSandboxServer } from './server';

function post(url: string): Promise<{ status: number; text: string }> {
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

it('POST /sandbox/jira/move-to-project keeps the links; POST /sandbox/jira/delete removes them', async () => {
  jest.setTimeout(60_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-jira-delete-'));
  const sandbox = await startSandboxServer({
    port: 0,
    host: '127.0.0.1',
    buildUi: false,
    dataFile: path.join(dataDir, 'kvs.json'),
    log: () => undefined,
  });
  const linksOf = (jiraIssueId: string) =>
    sandbox.runtime.runInvocation({ functionKey: 'admin-fn' }, () => listLinksOfJiraIssue(jiraIssueId));
  try {
    const issue = sandbox.world.jira.issues.find((candidate) => candidate.key === 'SHOP-1');
    if (!issue) throw new Error('The demo has no SHOP-1.');
    const before = await linksOf(issue.id);
    expect(before.length).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${sandbox.port}`;

    expect((await post(`${base}/sandbox/jira/delete?issue=NOPE-1`)).status).toBe(404);
    expect((await post(`${base}/sandbox/jira/move-to-project?issue=SHOP-1&project=NOPE`)).status).toBe(400);

    const moved = await post(`${base}/sandbox/jira/move-to-project?issue=SHOP-1&project=PAY`);
    expect(moved).toEqual({ status: 200, text: expect.stringMatching(/Moved SHOP-1 to PAY as PAY-\d+/) });
    expect(await linksOf(issue.id)).toHaveLength(before.length);

    const deleted = await post(`${base}/sandbox/jira/delete?issue=${issue.id}`);
    expect(deleted.status).toBe(200);
    expect(await linksOf(issue.id)).toEqual([]);
  } finally {
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
