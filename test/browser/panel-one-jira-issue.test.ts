// One Jira issue per Sentry issue in the issue panel: "Create Jira issue" for a linked Sentry issue is
// refused with the Jira issue it has, its key a link to it; linked to a second Jira issue, that issue's panel
// says the Sentry issue also belongs to the first, as a link. Light and dark; the link made by keyboard only.
// Screenshots land in test-results/browser/. Needs Chromium at /usr/bin/chromium (CHROMIUM_PATH overrides).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import { describeInBrowser, SCREENSHOTS, startBrowserSandbox, type BrowserSandbox } from './browser-kit';

const WIDTH = 720;

describeInBrowser('issue panel: one Jira issue per Sentry issue, in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('one-issue');
    ({ sandbox, browser } = kit);
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(() => {
    expect(browserErrors).toEqual([]);
  });

  function issueKey(summaryStart: string): string {
    const issue = sandbox.world.jira.issues.find((candidate) => candidate.summary.startsWith(summaryStart));
    if (!issue) throw new Error(`The demo has no Jira issue "${summaryStart}…".`);
    return issue.key;
  }

  async function openPanel(key: string, theme: 'light' | 'dark'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 800 } });
    page.on('pageerror', (error) => browserErrors.push(error.message));
    await page.goto(
      `http://127.0.0.1:${sandbox.port}/modules/product-health-issue-panel?issue=${key}&theme=${theme}`,
    );
    return page;
  }

  function panel(page: Page) {
    return page.frames().length > 1 ? page.frames()[1]! : page.mainFrame();
  }

  let shortId = '';
  const first = () => issueKey('Order list crashes');

  for (const theme of ['light', 'dark'] as const) {
    it(`refuses "Create Jira issue" for a linked Sentry issue, naming this issue as a link (${theme})`, async () => {
      const page = await openPanel(first(), theme);
      const frame = panel(page);
      const card = frame.getByTestId('linked-sentry-issue').first();
      await card.waitFor();
      shortId = (await card.locator('.ph-mono').first().innerText()).trim();
      const issuesBefore = sandbox.world.jira.issues.length;

      await card.getByRole('button', { name: 'Create Jira issue' }).click();
      const notice = frame.getByTestId('panel-notice');
      await notice.getByText('already has its Jira issue').waitFor();
      await expect(notice.getAttribute('role')).resolves.toBe('alert');
      const keyLink = notice.getByTestId('notice-jira-link');
      await expect(keyLink.innerText()).resolves.toBe(first());
      await expect(keyLink.getAttribute('href')).resolves.toMatch(new RegExp(`/browse/${first()}$`));
      await expect(notice.innerText()).resolves.toContain('(this issue)');
      expect(sandbox.world.jira.issues.length).toBe(issuesBefore);
      await page.screenshot({ path: path.join(SCREENSHOTS, `panel-create-refused-${theme}.png`) });
      await page.close();
    });
  }

  it('a Sentry issue linked to a second Jira issue says, there, that it also belongs to the first (keyboard only)', async () => {
    const second = issueKey('Checkout');
    for (const theme of ['light', 'dark'] as const) {
      const page = await openPanel(second, theme);
      const frame = panel(page);
      const input = frame.getByRole('textbox', { name: 'Sentry issue URL, short id or id' });
      await input.waitFor();
      if (theme === 'light') {
        // Linked with the keyboard only: focus the field by Tab, type, Enter.
        let focused = false;
        for (let presses = 0; presses < 8 && !focused; presses++) {
          await page.keyboard.press('Tab');
          focused = await input.evaluate((element) => element === document.activeElement);
        }
        expect(focused).toBe(true);
        await page.keyboard.type(shortId);
        await page.keyboard.press('Enter');
        await frame.getByTestId('panel-notice').getByText(`Linked ${shortId}.`).waitFor();
      }
      const belongs = frame.getByTestId('belongs-to').first();
      await belongs.waitFor();
      await expect(belongs.innerText()).resolves.toContain(`Also belongs to ${first()}`);
      const link = belongs.getByTestId('belongs-to-link');
      await expect(link.getAttribute('href')).resolves.toMatch(new RegExp(`/browse/${first()}$`));
      await page.screenshot({ path: path.join(SCREENSHOTS, `panel-belongs-to-${theme}.png`) });
      await page.close();
    }
  });
});
