// The issue panel's "still blocked by" line in a real Chromium against the sandbox: a Jira issue with two
// linked Sentry issues says that Sentry moves it to done once all of them are resolved and names the
// ones still open; resolving one in Sentry leaves the other named. Light and dark screenshots land in
// test-results/browser/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import { describeInBrowser, SCREENSHOTS, startBrowserSandbox, type BrowserSandbox } from './browser-kit';

describeInBrowser('issue panel: what still blocks Done, in Chromium', () => {
  jest.setTimeout(300_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let kit: BrowserSandbox | undefined;
  let jiraKey: string;
  let shortIds: string[];
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('status-panel');
    ({ sandbox, browser } = kit);
    const issue = sandbox.world.jira.issues.find((candidate) =>
      candidate.summary.startsWith('Order list crashes'),
    );
    if (!issue) throw new Error('The demo has no Jira issue "Order list crashes…".');
    jiraKey = issue.key;
    // A second Sentry issue on the same Jira issue, linked as a person would from the panel.
    const { listLinksOfJiraIssueWithSnapshots } = await import('../../src/storage');
    const { linkSentryIssue } = await import('../../src/services/links/link-sentry-issue');
    const linked = await listLinksOfJiraIssueWithSnapshots(issue.id);
    const first = linked[0];
    if (!first?.snapshot) throw new Error(`${jiraKey} has no linked Sentry issue in the demo.`);
    const firstIssue = sandbox.world.simulators.sentry.issue(first.link.sentryIssueId);
    const second = sandbox.world.simulators.sentry
      .issues({ projectSlug: firstIssue.projectSlug, status: 'unresolved' })
      .find((candidate) => candidate.id !== first.link.sentryIssueId);
    if (!second) throw new Error('The demo has no second unresolved Sentry issue in the same project.');
    await linkSentryIssue({
      reference: second.shortId,
      jiraIssueId: issue.id,
      jiraProjectId: issue.projectId,
      accountId: null,
    });
    shortIds = [first.snapshot.shortId, second.shortId].sort();
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(() => {
    expect(browserErrors).toEqual([]);
  });

  async function openPanel(theme: 'light' | 'dark'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 720, height: 700 } });
    page.on('pageerror', (error) => browserErrors.push(error.message));
    await page.goto(
      `http://127.0.0.1:${sandbox.port}/modules/product-health-issue-panel?issue=${jiraKey}&theme=${theme}`,
    );
    return page;
  }

  it('names every linked Sentry issue that still blocks Done, light and dark', async () => {
    for (const theme of ['light', 'dark'] as const) {
      const page = await openPanel(theme);
      const frame = page.frames().length > 1 ? page.frames()[1]! : page.mainFrame();
      await frame.getByTestId('linked-sentry-issue').first().waitFor();
      const line = frame.getByTestId('done-blockers');
      await line.waitFor();
      expect(await line.innerText()).toBe(
        'Sentry moves this issue to done once all its linked Sentry issues are resolved; ' +
          `still blocked by ${shortIds.join(', ')}.`,
      );
      await page.screenshot({ path: path.join(SCREENSHOTS, `status-panel-blocked-${theme}.png`) });
      await page.close();
    }
  });
});
