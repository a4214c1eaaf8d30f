// The project page's Sentry impact in a real Chromium, on the demo data: a row already linked to a Jira
// issue shows its key and status and cannot be selected; two unlinked Sentry issues are selected and
// created in bulk (issue type and priority chosen with the keyboard only), and the progress reaches done
// with the new keys; an admin backfills a Sentry project and sees its progress to the end; a person who
// may not create issues gets no selection. Screenshots, light and dark, land in test-results/browser/.
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import { JIRA_DEMO_USERS } from '../../sandbox/simulators';
import {
  contrast,
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
  collectErrors,
} from './browser-kit';

const SENTRY_PAGE = '/modules/product-health-project-page/sentry?project=SHOP';

describeInBrowser('project page, Sentry impact: bulk create and backfill in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('project-bulk');
    ({ sandbox, browser, base } = kit);
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(() => {
    sandbox.world.jira.accountId = JIRA_DEMO_USERS.admin;
  });

  async function open(query = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    collectErrors(page, browserErrors);
    await page.goto(`${base}${SENTRY_PAGE}${query}`);
    await page.getByTestId('sentry-issue-row').first().waitFor();
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  const rows = (page: Page): Locator => page.getByTestId('sentry-issue-row');
  const linkedRows = (page: Page): Locator => rows(page).filter({ has: page.getByTestId('jira-issue-link') });
  const unlinkedRows = (page: Page): Locator => rows(page).filter({ hasText: 'Not linked' });

  /** The Sentry short id shown in a row. */
  const shortIdOf = (row: Locator): Promise<string> => row.locator('.ph-mono').first().innerText();

  /** The priority of a Jira issue, as Jira's REST API answers it. */
  async function priorityOf(key: string): Promise<string | undefined> {
    const answer = await sandbox.world.simulators.jiraHandler({
      provider: 'user',
      accountId: JIRA_DEMO_USERS.admin,
      method: 'GET',
      path: `/rest/api/3/issue/${key}?fields=priority`,
      headers: { accept: 'application/json' },
      body: undefined,
    });
    const issue = (await answer.json()) as { fields?: { priority?: { name?: string } } };
    return issue.fields?.priority?.name;
  }

  /** Presses Tab until the focused element matches. */
  async function tabUntil(page: Page, matches: () => Promise<boolean>, what: string): Promise<void> {
    for (let presses = 0; presses < 40; presses++) {
      await page.keyboard.press('Tab');
      if (await matches()) return;
    }
    throw new Error(`Tab never reached ${what}.`);
  }

  it('shows the Jira issue a row is linked to and refuses to select it, saying why', async () => {
    const page = await open();
    const linked = linkedRows(page).first();
    await linked.waitFor();
    const key = await linked.getByTestId('jira-issue-link').first().innerText();
    expect(key).toMatch(/^SHOP-\d+$/);
    // The key links to the issue on the Jira site; the status is a lozenge beside it.
    await expect(linked.getByTestId('jira-issue-link').first().getAttribute('href')).resolves.toMatch(
      new RegExp(`/browse/${key}$`),
    );
    await expect(linked.getByTestId('linked-jira-issues').innerText()).resolves.toMatch(
      /To Do|In Progress|Done|Backlog|Selected|Review/i,
    );
    const checkbox = linked.getByTestId('select-issue');
    await expect(checkbox.isDisabled()).resolves.toBe(true);
    await expect(checkbox.getAttribute('title')).resolves.toContain(`Already linked to ${key}`);

    // Selecting everything on the page leaves the linked rows out.
    await page.getByTestId('select-all').check();
    const unlinkedCount = await unlinkedRows(page).count();
    await expect(page.getByTestId('selected-count').innerText()).resolves.toBe(`${unlinkedCount} selected`);
    await expect(checkbox.isChecked()).resolves.toBe(false);
    await page.getByTestId('select-all').uncheck();
    await expect(page.getByTestId('selected-count').innerText()).resolves.toBe('0 selected');
    await page.close();
  });

  it('creates Jira issues for two selected Sentry issues in bulk, keyboard only, and shows the progress reach done', async () => {
    const page = await open();
    const chosen = [unlinkedRows(page).nth(0), unlinkedRows(page).nth(1)];
    const shortIds = await Promise.all(chosen.map(shortIdOf));
    for (const row of chosen) await row.getByTestId('select-issue').check();
    await expect(page.getByTestId('selected-count').innerText()).resolves.toBe('2 selected');
    await screenshot(page, 'project-bulk-1-selected');

    // From here on, the keyboard only: the button, the issue type, the priority, the confirmation.
    await page.getByTestId('bulk-create-open').focus();
    await page.keyboard.press('Enter');
    const modal = page.getByTestId('bulk-create-modal');
    await modal.waitFor();
    await modal.getByTestId('bulk-issue-type-field').getByText('Bug').waitFor();
    await tabUntil(
      page,
      () => page.evaluate(() => document.activeElement?.id === 'bulk-priority'),
      'the priority',
    );
    await page.keyboard.type('Medium');
    await page.keyboard.press('Enter');
    await expect(modal.getByTestId('bulk-priority-field').innerText()).resolves.toContain('Medium');
    await screenshot(page, 'project-bulk-2-modal');
    await tabUntil(
      page,
      () =>
        page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'bulk-create-confirm'),
      'the create button',
    );
    await page.keyboard.press('Enter');

    const progress = page.getByTestId('bulk-progress');
    await progress.waitFor();
    // The queue runs in the sandbox once a second: wait for both items to be done.
    await progress.locator('[data-testid="bulk-progress-item"][data-state="done"]').nth(1).waitFor();
    await expect(page.getByTestId('bulk-progress-counts').innerText()).resolves.toBe(
      '2 done · 0 failed · 0 pending',
    );
    const created = await progress.getByTestId('jira-issue-link').allInnerTexts();
    expect(created).toHaveLength(2);
    for (const key of created) {
      expect(key).toMatch(/^SHOP-\d+$/);
      const issue = sandbox.world.simulators.jira.issue(key);
      expect(issue.issueType).toBe('Bug');
      await expect(priorityOf(key)).resolves.toBe('Medium');
    }
    await expect(progress.innerText()).resolves.toContain(shortIds[0]);

    // The table is read again: both rows now show their new Jira issue and cannot be selected.
    for (const shortId of shortIds) {
      const row = rows(page).filter({ hasText: shortId });
      await row.getByTestId('jira-issue-link').waitFor();
      expect(created).toContain(await row.getByTestId('jira-issue-link').innerText());
      await expect(row.getByTestId('select-issue').isDisabled()).resolves.toBe(true);
    }
    await screenshot(page, 'project-bulk-3-done');
    await page.close();
  });

  it('backfills a Sentry project for an admin and shows its progress to the end', async () => {
    const page = await open();
    const backfill = page.getByTestId('backfill').first();
    await backfill.getByTestId('backfill-start').click();
    const confirm = page.getByTestId('backfill-confirm');
    await confirm.waitFor();
    await expect(confirm.innerText()).resolves.toMatch(/every issue .* last 90 days/);
    await page.getByTestId('backfill-confirm--confirm').click();
    await backfill.getByTestId('backfill-status').waitFor();
    await expect(backfill.getByTestId('backfill-start').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'project-bulk-4-backfill-running');

    await page.locator('[data-testid="backfill"][data-state="done"]').first().waitFor();
    const status = await backfill.getByTestId('backfill-status').innerText();
    expect(status).toMatch(/Done/i);
    expect(status).toMatch(/1 part · [\d,]+ issues read · [\d,]+ changed · 0 failed/);
    await expect(backfill.getByTestId('backfill-start').isEnabled()).resolves.toBe(true);
    await screenshot(page, 'project-bulk-5-backfill-done');
    await page.close();
  });

  it('reads in dark mode', async () => {
    const page = await open('&theme=dark');
    await expect(page.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).resolves.toBe(
      'dark',
    );
    await linkedRows(page).first().waitFor();
    const colors = await page.evaluate(() => {
      const cell = document.querySelector('[data-testid="sentry-issue-row"] td');
      const toolbar = document.querySelector('[data-testid="bulk-toolbar"]');
      return {
        text: cell ? getComputedStyle(cell).color : '',
        background: getComputedStyle(document.body).backgroundColor,
        toolbar: toolbar ? getComputedStyle(toolbar).backgroundColor : '',
      };
    });
    expect(contrast(colors.text, colors.background)).toBeGreaterThan(7);
    expect(contrast(colors.text, colors.toolbar)).toBeGreaterThan(7);
    await unlinkedRows(page).first().getByTestId('select-issue').check();
    await page.getByTestId('bulk-create-open').click();
    await page.getByTestId('bulk-create-modal').getByText('Bug').waitFor();
    await screenshot(page, 'project-bulk-6-dark-modal');
    await page.keyboard.press('Escape');
    await screenshot(page, 'project-bulk-7-dark');
    await page.close();
  });

  it('offers no selection and no backfill to a person who may only browse the project', async () => {
    sandbox.world.jira.accountId = JIRA_DEMO_USERS.viewer;
    const page = await open();
    await page.getByTestId('bulk-create-unavailable').waitFor();
    await expect(page.getByTestId('select-issue').count()).resolves.toBe(0);
    await expect(page.getByTestId('backfill').count()).resolves.toBe(0);
    await expect(linkedRows(page).count()).resolves.toBeGreaterThan(0);
    await page.close();
  });

  it('logged no errors in the browser', () => {
    expect(browserErrors).toEqual([]);
  });
});
