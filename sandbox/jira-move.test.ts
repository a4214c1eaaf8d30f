// The sandbox's "a person moves a Jira issue" route: Jira's event reaches the app's issue-updated trigger
// through the runtime (manifest filters honoured), so status sync can be tried by hand.
import { listLinksOfJiraIssue } from '../src/storage';
import { post, withDemoSandbox } from './sandbox-test-kit';

it('POST /sandbox/jira/move moves the issue as a person would, and its linked Sentry issue follows', async () => {
  jest.setTimeout(60_000);
  await withDemoSandbox('jira-move', async (sandbox, base) => {
    const issue = sandbox.world.jira.issues.find((candidate) =>
      candidate.summary.startsWith('Order list crashes'),
    );
    if (!issue) throw new Error('The demo has no Jira issue "Order list crashes…".');
    const [link] = await sandbox.runtime.runInvocation({ functionKey: 'admin-fn' }, () =>
      listLinksOfJiraIssue(issue.id),
    );
    if (!link) throw new Error(`${issue.key} has no linked Sentry issue in the demo.`);

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
  });
});
