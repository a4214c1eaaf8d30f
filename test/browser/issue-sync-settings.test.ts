// The project settings page's "Comments and priority" section in a real Chromium against the sandbox's
// demo data: the defaults in words, every comment to Sentry and a level's priority chosen with the
// keyboard only, a bad threshold refused beside its field, then saved; a person who does not administer
// the project is refused. Screenshots (light and dark) land in test-results/browser/.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { hostFetch } from '../../sandbox/runtime';
import type { SandboxServer } from '../../sandbox/server';
import { JIRA_DEMO_USERS } from '../../sandbox/simulators';
import {
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
  collectErrors,
} from './browser-kit';

const SETTINGS = '/modules/product-health-project-settings?project=SHOP';

describeInBrowser('project settings: comments and priority in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  let shopId: string;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('issue-sync');
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
    // A refused read is answered (and shown) as such; only unexpected errors count.
    collectErrors(page, browserErrors, { ignore: /403|forbidden/i });
    await page.goto(`${base}${SETTINGS}${theme === 'dark' ? '&theme=dark' : ''}`);
    await page.getByRole('heading', { name: 'Comments and priority' }).waitFor();
    return page;
  }

  /** Picks an option of an Atlaskit select with the keyboard: focus, open, type, Enter. */
  async function choose(page: Page, inputId: string, option: string): Promise<void> {
    const input = page.locator(`#${inputId}`);
    await input.focus();
    await input.press('ArrowDown');
    await page.getByRole('option', { name: option, exact: true }).waitFor();
    await input.pressSequentially(option.slice(0, 5));
    await page.getByRole('option', { name: option, exact: true }).waitFor();
    await input.press('Enter');
  }

  async function stored(): Promise<unknown> {
    const { getIssueSyncSettings } = await import('../../src/storage/issue-sync-settings');
    return sandbox.runtime.runInvocation({ functionKey: 'project-settings-fn' }, () =>
      getIssueSyncSettings(shopId),
    );
  }

  it('edits the comment setting and a priority with the keyboard, refuses a bad threshold beside it, saves', async () => {
    sandbox.world.jira.accountId = JIRA_DEMO_USERS.admin;
    const page = await open();
    const section = page.getByTestId('issue-sync');
    await section.waitFor();
    await expect(page.getByTestId('issue-sync-defaults').innerText()).resolves.toMatch(
      /only those starting with #sentry[\s\S]*error → High[\s\S]*100 users/,
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'issue-sync-defaults-light.png'), fullPage: true });

    await choose(page, 'comments-to-sentry', 'Every comment');
    await choose(page, 'priority-error', 'Highest');
    const users = page.getByTestId('raise-users');
    await users.focus();
    await users.fill('0');
    await users.press('Tab');
    await page.getByTestId('save-issue-sync').focus();
    await page.keyboard.press('Enter');
    const error = page.getByTestId('raise-users--error');
    await error.waitFor();
    expect(await error.innerText()).toMatch(/at least 1/);
    expect(await stored()).toBeUndefined();
    await section.screenshot({ path: path.join(SCREENSHOTS, 'issue-sync-refused-light.png') });

    await users.focus();
    await users.fill('250');
    await page.getByTestId('save-issue-sync').focus();
    await page.keyboard.press('Enter');
    await section.getByText(/^Saved/).waitFor();
    expect(await stored()).toMatchObject({
      commentsToSentry: 'all',
      priority: {
        byLevel: { error: 'Highest' },
        raiseWhenUsers24hAtLeast: 250,
        raiseWhenEvents24hAtLeast: 1000,
      },
    });
    await page.close();

    const dark = await open('dark');
    await dark
      .getByTestId('issue-sync')
      .getByText(/^Saved/)
      .waitFor();
    await dark
      .getByTestId('issue-sync')
      .screenshot({ path: path.join(SCREENSHOTS, 'issue-sync-saved-dark.png') });
    await dark.close();
  });

  it("adds a Jira comment to the linked Sentry issues' activity through the sandbox's comment route", async () => {
    // The demo links SHOP-1 to Sentry; every comment goes since the first test saved 'all'.
    const answer = await hostFetch(`${base}/sandbox/jira/comment`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ issue: 'SHOP-1', text: '#sentry Fixed in 4.2' }),
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { sentryIssues: Array<{ notes: Array<{ text: string }> }> };
    expect(body.sentryIssues.length).toBeGreaterThan(0);
    for (const issue of body.sentryIssues) {
      expect(issue.notes.at(-1)?.text).toMatch(
        /^Fixed in 4\.2\n\n— Alice Admin, in a comment on Jira SHOP-1/,
      );
    }
  });

  it('refuses a person who does not administer the project, and nothing changes', async () => {
    const before = await stored();
    sandbox.world.jira.accountId = JIRA_DEMO_USERS.developer;
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      page.on('pageerror', (error) => browserErrors.push(error.message));
      await page.goto(`${base}${SETTINGS}`);
      await page
        .getByText(/administer|permission/i)
        .first()
        .waitFor();
      expect(await page.getByTestId('save-issue-sync').count()).toBe(0);
      await page.close();
    } finally {
      sandbox.world.jira.accountId = JIRA_DEMO_USERS.admin;
    }
    expect(await stored()).toEqual(before);
  });
});
