// The issue panel's feedback: one message area that each action replaces and that can be dismissed,
// unlink confirms what it unlinked, and a 2,048-character refused input never widens the panel.
// Screenshots land in test-results/browser/. Needs Chromium at /usr/bin/chromium (CHROMIUM_PATH overrides).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import { describeInBrowser, SCREENSHOTS, startBrowserSandbox, type BrowserSandbox } from './browser-kit';

const WIDTH = 720;

describeInBrowser('issue panel feedback in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('panel');
    ({ sandbox, browser } = kit);
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(() => {
    expect(browserErrors).toEqual([]);
  });

  async function openPanel(summaryStart: string, theme: 'light' | 'dark'): Promise<Page> {
    const issue = sandbox.world.jira.issues.find((candidate) => candidate.summary.startsWith(summaryStart));
    if (!issue) throw new Error(`The demo has no Jira issue "${summaryStart}…".`);
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 700 } });
    page.on('pageerror', (error) => browserErrors.push(error.message));
    await page.goto(
      `http://127.0.0.1:${sandbox.port}/modules/product-health-issue-panel?issue=${issue.key}&theme=${theme}`,
    );
    return page;
  }

  /** The document's and the panel frame's widest content: nothing may scroll sideways. */
  async function widest(page: Page): Promise<number> {
    const widths = await Promise.all(
      page.frames().map((frame) => frame.evaluate(() => document.documentElement.scrollWidth)),
    );
    return Math.max(...widths);
  }

  function panel(page: Page) {
    return page.frames().length > 1 ? page.frames()[1]! : page.mainFrame();
  }

  for (const theme of ['light', 'dark'] as const) {
    it(`repeats a 2,048-character refused input cut short, without widening the panel (${theme})`, async () => {
      const page = await openPanel('Order list crashes', theme);
      const frame = panel(page);
      await frame.getByTestId('linked-sentry-issue').first().waitFor();
      const input = frame.getByRole('textbox', { name: 'Sentry issue URL, short id or id' });
      await input.fill('x'.repeat(2048));
      await input.press('Enter');
      const notice = frame.getByTestId('panel-notice');
      await notice.getByText('is not a Sentry issue reference').waitFor();
      const text = await notice.innerText();
      expect(text).toContain(`"${'x'.repeat(60)}…"`);
      expect(text).not.toContain('x'.repeat(61));
      expect(await widest(page)).toBeLessThanOrEqual(WIDTH);
      await page.screenshot({ path: path.join(SCREENSHOTS, `panel-feedback-long-input-${theme}.png`) });
      await page.close();
    });
  }

  it('unlink says what it unlinked in the one message area, which replaces the last and can be dismissed', async () => {
    const page = await openPanel('Order list crashes', 'light');
    const frame = panel(page);
    const card = frame.getByTestId('linked-sentry-issue').first();
    await card.waitFor();
    const before = await frame.getByTestId('linked-sentry-issue').count();
    const shortId = (await card.locator('.ph-mono').first().innerText()).trim();

    const input = frame.getByRole('textbox', { name: 'Sentry issue URL, short id or id' });
    await input.fill('not a reference');
    await input.press('Enter');
    await frame.getByTestId('panel-notice').getByText('contains spaces').waitFor();

    await frame.getByRole('button', { name: `Unlink ${shortId}` }).click();
    const notice = frame.getByTestId('panel-notice');
    await notice.getByText(`Unlinked ${shortId} from this issue.`).waitFor();
    // The error before it is gone: one message, the latest.
    await expect(frame.getByTestId('panel-notice').count()).resolves.toBe(1);
    await expect(notice.innerText()).resolves.not.toContain('contains spaces');
    await expect(notice.getAttribute('role')).resolves.toBe('status');
    await frame.getByRole('button', { name: `Unlink ${shortId}` }).waitFor({ state: 'detached' });
    await expect(frame.getByTestId('linked-sentry-issue').count()).resolves.toBe(before - 1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'panel-feedback-unlinked.png') });

    await frame.getByRole('button', { name: 'Dismiss message' }).click();
    await frame.getByTestId('panel-notice').waitFor({ state: 'detached' });
    await page.close();
  });
});
