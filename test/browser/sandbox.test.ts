// Opens every Custom UI surface of the sandbox in a real Chromium and checks what the pages show comes
// from the demo data in storage (through the app's resolvers), and that no secret reaches the browser.
// Screenshots land in test-results/browser/. Needs Chromium at /usr/bin/chromium (CHROMIUM_PATH
// overrides); without it the test is skipped locally and fails in CI (CI installs it with apt).
import http from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import { SANDBOX_CONNECTION_IDS, SANDBOX_WEBHOOK_SECRETS } from '../../sandbox/demo/seed';
import {
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
  collectErrors,
} from './browser-kit';

/** A request with node:http: the sandbox's runtime replaces global fetch with Forge's egress filter. */
function post(
  url: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describeInBrowser('sandbox pages in Chromium', () => {
  jest.setTimeout(120_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  let secrets: string[];
  /** Every HTML document and resolver answer the browser received. */
  const received: Array<{ url: string; body: string }> = [];
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('browser');
    ({ sandbox, browser, base } = kit);
    const credentials = sandbox.world.simulators.credentials;
    secrets = [
      credentials.sentry.full,
      credentials.sonarcloud.admin,
      SANDBOX_WEBHOOK_SECRETS.sentry,
      SANDBOX_WEBHOOK_SECRETS.sonarcloud,
    ];
  });

  afterAll(async () => {
    await kit?.close();
  });

  async function open(pathAndQuery: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    collectErrors(page, browserErrors, { prefix: `${pathAndQuery}: ` });
    page.on('response', async (response) => {
      const type = response.headers()['content-type'] ?? '';
      if (type.includes('html') || response.url().endsWith('/api/invoke')) {
        received.push({ url: response.url(), body: await response.text().catch(() => '') });
      }
    });
    await page.goto(`${base}${pathAndQuery}`);
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  it('lists the four surfaces on the index page', async () => {
    const page = await open('/');
    for (const title of [
      'Product health',
      'Product health configuration',
      'Get started with Product health',
    ]) {
      await expect(page.getByRole('link', { name: title, exact: true }).first().isVisible()).resolves.toBe(
        true,
      );
    }
    const modules = await page
      .locator('[data-module]')
      .evaluateAll((links) => links.map((link) => link.getAttribute('data-module')));
    expect(modules).toEqual(
      expect.arrayContaining([
        'product-health-issue-panel',
        'product-health-project-page',
        'product-health-project-settings',
        'product-health-admin',
      ]),
    );
    await screenshot(page, '0-index');
    await page.close();
  });

  it('issue panel: shows the Sentry issue linked to the Jira issue, with its figures', async () => {
    const jiraIssue = sandbox.world.jira.issues.find((issue) =>
      issue.summary.startsWith('Order list crashes'),
    );
    const sentryIssue = sandbox.world.simulators.sentry
      .issues()
      .find((issue) => issue.title.includes("reading 'map'"));
    expect(jiraIssue && sentryIssue).toBeTruthy();
    const page = await open(`/modules/product-health-issue-panel?issue=${jiraIssue?.key}`, {
      width: 720,
      height: 700,
    });
    const card = page.getByTestId('linked-sentry-issue');
    await card.first().waitFor();
    const text = await card.first().innerText();
    expect(text).toContain(sentryIssue?.shortId);
    expect(text).toContain("Cannot read properties of undefined (reading 'map')");
    expect(text).toMatch(/Events 24 h \/ 14 d/);
    expect(text).toMatch(/web-frontend@/);
    await screenshot(page, '1-issue-panel');
    await page.close();
  });

  it('issue panel: says how to link when nothing is linked', async () => {
    const unlinked = sandbox.world.jira.issues.find((issue) =>
      issue.summary.startsWith('Add retry with backoff'),
    );
    const page = await open(`/modules/product-health-issue-panel?issue=${unlinked?.key}`, {
      width: 720,
      height: 400,
    });
    await page.getByText('No Sentry issues are linked to this issue').waitFor();
    await expect(page.getByText('Sentry URL or short id').isVisible()).resolves.toBe(true);
    await screenshot(page, '1-issue-panel-empty');
    await page.close();
  });

  it('issue panel follows the dark theme', async () => {
    const jiraIssue = sandbox.world.jira.issues.find((issue) =>
      issue.summary.startsWith('Checkout shows 502'),
    );
    const page = await open(`/modules/product-health-issue-panel?issue=${jiraIssue?.key}&theme=dark`, {
      width: 720,
      height: 700,
    });
    await page.getByTestId('linked-sentry-issue').first().waitFor();
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).toBe('dark');
    // --ds-surface of Atlassian's dark theme as @atlaskit/tokens ships it (#1F1F21), which the sandbox loads.
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
      'rgb(31, 31, 33)',
    );
    await screenshot(page, '1-issue-panel-dark');
    await page.close();
  });

  it('project page: the products of the project, and each subpage through the history routes', async () => {
    const page = await open('/modules/product-health-project-page/overview?project=SHOP');
    await page.getByTestId('mapped-product').first().waitFor();
    const products = await page.getByTestId('mapped-product').allInnerTexts();
    expect(products.join('\n')).toContain('Acme Shop / Storefront');
    expect(products.join('\n')).toContain('web-frontend');
    expect(products.join('\n')).toContain('acme_backend');
    await screenshot(page, '2-project-page-overview');

    await page.getByRole('navigation', { name: 'Subpages' }).getByText('Sentry impact').click();
    await page.getByRole('heading', { name: 'Sentry impact', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/modules/product-health-project-page/sentry');
    await page.getByTestId('sentry-issue-row').first().waitFor();
    const busiest = sandbox.world.simulators.sentry
      .issues({ projectSlug: 'web-frontend', status: 'unresolved' })
      .map((issue) => issue.shortId);
    const shown = await page.getByTestId('sentry-issue-row').locator('.ph-mono').allInnerTexts();
    expect(shown.some((shortId) => busiest.includes(shortId))).toBe(true);
    await screenshot(page, '2-project-page-sentry');

    await page.getByRole('navigation', { name: 'Subpages' }).getByText('Code quality').click();
    await page.getByText('Quality gate').first().waitFor();
    expect(await page.locator('.ph-section h2').allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/./)]),
    );
    expect(
      await page
        .locator('.ph-section')
        .allInnerTexts()
        .then((texts) => texts.join('\n')),
    ).toContain('acme_web-frontend');
    await screenshot(page, '2-project-page-quality');

    await page.getByRole('navigation', { name: 'Subpages' }).getByText('Trends').click();
    await page.getByRole('heading', { name: 'Trends', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Storefront', level: 2 }).waitFor();
    // The first sync stored today's point of each product: a metric row per series.
    await page.locator('table.ph-table').first().waitFor();
    expect(await page.locator('table.ph-table tbody tr').count()).toBeGreaterThan(0);
    await screenshot(page, '2-project-page-trends');

    await page.goBack();
    await page.getByRole('heading', { name: 'Code quality', level: 1 }).waitFor();
    await page.close();
  });

  it('project settings: the mapping of this project and its status mapping', async () => {
    const page = await open('/modules/product-health-project-settings?project=PAY');
    await page.getByTestId('mapped-product').first().waitFor();
    const text = await page.locator('main').innerText();
    expect(text).toContain('Payments');
    // SonarCloud projects by the name the last sync read (the project key acme_payments).
    expect(text).toContain('Payments Service');
    expect(text).toContain('Status sync between Jira and Sentry');
    await screenshot(page, '3-project-settings');
    await page.close();
  });

  it('admin: connections with "token set", the product tree and the sync log', async () => {
    const page = await open('/modules/product-health-admin');
    await page.getByTestId('connection-row').first().waitFor();
    const rows = await page.getByTestId('connection-row').allInnerTexts();
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(row.toLowerCase()).toContain('token set');
    await page.getByTestId('product-node').first().waitFor();
    const products = await page.getByTestId('product-node').allInnerTexts();
    expect(products.join('\n')).toMatch(/Acme Shop[\s\S]*Storefront/);
    await page.getByTestId('sync-log-entry').first().waitFor();
    expect(await page.getByTestId('sync-log-entry').count()).toBeGreaterThan(0);
    await screenshot(page, '4-admin');
    await page.close();
  });

  it("admin: the Sentry connection's webhook URL, with a copy button and where to paste it", async () => {
    const page = await open('/modules/product-health-admin');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const card = page.locator(
      `[data-testid="webhook-url"][data-connection-id="${SANDBOX_CONNECTION_IDS.sentry}"]`,
    );
    await card.waitFor();
    // The app builds it from webTrigger.getUrl, which the sandbox answers with its own address.
    const expected = `${sandbox.url}/webtrigger/sentry-webhook?connection=${SANDBOX_CONNECTION_IDS.sentry}`;
    await expect(card.getByRole('textbox').inputValue()).resolves.toBe(expected);
    await expect(card.innerText()).resolves.toContain('Developer Settings');
    await card.getByRole('button', { name: /^Copy the webhook URL/ }).click();
    await card.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(expected);
    await page.close();
  });

  it('admin: Pause shows the paused state, Resume restores it, Sync now reports the jobs queued', async () => {
    const page = await open('/modules/product-health-admin');
    const row = page
      .getByTestId('connection-row')
      .filter({ has: page.getByRole('button', { name: /Sentry Acme Inc\./ }) });
    // The lozenges are upper-cased by CSS: read the text, not what innerText renders.
    const syncState = () => row.locator('.ph-lozenge').allTextContents();
    await row.waitFor();
    await expect(syncState()).resolves.toContain('active');

    await row.getByRole('button', { name: 'Pause Sentry Acme Inc.' }).click();
    await row.getByRole('button', { name: 'Resume Sentry Acme Inc.' }).waitFor();
    await expect(syncState()).resolves.toContain('paused');
    await expect(row.getByRole('button', { name: 'Sync Sentry Acme Inc. now' }).isDisabled()).resolves.toBe(
      true,
    );
    // The pause is stored, not only shown: a fresh read of the page says so too.
    await page.reload();
    await row.getByRole('button', { name: 'Resume Sentry Acme Inc.' }).waitFor();
    await expect(syncState()).resolves.toContain('paused');
    await screenshot(page, '4-admin-paused');

    await row.getByRole('button', { name: 'Resume Sentry Acme Inc.' }).click();
    await row.getByRole('button', { name: 'Pause Sentry Acme Inc.' }).waitFor();
    await expect(syncState()).resolves.toContain('active');

    await row.getByRole('button', { name: 'Sync Sentry Acme Inc. now' }).click();
    const queued = row.getByRole('status').filter({ hasText: /Queued [1-9]\d* project jobs?: the sync log/ });
    await queued.waitFor();
    await screenshot(page, '4-admin-sync-now');
    await page.close();
  });

  it('admin: a failed sync log entry shows its summary and a Retry that queues its job again', async () => {
    const { appendSyncLogEntry } = await import('../../src/storage');
    const summary = 'Sentry project 5501201: the sync stopped at page 3';
    await sandbox.runtime.runInvocation(
      { functionKey: 'admin-fn', moduleKey: 'product-health-admin', accountId: sandbox.world.jira.accountId },
      () =>
        appendSyncLogEntry({
          id: 'browser-test-failed-run',
          at: new Date(sandbox.runtime.clock.now()).toISOString(),
          trigger: 'schedule',
          source: 'sentry',
          connectionId: SANDBOX_CONNECTION_IDS.sentry,
          projectId: '5501201',
          durationMs: 1200,
          fetched: 200,
          changed: 0,
          failed: 1,
          outcome: 'failed',
          errors: ['Sentry answered 503 (Service Unavailable): try again later.'],
          retry: {
            kind: 'sentry-project',
            connectionId: SANDBOX_CONNECTION_IDS.sentry,
            projectId: '5501201',
          },
          summary,
        }),
    );
    const page = await open('/modules/product-health-admin');
    const failed = page.getByTestId('sync-log-entry').filter({ hasText: summary });
    await failed.waitFor();
    await expect(failed.innerText()).resolves.toContain('Sentry answered 503');
    // Only entries with retry data offer a retry.
    const retries = await page
      .getByTestId('sync-log-entry')
      .getByRole('button', { name: /^Retry/ })
      .count();
    expect(retries).toBe(1);
    await failed.getByRole('button', { name: /^Retry the sentry sync of / }).click();
    await failed.getByRole('status').filter({ hasText: 'Sentry project 5501201 is queued' }).waitFor();
    await screenshot(page, '4-admin-retry');
    await page.close();
  });

  it('web triggers reach the app through POST /webtrigger/<moduleKey>', async () => {
    const unsigned = await post(
      `${base}/webtrigger/sentry-webhook`,
      JSON.stringify({ action: 'created', data: {} }),
      {
        'sentry-hook-resource': 'issue',
      },
    );
    // The app refuses an unsigned delivery; what matters here is that the app, not the sandbox, answered.
    expect(unsigned.status).toBeGreaterThanOrEqual(400);
    expect(unsigned.status).toBeLessThan(500);
    expect(unsigned.status).not.toBe(404);
    const unknown = await post(`${base}/webtrigger/no-such-trigger`, '{}');
    expect(unknown.status).toBe(404);
  });

  it('never sent a token or webhook secret to the browser, and the pages logged no error', () => {
    expect(received.length).toBeGreaterThan(10);
    for (const { url, body } of received) {
      for (const secret of secrets) {
        if (body.includes(secret)) throw new Error(`${url} carried a secret to the browser`);
      }
    }
    expect(browserErrors).toEqual([]);
  });
});
