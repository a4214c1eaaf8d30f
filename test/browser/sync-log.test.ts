// The sync log and the link search scope on the global settings page in a real Chromium (demo store):
// rows name projects, not numeric ids; a repeated error shows once; the log filters by source; a narrow
// window (600 px) is not widened by a long string; a retried row loses its Retry; the link search scope
// toggles and stays. Screenshots, light and dark, land in test-results/browser/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SyncLogEntry } from '../../src/domain/model';
import type { SandboxServer } from '../../sandbox/server';
import { SANDBOX_CONNECTION_IDS } from '../../sandbox/demo/seed';
import { describeInBrowser, SCREENSHOTS, startBrowserSandbox, type BrowserSandbox } from './browser-kit';

const ADMIN = '/modules/product-health-admin';
const FAILED_SUMMARY = 'Sentry project sync stopped at page 3';
const JIRA_MESSAGE = 'Could not move SHOP-1: the transition needs a resolution';
const LONG = 'x'.repeat(2_048);
const COMMENT_SUMMARY = 'Jira comment on SHOP-1 not added to Sentry';

describeInBrowser('global settings: the sync log and the link search scope in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  async function log(entry: Omit<SyncLogEntry, 'at' | 'durationMs' | 'fetched' | 'changed'>): Promise<void> {
    const { appendSyncLogEntry } = await import('../../src/storage');
    await sandbox.runtime.runInvocation(
      { functionKey: 'admin-fn', moduleKey: 'product-health-admin', accountId: sandbox.world.jira.accountId },
      () =>
        appendSyncLogEntry({
          ...entry,
          at: new Date(sandbox.runtime.clock.now()).toISOString(),
          durationMs: 900,
          fetched: 10,
          changed: 0,
        }),
    );
  }

  beforeAll(async () => {
    kit = await startBrowserSandbox('sync-log');
    ({ sandbox, browser, base } = kit);
    const shop = sandbox.world.jira.findProject('SHOP');
    await log({
      id: 'browser-sync-log-failed',
      trigger: 'schedule',
      source: 'sentry',
      connectionId: SANDBOX_CONNECTION_IDS.sentry,
      projectId: '5501201',
      failed: 1,
      outcome: 'failed',
      errors: [`Sentry answered 503: ${LONG}`],
      retry: { kind: 'sentry-project', connectionId: SANDBOX_CONNECTION_IDS.sentry, projectId: '5501201' },
      summary: FAILED_SUMMARY,
    });
    await log({
      id: 'browser-sync-log-jira',
      trigger: 'webhook',
      source: 'jira',
      connectionId: SANDBOX_CONNECTION_IDS.sentry,
      projectId: shop?.id ?? null,
      failed: 1,
      outcome: 'failed',
      errors: [JIRA_MESSAGE],
      retry: null,
      summary: JIRA_MESSAGE,
    });
    // A comment Sentry refused; the comment has been deleted in Jira since, so the retry sends nothing.
    await log({
      id: 'browser-sync-log-comment',
      trigger: 'jira-event',
      source: 'jira',
      connectionId: SANDBOX_CONNECTION_IDS.sentry,
      projectId: shop?.id ?? null,
      failed: 1,
      outcome: 'failed',
      errors: ['The comment 999999 on SHOP-1 was not added to Sentry issue 5501201: Sentry refused it.'],
      retry: {
        kind: 'comment-to-sentry',
        jiraIssueId: sandbox.world.jira.findIssue('SHOP-1')?.id ?? '10000',
        commentId: '999999',
        connectionId: SANDBOX_CONNECTION_IDS.sentry,
        sentryIssueId: '5501201',
      },
      summary: COMMENT_SUMMARY,
    });
  });

  afterAll(async () => {
    await kit?.close();
  });

  async function open(query = '', width = 1280): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    page.on('pageerror', (error) => browserErrors.push(error.message));
    await page.goto(`${base}${ADMIN}${query}`);
    return page;
  }

  /** The whole page, and the sync log section alone (readable at a glance). */
  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
    await page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: 'Sync log' }) })
      .screenshot({ path: path.join(SCREENSHOTS, `${name}-section.png`) });
  }

  const row = (page: Page, text: string) => page.getByTestId('sync-log-entry').filter({ hasText: text });

  it('names projects, shows a repeated error once, filters by source, and never widens a 600 px page', async () => {
    const page = await open('', 600);
    const failed = row(page, FAILED_SUMMARY);
    await failed.waitFor();
    expect(await failed.getByTestId('sync-log-project').innerText()).toBe('backend');
    const jira = row(page, JIRA_MESSAGE);
    expect(await jira.getByTestId('sync-log-project').innerText()).toMatch(/^Jira project of /);
    // The summary equals the only error: written once.
    expect((await jira.innerText()).split(JIRA_MESSAGE)).toHaveLength(2);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    await screenshot(page, 'sync-log-0-narrow');

    await page.locator('#sync-log-source-input').click();
    await page.getByRole('option', { name: 'Jira', exact: true }).click();
    await page
      .getByTestId('sync-log-count')
      .filter({ hasText: / of \d+ entries/ })
      .waitFor();
    const sources = await page.getByTestId('sync-log-entry').locator('td:nth-child(2)').allInnerTexts();
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.every((text) => text.startsWith('jira'))).toBe(true);
    await screenshot(page, 'sync-log-1-filtered');
    await page.close();
  });

  it('a retried row says "retried" instead of offering Retry, also after a reload', async () => {
    const page = await open();
    const failed = row(page, FAILED_SUMMARY);
    await failed.getByRole('button', { name: 'Retry the sentry sync of backend' }).click();
    await failed.getByTestId('sync-log-retried').waitFor();
    expect(await failed.getByRole('button', { name: /^Retry/ }).count()).toBe(0);
    await page.reload();
    await row(page, FAILED_SUMMARY).getByTestId('sync-log-retried').waitFor();
    expect(
      await row(page, FAILED_SUMMARY)
        .getByRole('button', { name: /^Retry/ })
        .count(),
    ).toBe(0);
    await screenshot(page, 'sync-log-2-retried');
    await page.close();
  });

  it("a comment Sentry refused offers Retry; the server's answer shows and the row says retried", async () => {
    const page = await open();
    const comment = row(page, COMMENT_SUMMARY);
    await comment.getByRole('button', { name: 'Retry sending the comment to Sentry issue 5501201' }).click();
    await comment.getByText('no longer exists; nothing to send').waitFor();
    await comment.getByTestId('sync-log-retried').waitFor();
    await screenshot(page, 'sync-log-5-comment-retried');
    await page.close();
  });

  it('the link search scope toggles to the whole organization and back, and stays after a reload', async () => {
    const page = await open('?theme=dark');
    const scope = page.getByTestId('link-search-scope');
    const whole = scope.getByRole('radio', { name: 'The whole Sentry organization' });
    const mapped = scope.getByRole('radio', { name: /mapped to the Jira project's products/ });
    await mapped.waitFor();
    expect(await mapped.isChecked()).toBe(true);
    // click, not check(): the radio turns only once the server saved the choice.
    await whole.click();
    await page.getByTestId('link-search-scope-description').filter({ hasText: 'every project' }).waitFor();
    await page.reload();
    await page.getByTestId('link-search-scope-description').filter({ hasText: 'every project' }).waitFor();
    expect(
      await page.getByTestId('link-search-scope').getByRole('radio', { name: /whole/ }).isChecked(),
    ).toBe(true);
    await page.getByTestId('sync-log-entry').first().waitFor();
    await screenshot(page, 'sync-log-3-dark');
    await page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: 'Linking Sentry issues' }) })
      .screenshot({ path: path.join(SCREENSHOTS, 'sync-log-4-link-scope-dark.png') });
    await page
      .getByTestId('link-search-scope')
      .getByRole('radio', { name: /mapped to the Jira project's products/ })
      .click();
    await page
      .getByTestId('link-search-scope-description')
      .filter({ hasText: 'only in the Sentry' })
      .waitFor();
    await page.close();
    expect(browserErrors).toEqual([]);
  });
});
