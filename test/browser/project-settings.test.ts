// The project settings page in a real Chromium against the sandbox's demo data, as the demo site's Jira
// admin on project SHOP: edit the status mapping (the "not fixed" warning shows and goes), create an
// automation rule with the keyboard only, see a bad value refused beside its field, see the dry run,
// save the rule, switch it off, and delete it after the confirmation. Screenshots (light and dark) land
// in test-results/browser/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import {
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
  collectErrors,
} from './browser-kit';

const SETTINGS = '/modules/product-health-project-settings?project=SHOP';
/** The demo Jira site's statuses (sandbox/simulators/jira/demo.ts). */
const WONT_DO = '10003';
const DUPLICATE = '10004';

describeInBrowser('project settings: status mapping and automation rules in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  let shopId: string;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('project-settings');
    ({ sandbox, browser, base } = kit);
    const shop = sandbox.world.jira.findProject('SHOP');
    if (!shop) throw new Error('The demo data has no Jira project SHOP.');
    shopId = shop.id;
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(() => {
    expect(browserErrors).toEqual([]);
  });

  async function open(theme: 'light' | 'dark' = 'light'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    collectErrors(page, browserErrors);
    await page.goto(`${base}${SETTINGS}${theme === 'dark' ? '&theme=dark' : ''}`);
    await page.getByRole('heading', { name: 'Automation rules' }).waitFor();
    await page.getByTestId('status-mapping').waitFor();
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /** Picks an option of an Atlaskit select with the keyboard: focus, type, Enter. */
  async function choose(page: Page, inputId: string, option: string): Promise<void> {
    const input = page.locator(`#${inputId}`);
    await input.focus();
    await input.press('ArrowDown');
    await page.getByRole('option', { name: option, exact: true }).waitFor();
    await input.pressSequentially(option.slice(0, 6));
    await page.getByRole('option', { name: option, exact: true }).waitFor();
    await input.press('Enter');
  }

  /** No part of the page is wider than the window. */
  async function expectNoSidewaysScroll(page: Page): Promise<void> {
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      window: window.innerWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(widths.window);
  }

  /** Records a new event of a mapped Sentry issue the rule matches; answers the Jira issue the rule made. */
  async function recordChangeOfMatchingIssue(): Promise<{ jiraIssueKey: string; title: string }> {
    const storage = await import('../../src/storage');
    const { recordSentryIssue } = await import('../../src/services/sentry-sync/record-sentry-snapshot');
    const [rule] = await storage.listRules();
    if (!rule) throw new Error('No rule saved.');
    for (const productId of await storage.findProductIdsForJiraProject(shopId)) {
      const mapping = await storage.getProductMapping(productId);
      for (const ref of mapping?.sentryProjects ?? []) {
        const page = await storage.listSentrySnapshotsOfProjectPage(ref.connectionId, ref.projectId);
        const issue = page.items.find(
          (item) => item.status === 'unresolved' && item.level === 'error' && item.events24h >= 1,
        );
        if (!issue) continue;
        const at = new Date().toISOString();
        await recordSentryIssue(
          { ...issue, events24h: issue.events24h + 1, eventsTotal: issue.eventsTotal + 1, lastSeen: at },
          { trigger: 'webhook' },
        );
        // Rules react to the change from the reactions queue.
        await sandbox.runtime.drainQueues({ advanceClock: true });
        const links = await storage.listLinksOfSentryIssue(issue.id);
        const link = links.find((candidate) => candidate.origin === rule.id);
        const jiraIssue = link ? sandbox.world.jira.findIssue(link.jiraIssueId) : undefined;
        if (!jiraIssue) throw new Error(`Rule ${rule.id} created no Jira issue for ${issue.shortId}.`);
        return { jiraIssueKey: jiraIssue.key, title: issue.title };
      }
    }
    throw new Error('The demo data has no unresolved error in the Sentry projects mapped to SHOP.');
  }

  it('shows the products with their Sentry and SonarCloud projects by name, and the defaults in words', async () => {
    const page = await open();
    const products = page.getByTestId('mapped-product');
    await products.first().waitFor();
    await expect(products.count()).resolves.toBeGreaterThan(0);
    const text = await page.locator('main').innerText();
    expect(text).toContain('Sentry projects');
    expect(text).toContain('SonarCloud projects');
    // Before any mapping is saved, the defaults in words: the right Done, not-fixed statuses archive,
    // and what happens with several links on either side.
    const defaults = await page.getByTestId('status-defaults').innerText();
    expect(defaults).toContain("Moving a Jira issue to 'Done' resolves its Sentry issues");
    expect(defaults).toContain(
      "Moving a Jira issue to 'Won't Do' and 'Duplicate' archives its Sentry issues",
    );
    expect(defaults).toContain(
      'When Sentry resolves an issue, the Jira issue moves to the first status Jira offers that means fixed',
    );
    expect(defaults).toContain('never to one that reads as "not fixed" such as Won\'t Do or Duplicate');
    expect(defaults).toContain(
      'A Jira issue with several linked Sentry issues moves only when all of them are resolved',
    );
    expect(defaults).toContain(
      'A Sentry issue linked to several Jira issues is resolved or archived only when all of them are closed.',
    );
    await expect(page.getByTestId('not-fixed-warning').count()).resolves.toBe(0);
    // The status names, never their ids.
    expect(await page.getByTestId('status-mapping').innerText()).not.toMatch(/\b1000\d\b/);
    await screenshot(page, 'project-settings-light');
    await page.close();
  });

  it('edits the status mapping: the not-fixed warning shows, archiving clears it, and the save is stored', async () => {
    const page = await open();
    const warnings = page.getByTestId('not-fixed-warning');
    // The defaults archive for Won't Do and Duplicate; making them resolve warns, archiving clears it.
    await choose(page, `status-role-${WONT_DO}`, 'Resolves the Sentry issue');
    await choose(page, `status-role-${DUPLICATE}`, 'Resolves the Sentry issue');
    await expect(warnings.count()).resolves.toBe(2);
    expect(await warnings.first().innerText()).toContain("'Won't Do' means the work was not done");

    await choose(page, `status-role-${WONT_DO}`, 'Archives the Sentry issue');
    await choose(page, `status-role-${DUPLICATE}`, 'Archives the Sentry issue');
    await page.getByTestId('not-fixed-warning').first().waitFor({ state: 'detached' });

    // A Sentry resolve that would close Jira issues as Won't Do warns too: pick it, see it, go back.
    await choose(page, `status-role-${WONT_DO}`, 'Resolves the Sentry issue');
    await choose(page, 'status-done', "Won't Do");
    await expect(page.getByTestId('not-fixed-warning').count()).resolves.toBe(2);
    await choose(page, 'status-done', 'Done');
    await choose(page, `status-role-${WONT_DO}`, 'Archives the Sentry issue');
    await expect(page.getByTestId('not-fixed-warning').count()).resolves.toBe(0);

    await choose(page, 'status-regression', 'Do nothing in Jira');
    await choose(page, 'status-jira-done-when', 'Any one of its linked Sentry issues is resolved');
    const words = page.getByTestId('status-in-words');
    expect(await words.innerText()).toContain('nothing happens in Jira');
    expect(await words.innerText()).toContain('moves as soon as any one of them is resolved');
    await screenshot(page, 'project-settings-status-edit-light');

    await page.getByRole('button', { name: 'Save status mapping' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText(/^Saved/).waitFor();
    await page.getByRole('button', { name: 'Reset to defaults' }).waitFor();
    const { getStatusMapping } = await import('../../src/storage');
    expect(await getStatusMapping(shopId)).toMatchObject({
      archivedStatusIds: [WONT_DO, DUPLICATE],
      doneStatusId: '10002',
      regressionPolicy: 'none',
      jiraDoneWhen: 'any',
      sentryResolvedWhen: 'all',
    });
    await page.close();
  });

  it('creates a rule with the keyboard only: a bad value is refused beside its field, then the dry run, save, switch off and delete', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'New rule' }).click();
    const editor = page.getByTestId('rule-editor');
    await editor.waitFor();

    // The name field has the focus; every step below is typed.
    await page.keyboard.type('Busy errors in the shop');
    await page.keyboard.press('Tab'); // scope: every product of the project
    await page.keyboard.press('Tab'); // watch: Sentry issues
    await page.keyboard.press('Tab'); // condition: level at least
    await page.keyboard.press('Tab'); // level
    await page.keyboard.press('ArrowDown');
    await page.keyboard.type('error');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // "Add a condition (AND)"
    await page.keyboard.press('Enter');
    const second = page.getByTestId('rule-condition').nth(1);
    await second.waitFor();
    await page.locator('#rule-condition-1-kind').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.type('Events are');
    await page.keyboard.press('Enter');
    await page.locator('#rule-condition-1-count').focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('-5');

    // Dry run with a negative threshold: refused, the reason beside the field, nothing saved.
    await editor.getByRole('button', { name: 'Dry run' }).focus();
    await page.keyboard.press('Enter');
    const countError = page.getByTestId('rule-condition-1-count--error');
    await countError.waitFor();
    expect(await countError.innerText()).toBe('the event count must be at least 1');
    await screenshot(page, 'project-settings-rule-error-light');
    const { listRules } = await import('../../src/storage');
    expect(await listRules()).toEqual([]);

    await page.locator('#rule-condition-1-count').focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('1');
    await page.locator('#rule-labels').focus();
    await page.keyboard.type('from-sentry');
    await page.keyboard.press('Enter');
    await page.locator('#rule-priority').focus();
    await page.keyboard.press('ArrowDown');
    // Jira's priorities in its order: "Low" lists Low, then Lowest.
    await page.keyboard.type('Low');
    await page.getByRole('option', { name: 'Low', exact: true }).waitFor();
    await page.keyboard.press('Enter');
    await editor.getByRole('button', { name: 'Dry run' }).focus();
    await page.keyboard.press('Enter');
    const dryRun = page.getByTestId('dry-run');
    await dryRun.waitFor();
    await expect(countError.count()).resolves.toBe(0);
    const preview = await dryRun.innerText();
    expect(preview).toMatch(/Would fire for \d+ of the \d+ Sentry issues in scope now/);
    expect(preview).toContain('Dry run: nothing was created.');
    expect(preview).toContain('with priority Low; labels from-sentry');
    const rows = page.getByTestId('dry-run-matches').locator('tbody tr');
    await expect(rows.count()).resolves.toBeGreaterThan(0);
    expect(await rows.first().innerText()).toMatch(
      /level (fatal|error) is at or above error and \d+ events in 24h ≥ 1/,
    );
    await screenshot(page, 'project-settings-dry-run-light');

    await page.locator('#rule-enabled').focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Save rule' }).focus();
    await page.keyboard.press('Enter');
    const card = page.getByTestId('rule-card');
    await card.waitFor();
    expect(await card.innerText()).toContain(
      'When a Sentry issue has level error or worse and has at least 1 event in 24 hours',
    );
    const [saved] = await listRules();
    expect(saved).toMatchObject({
      name: 'Busy errors in the shop',
      enabled: true,
      trigger: { source: 'sentry', kind: 'level-at-least', level: 'error' },
      conditions: [{ source: 'sentry', kind: 'events-at-least', count: 1, window: '24h' }],
      action: { jiraProjectId: shopId, priorityId: '4', labels: ['from-sentry'] },
    });

    // A change arrives for one of the issues the dry run listed (the way sync and webhooks record it):
    // the rule fires, and its card lists the Jira issue it created, linked.
    const fired = await recordChangeOfMatchingIssue();
    await page.reload();
    const created = page.getByTestId('rule-created');
    await created.waitFor();
    const link = created.getByRole('link', { name: fired.jiraIssueKey });
    expect(await link.getAttribute('href')).toBe(`${sandbox.runtime.siteUrl}/browse/${fired.jiraIssueKey}`);
    expect(sandbox.world.jira.findIssue(fired.jiraIssueKey)?.summary).toBe(fired.title);

    await card.getByRole('button', { name: 'Switch off' }).click();
    await card.getByRole('button', { name: 'Switch on' }).waitFor();
    expect(await card.getByTestId('rule-notice').innerText()).toContain('Switched off');
    expect((await listRules())[0]?.enabled).toBe(false);
    await screenshot(page, 'project-settings-rule-saved-light');

    await card.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByTestId('delete-rule');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain('The 1 Jira issue(s) it created stay');
    await page.getByTestId('delete-rule--confirm').click();
    await card.waitFor({ state: 'detached' });
    expect(await listRules()).toEqual([]);
    await page.close();
  });

  it('refuses an over-long rule name beside the field without widening the page', async () => {
    const page = await open();
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByTestId('rule-name').fill('x'.repeat(600));
    await page.getByTestId('rule-editor').getByRole('button', { name: 'Dry run' }).click();
    const error = page.getByTestId('rule-name--error');
    await error.waitFor();
    expect(await error.innerText()).toBe('name can have at most 100 characters');
    await expectNoSidewaysScroll(page);
    await page.close();
  });

  it('reads well in dark mode, the editor and its dry run included', async () => {
    const page = await open('dark');
    await expect(page.evaluate(() => document.documentElement.dataset.colorMode)).resolves.toBe('dark');
    await page.getByRole('button', { name: 'New rule' }).click();
    await page.getByTestId('rule-name').fill('Failing quality gates');
    await choose(page, 'rule-source', 'SonarCloud projects');
    await page.getByTestId('rule-editor').getByRole('button', { name: 'Dry run' }).click();
    await page.getByTestId('dry-run').waitFor();
    // Field text stays readable: light text on a dark field.
    const luminance = await page.getByTestId('rule-name').evaluate((input) => {
      const channels = (color: string) => (color.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
      const light = (color: string) => channels(color).reduce((sum, value) => sum + value, 0) / (3 * 255);
      let field: Element | null = input;
      let background = 'rgba(0, 0, 0, 0)';
      while (field && /rgba\(0, 0, 0, 0\)|transparent/.test(background)) {
        background = getComputedStyle(field).backgroundColor;
        field = field.parentElement;
      }
      return { text: light(getComputedStyle(input).color), field: light(background) };
    });
    expect(luminance.text).toBeGreaterThan(0.6);
    expect(luminance.field).toBeLessThan(0.3);
    await expectNoSidewaysScroll(page);
    await screenshot(page, 'project-settings-dark');
    await page.close();
  });
});
