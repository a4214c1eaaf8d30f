// The issue context (jira:issueContext, UI Kit) in the sandbox: the UI Kit bundle built by the Forge CLI's
// native UI bundler, drawn by the sandbox's renderer of UI Kit components. On SHOP-1 it shows the grade of
// the products SHOP maps, the linked Sentry issues (count, worst level, users affected) and the quality
// gate, as stored; its button opens the issue panel on the same issue. Screenshots (light and dark) land in
// test-results/browser/. Needs Chromium at /usr/bin/chromium (CHROMIUM_PATH overrides).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import type { JiraProjectContextRecord } from '../../src/domain/health/issue-context';
import type { SentryIssuePropertyValue } from '../../src/domain/model';
import { jiraProjectContextKey, writtenIssuePropertyKey } from '../../src/storage/keys';
import {
  contrast,
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
  collectErrors,
} from './browser-kit';

describeInBrowser('issue context (UI Kit) in Chromium', () => {
  jest.setTimeout(300_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('context');
    ({ sandbox, browser } = kit);
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(() => {
    expect(browserErrors).toEqual([]);
  });

  /** What the demo stored for SHOP-1: the issue's Sentry summary and project SHOP's context record. */
  function stored(): { summary: SentryIssuePropertyValue; project: JiraProjectContextRecord } {
    const issue = sandbox.world.jira.findIssue('SHOP-1');
    if (!issue) throw new Error('The demo has no issue SHOP-1.');
    const data = sandbox.runtime.kvs.dump().data;
    const summary = (
      data[writtenIssuePropertyKey(issue.id)] as { value: SentryIssuePropertyValue } | undefined
    )?.value;
    const project = data[jiraProjectContextKey(issue.projectId)] as JiraProjectContextRecord | undefined;
    if (!summary || !project)
      throw new Error('The demo stored no Sentry summary for SHOP-1 or no context for SHOP.');
    return { summary, project };
  }

  async function openContext(theme: 'light' | 'dark'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 720, height: 520 } });
    collectErrors(page, browserErrors);
    await page.goto(
      `http://127.0.0.1:${sandbox.port}/modules/product-health-issue-context?issue=SHOP-1&theme=${theme}`,
    );
    await page.locator('[data-forge-type="Button"]').waitFor();
    return page;
  }

  it('is listed on the sandbox index page', async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${sandbox.port}/?issue=SHOP-1`);
    const link = page.locator('a[data-module="product-health-issue-context"]');
    expect(await link.getAttribute('href')).toBe('/modules/product-health-issue-context?issue=SHOP-1');
    expect(await page.locator('tr', { has: link }).innerText()).toContain(
      'Issue context (UI Kit) on issue SHOP-1',
    );
    await page.close();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`shows SHOP-1's grade, linked Sentry issues and quality gate as stored (${theme})`, async () => {
      const { summary, project } = stored();
      expect(summary.linkedCount).toBeGreaterThan(0);
      expect(project.grade).not.toBeNull();
      const page = await openContext(theme);
      const root = page.locator('[data-forge-type="Root"]');
      const text = await root.innerText();
      expect(text).toContain(project.productNames.join(', '));
      expect(text).toContain(`${summary.linkedCount.toLocaleString('en-US')} linked issue`);
      expect(text).toContain(`${summary.users14d.toLocaleString('en-US')} user`);
      const lozenges = await page.locator('[data-forge-type="Lozenge"]').allInnerTexts();
      const gateWords = { OK: 'PASSED', WARN: 'WARNING', ERROR: 'FAILED' } as const;
      expect(lozenges).toEqual([
        project.grade,
        summary.worstLevel.toUpperCase(),
        ...(project.qualityGate ? [gateWords[project.qualityGate]] : []),
      ]);
      if (theme === 'dark') {
        expect(await page.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).toBe(
          'dark',
        );
        const colours = await page.evaluate(() => {
          const body = getComputedStyle(document.body).backgroundColor;
          const label = document.querySelector('[data-forge-type="Text"]');
          return { text: label ? getComputedStyle(label).color : '', body };
        });
        expect(contrast(colours.text, colours.body)).toBeGreaterThanOrEqual(4.5);
      }
      await root.screenshot({ path: path.join(SCREENSHOTS, `issue-context-${theme}.png`) });
      await page.close();
    });
  }

  it('opens the issue panel on the same issue in one click', async () => {
    const page = await openContext('light');
    await page.locator('[data-forge-type="Button"]').click();
    await page.waitForURL(/\/modules\/product-health-issue-panel\?/);
    expect(new URL(page.url()).searchParams.get('issue')).toBe('SHOP-1');
    await page.getByText('SHOP-1', { exact: false }).first().waitFor();
    await page.close();
  });
});
