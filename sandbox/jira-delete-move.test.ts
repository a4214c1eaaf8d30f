// The sandbox's "a person deletes or moves a Jira issue" routes: a deleted issue's links are cleaned up by
// the app's avi:jira:deleted:issue trigger; an issue moved to another project keeps its links.
import { listLinksOfJiraIssue } from '../src/storage';
import { post, withDemoSandbox } from './sandbox-test-kit';

it('POST /sandbox/jira/move-to-project keeps the links; POST /sandbox/jira/delete removes them', async () => {
  jest.setTimeout(60_000);
  await withDemoSandbox('jira-delete', async (sandbox, base) => {
    const linksOf = (jiraIssueId: string) =>
      sandbox.runtime.runInvocation({ functionKey: 'admin-fn' }, () => listLinksOfJiraIssue(jiraIssueId));
    const issue = sandbox.world.jira.issues.find((candidate) => candidate.key === 'SHOP-1');
    if (!issue) throw new Error('The demo has no SHOP-1.');
    const before = await linksOf(issue.id);
    expect(before.length).toBeGreaterThan(0);

    expect((await post(`${base}/sandbox/jira/delete?issue=NOPE-1`)).status).toBe(404);
    expect((await post(`${base}/sandbox/jira/move-to-project?issue=SHOP-1&project=NOPE`)).status).toBe(400);

    const moved = await post(`${base}/sandbox/jira/move-to-project?issue=SHOP-1&project=PAY`);
    expect(moved).toEqual({ status: 200, text: expect.stringMatching(/Moved SHOP-1 to PAY as PAY-\d+/) });
    expect(await linksOf(issue.id)).toHaveLength(before.length);

    const deleted = await post(`${base}/sandbox/jira/delete?issue=${issue.id}`);
    expect(deleted.status).toBe(200);
    expect(await linksOf(issue.id)).toEqual([]);
  });
});
