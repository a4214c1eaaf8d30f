// The sandbox's "a person moves a Jira issue" route: Jira's event reaches the app's issue-updated trigger
// through the runtime (manifest filters honoured), so status sync can be tried by hand.
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

it('POST /sandbox/jira/move moves the issue as a person would, and its linked Sentry issue follows', async () => {
  jest.setTimeout(60_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-jira-move-'));
  const sandbox = await startSandboxServer({
    port: 0,
    host: '127.0.0.1',
    buildUi: false,
    dataFile: path.join(dataDir, 'kvs.json'),
    log: () => undefined,
  });
  try {
    const issue = sandbox.world.jira.issues.find((candidate) =>
      candidate.summary.startsWith('Order list crashes'),
    );
    if (!issue) throw new Error('The demo has no Jira issue "Order list crashes…".');
    const [link] = await sandbox.runtime.runInvocation({ functionKey: 'admin-fn' }, () =>
      listLinksOfJiraIssue(issue.id),
    );
    if (!link) throw new Error(`${issue.key} has no linked Sentry issue in the demo.`);
    const base = `http://127.0.0.1:${sandbox.port}`;

    expect((await post(`${base}/sandbox/jira/move?issue=NOPE-1&status=Done`)).status).toBe(404);
    const refused = await post(`${base}/sandbox/jira/move?issue=${issue.key}&status=Nowhere`);
    expect(refused.status).toBe(400);

    for (const status of ['In Progress', 'Done']) {
      const moved = await post(
        `${base}/sandbox/jira/move?issue=${issue.key}&status=${encodeURIComponent(status)}`,
      );
      expect(moved).toEqual({
        status: 200,
        text: expect.stringContaining(`Moved ${issue.key} to ${status}.`),
      });
    }
    expect(sandbox.world.simulators.sentry.issue(link.sentryIssueId).status).toBe('resolved');
  } finally {
    await sandbox.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
