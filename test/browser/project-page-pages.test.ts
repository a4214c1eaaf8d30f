// The project page's Sentry impact pages in a real Chromium, on the demo data with 240 more unresolved
// issues in the web-frontend Sentry project: Next goes to page 2 (the next 50 busiest) and page 3 (the
// others, in Sentry issue id order), each showing other rows, with the table under a spinner and the
// pager saying which page loads while it does; Previous comes back to the same rows. Screenshots, light
// and dark, land in test-results/browser/.
import path from 'node:path';
import type { Locator, Page, Route } from 'playwright-core';
import type { SentryIssueSnapshot } from '../../src/domain/model';
import {
  contrast,
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
} from './browser-kit';

const SENTRY_PAGE = '/modules/product-health-project-page/sentry?project=SHOP';
const CONNECTION = 'sentry-acme';
const PROJECT = { id: '5501202', slug: 'web-frontend' };
const ADDED = 240;

function added(n: number, now: string): SentryIssueSnapshot {
  const id = String(9_100_000 + n);
  return {
    id,
    connectionId: CONNECTION,
    shortId: `WEB-FRONTEND-X${n}`,
    projectId: PROJECT.id,
    projectSlug: PROJECT.slug,
    title: `RangeError in widget ${n}`,
    culprit: 'app/widgets.ts in render',
    level: 'warning',
    status: 'unresolved',
    substatus: null,
    events24h: 0,
    users24h: 0,
    events14d: 1 + (n % 40),
    users14d: 1,
    eventsTotal: 1 + (n % 40),
    usersTotal: 1,
    firstSeen: now,
    lastSeen: now,
    firstRelease: null,
    lastRelease: null,
    permalink: `https://acme.sentry.io/issues/${id}/`,
    updatedAt: now,
  };
}

describeInBrowser('project page, Sentry impact: pages 2 and 3 in Chromium', () => {
  jest.setTimeout(180_000);

  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('project-pages');
    // Imported only now, after the sandbox installed the Forge globals. The snapshots are stored and the
    // project's top-issues record rebuilt from all of them, as sync and the health pass do.
    const storage = await import('../../src/storage');
    const { buildSentryTopIssues } = await import('../../src/domain/health/top-issues');
    const now = kit.sandbox.runtime.clock.now();
    const at = new Date(now).toISOString();
    const issues = Array.from({ length: ADDED }, (_, index) => added(index + 1, at));
    for (let start = 0; start < issues.length; start += 25) {
      await storage.saveSentrySnapshots(issues.slice(start, start + 25));
    }
    const all = await storage.listSentrySnapshotsOfProject(CONNECTION, PROJECT.id);
    await storage.saveSentryTopIssues([buildSentryTopIssues(CONNECTION, PROJECT.id, all, new Date(now))]);
  }, 600_000); // the sandbox builds the pages first when they are stale

  afterAll(async () => {
    await kit?.close();
  });

  async function open(query = ''): Promise<Page> {
    if (!kit) throw new Error('the sandbox did not start');
    const page = await kit.browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => browserErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') browserErrors.push(message.text());
    });
    await page.goto(`${kit.base}${SENTRY_PAGE}${query}`);
    await page.getByTestId('sentry-issue-row').first().waitFor();
    return page;
  }

  /** The web-frontend section: its table and its pager. */
  const section = (page: Page): Locator =>
    page
      .locator('section.ph-section')
      .filter({ has: page.getByRole('navigation', { name: /web-frontend/ }) });

  /** The Sentry short id of each row (a row's first monospaced text; linked Jira keys come later). */
  const shortIds = (page: Page): Promise<string[]> =>
    section(page)
      .getByTestId('sentry-issue-row')
      .evaluateAll((rows) => rows.map((row) => row.querySelector('.ph-mono')?.textContent ?? ''));

  /**
   * Clicks Next (or Previous) with the page's read held back until the loading state was checked: the
   * pager names the page being read and the table shows Atlaskit's spinner over the rows.
   */
  async function go(
    page: Page,
    button: 'pager-next' | 'pager-previous',
    target: number,
    screenshot?: string,
  ): Promise<void> {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const hold = async (route: Route) => {
      if (route.request().postData()?.includes('getSentryImpact')) await held;
      await route.continue();
    };
    await page.route('**/api/invoke', hold);
    const before = await shortIds(page);
    await section(page).getByTestId(button).click();
    const pager = section(page).getByTestId('sentry-pager');
    await pager.getByText(`Loading page ${target}…`).waitFor();
    await section(page).getByTestId('sentry-issues--loadingSpinner').waitFor();
    await expect(pager.getByTestId('pager-next').isDisabled()).resolves.toBe(true);
    await expect(shortIds(page)).resolves.toEqual(before); // the rows stay while the page loads
    if (screenshot) {
      await pager.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, `${screenshot}.png`) });
    }
    release();
    await pager.getByTestId('pager-label').getByText(`Page ${target} ·`).waitFor();
    await section(page).getByTestId('sentry-issues--loadingSpinner').waitFor({ state: 'detached' });
    await page.unroute('**/api/invoke', hold);
  }

  it('goes to page 2 and 3 with other rows each time, and back with Previous', async () => {
    const page = await open();
    const pager = section(page).getByTestId('sentry-pager');
    await expect(pager.getByTestId('pager-label').innerText()).resolves.toMatch(
      /^Page 1 · busiest 1–50 of \d+ unresolved$/,
    );
    await expect(pager.getByTestId('pager-previous').isDisabled()).resolves.toBe(true);
    const page1 = await shortIds(page);
    expect(page1).toHaveLength(50);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'project-pages-1.png'), fullPage: true });

    await go(page, 'pager-next', 2, 'project-pages-2-loading');
    const page2 = await shortIds(page);
    expect(page2).toHaveLength(50);
    expect(page2.filter((id) => page1.includes(id))).toEqual([]);
    await expect(pager.getByTestId('pager-label').innerText()).resolves.toMatch(
      /^Page 2 · busiest 51–100 of/,
    );

    await go(page, 'pager-next', 3);
    const page3 = await shortIds(page);
    expect(page3.length).toBeGreaterThan(0);
    expect(page3.filter((id) => page1.includes(id) || page2.includes(id))).toEqual([]);
    await expect(pager.getByTestId('pager-label').innerText()).resolves.toBe(
      'Page 3 · the others, in Sentry issue id order',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'project-pages-3.png'), fullPage: true });

    await go(page, 'pager-previous', 2);
    await expect(shortIds(page)).resolves.toEqual(page2);
    await page.close();
  });

  it('reads in dark mode, page 3 included', async () => {
    const page = await open('&theme=dark');
    await expect(page.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).resolves.toBe(
      'dark',
    );
    await go(page, 'pager-next', 2);
    await go(page, 'pager-next', 3);
    const colors = await page.evaluate(() => {
      const label = document.querySelector('[data-testid="pager-label"]');
      return {
        label: label ? getComputedStyle(label).color : '',
        background: getComputedStyle(document.body).backgroundColor,
      };
    });
    expect(contrast(colors.label, colors.background)).toBeGreaterThan(4.5);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'project-pages-3-dark.png'), fullPage: true });
    await page.close();
  });

  it('logged no errors in the browser', () => {
    expect(browserErrors).toEqual([]);
  });
});
