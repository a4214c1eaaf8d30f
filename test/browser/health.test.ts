// Product health where people see it, in a real Chromium against the sandbox's demo data: the project
// page's Overview (grade, trend, parts, reasons) and Trends (named figures with units), the portfolio on
// the global settings page (worst first, filtered by team and priority) with the weights form completed
// with the keyboard only, and the issue panel's code quality. Screenshots, light and dark, land in
// test-results/browser/.
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

const PROJECT_PAGE = '/modules/product-health-project-page';
const ADMIN = '/modules/product-health-admin';
const GRADES = ['A+', 'A', 'B', 'C', 'D', 'F'];

describeInBrowser('product health in Chromium, from the demo data', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('health');
    ({ sandbox, browser, base } = kit);
  });

  afterAll(async () => {
    await kit?.close();
    expect(browserErrors).toEqual([]);
  });

  async function open(pathAndQuery: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    collectErrors(page, browserErrors, { prefix: `${pathAndQuery}: ` });
    await page.goto(`${base}${pathAndQuery}`);
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /** Presses Tab until the element with this test id has the focus. */
  async function tabTo(page: Page, testId: string): Promise<void> {
    for (let presses = 0; presses < 200; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      if (focused === testId) return;
    }
    throw new Error(`Tab never reached ${testId}.`);
  }

  it.each([
    ['light', ''],
    ['dark', '&theme=dark'],
  ])(
    'Overview (%s): a grade with its score, trend, parts in words, reasons and what to do',
    async (theme, query) => {
      const page = await open(`${PROJECT_PAGE}/overview?project=SHOP${query}`);
      const grade = page.getByTestId('health-grade');
      await grade.waitFor();
      expect(GRADES).toContain((await grade.innerText()).trim());
      const summary = page.getByTestId('health-summary');
      await expect(summary.innerText()).resolves.toMatch(/Health score \d+ of 100/);
      await expect(summary.innerText()).resolves.toMatch(/Sentry last synced/);
      // Three parts, each with its weight; a part without data says so in words.
      const parts = await page.getByTestId('health-part').allInnerTexts();
      expect(parts).toHaveLength(3);
      expect(parts.join('\n')).toMatch(/Runtime stability\s+40 %/);
      for (const part of parts) expect(part).toMatch(/\d+ %/);
      const reasons = await page.getByTestId('health-reasons').locator('li').allInnerTexts();
      expect(reasons.length).toBeGreaterThan(0);
      expect(reasons[0]).toMatch(/costs [\d.,]+ points?/);
      await expect(page.getByTestId('health-recommendations').locator('li').count()).resolves.toBeGreaterThan(
        0,
      );
      await page.getByTestId('top-sentry-issues').waitFor();
      await expect(page.getByTestId('mapped-product').count()).resolves.toBe(2);
      if (theme === 'dark') {
        expect(await page.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).toBe(
          'dark',
        );
      }
      await screenshot(page, `health-1-overview-${theme}`);
      await page.close();
    },
  );

  it('Trends: every figure named, with its unit and thousands separators; no stored metric key', async () => {
    const page = await open(`${PROJECT_PAGE}/trends?project=SHOP`);
    await page.getByTestId('trend-table').first().waitFor();
    const rows = await page.getByTestId('trend-table').first().getByTestId('trend-row').allInnerTexts();
    const byLabel = new Map(rows.map((row) => [row.split('\n')[0]?.trim() ?? '', row]));
    expect([...byLabel.keys()]).toEqual(
      expect.arrayContaining([
        'Health score',
        'Sentry events in 24 h',
        'Unresolved Sentry issues',
        'Test coverage',
      ]),
    );
    expect(byLabel.get('Health score')).toMatch(/\d+ \/ 100/);
    expect(byLabel.get('Test coverage')).toMatch(/[\d.]+ %/);
    if (byLabel.has('Technical debt')) expect(byLabel.get('Technical debt')).toMatch(/[\d.]+ days?/);
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/debtMinutes|events24h|codeSmells|\bunresolved\b(?! Sentry)/);
    await screenshot(page, 'health-2-trends-light');
    const dark = await open(`${PROJECT_PAGE}/trends?project=SHOP&theme=dark`);
    await dark.getByTestId('trend-table').first().waitFor();
    await screenshot(dark, 'health-2-trends-dark');
    await dark.close();
    await page.close();
  });

  it('portfolio: every product worst first, filtered by owner team and by priority', async () => {
    const page = await open(ADMIN);
    const table = page.getByTestId('portfolio-table--table');
    await table.waitFor();
    const rows = page.getByTestId('portfolio-row');
    await rows.first().waitFor();
    const all = await rows.allInnerTexts();
    expect(all).toHaveLength(5);
    const scores = all.map((row) => {
      const match = /\n(\d+)\n/.exec(row);
      return match ? Number(match[1]) : Number.POSITIVE_INFINITY;
    });
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
    await page.getByTestId('portfolio').screenshot({
      path: path.join(SCREENSHOTS, 'health-3-portfolio-light.png'),
    });

    // Owner team "Payments": its one product.
    await page.locator('#portfolio-team-input').focus();
    await page.keyboard.type('Payments');
    await page.keyboard.press('Enter');
    await page.getByTestId('portfolio-count').filter({ hasText: '1 of 5 products' }).waitFor();
    await expect(rows.allInnerTexts()).resolves.toEqual([expect.stringContaining('Payments')]);

    // Every team, priority "Critical": Storefront and Payments, worst first as before.
    await page.locator('#portfolio-team-input').focus();
    await page.keyboard.type('Every team');
    await page.keyboard.press('Enter');
    await page.locator('#portfolio-priority-input').focus();
    await page.keyboard.type('Critical');
    await page.keyboard.press('Enter');
    await page.getByTestId('portfolio-count').filter({ hasText: '2 of 5 products' }).waitFor();
    const critical = await rows.allInnerTexts();
    expect(critical.every((row) => /critical/i.test(row))).toBe(true);
    expect(critical.map((row) => all.indexOf(row))).toEqual(
      [...critical.map((row) => all.indexOf(row))].sort((a, b) => a - b),
    );
    await page.close();

    const dark = await open(`${ADMIN}?theme=dark`);
    await dark.getByTestId('portfolio-row').first().waitFor();
    await dark.getByTestId('portfolio').screenshot({
      path: path.join(SCREENSHOTS, 'health-3-portfolio-dark.png'),
    });
    await dark.close();
  });

  it('health weights, with the keyboard only: a sum other than 100 is refused beside the fields, then saved', async () => {
    const page = await open(ADMIN);
    await page.getByTestId('weight-runtime').waitFor();
    await page.getByTestId('weight-runtime').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('50');
    await page.keyboard.press('Enter');
    const total = page.getByTestId('weight-total--error');
    await total.waitFor();
    await expect(total.innerText()).resolves.toMatch(/add up to 100 %, they add up to 110 %/);
    await page.getByTestId('health-weights').screenshot({
      path: path.join(SCREENSHOTS, 'health-4-weights-refused.png'),
    });

    await tabTo(page, 'weight-quality');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('30');
    await page.keyboard.press('Enter');
    await page.getByTestId('weights-saved').waitFor();
    await expect(total.count()).resolves.toBe(0);
    await page.getByTestId('health-weights').screenshot({
      path: path.join(SCREENSHOTS, 'health-4-weights-saved.png'),
    });

    await page.getByTestId('weights-restore').click();
    await page.getByTestId('weights-restored').waitFor();
    await expect(page.getByTestId('weight-quality').inputValue()).resolves.toBe('40');
    await page.close();
  });

  it.each([
    ['light', ''],
    ['dark', '&theme=dark'],
  ])(
    'issue panel (%s): the quality gate and key measures beside the linked Sentry issues',
    async (theme, query) => {
      const jiraIssue = sandbox.world.jira.issues.find((issue) =>
        issue.summary.startsWith('Order list crashes'),
      );
      const page = await open(`/modules/product-health-issue-panel?issue=${jiraIssue?.key}${query}`, {
        width: 720,
        height: 900,
      });
      await page.getByTestId('linked-sentry-issue').first().waitFor();
      const branches = page.getByTestId('panel-quality-branch');
      await branches.first().waitFor();
      const texts = await branches.allInnerTexts();
      // SHOP maps three SonarCloud projects (Storefront's two, Shop backend's one).
      expect(texts).toHaveLength(3);
      for (const text of texts) expect(text).toMatch(/Passed|Failed|Warning|No gate/i);
      expect(texts.join('\n')).toMatch(/Coverage\s+[\d.]+ %/);
      await screenshot(page, `health-5-issue-panel-${theme}`);
      await page.close();
    },
  );
});
