// Connections on the global settings page in a real Chromium, from an empty store (the first-install
// path, ./dev sandbox --empty): add a Sentry organization with the keyboard only (a bad slug first, its
// message beside the field), add a SonarCloud organization, test both, rotate a token (the page says
// "set" and when, never the value), remove one after the confirmation that counts what goes with it.
// Screenshots, light and dark, land in test-results/browser/.
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import {
  contrast,
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
  collectErrors,
} from './browser-kit';

const ADMIN = '/modules/product-health-admin';
const CLIENT_SECRET = 'typed-client-secret-5e1d';
const SONAR_SECRET = 'typed-sonar-secret-77aa';

describeInBrowser('global settings: connections in Chromium, from an empty store', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];
  /** Every resolver answer and HTML page the browser received. */
  const received: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('connections', { start: 'empty' });
    ({ sandbox, browser, base } = kit);
  });

  afterAll(async () => {
    await kit?.close();
  });

  const tokens = () => sandbox.world.simulators.credentials;

  async function open(query = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    collectErrors(page, browserErrors);
    page.on('response', async (response) => {
      const type = response.headers()['content-type'] ?? '';
      if (type.includes('html') || response.url().endsWith('/api/invoke')) {
        received.push(await response.text().catch(() => ''));
      }
    });
    await page.goto(`${base}${ADMIN}${query}`);
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  const card = (page: Page, name: string): Locator =>
    page.getByTestId('connection-row').filter({ has: page.getByRole('heading', { name, exact: true }) });

  /** Presses Tab until the element with this test id has the focus. */
  async function tabTo(page: Page, testId: string): Promise<void> {
    for (let presses = 0; presses < 60; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      if (focused === testId) return;
    }
    throw new Error(`Tab never reached ${testId}.`);
  }

  it('starts empty and adds a Sentry organization with the keyboard only, a bad slug refused beside its field', async () => {
    const page = await open();
    await page.getByText('No connection yet').first().waitFor();
    await screenshot(page, 'connections-0-empty');

    await tabTo(page, 'add-sentry-connection');
    await page.keyboard.press('Enter');
    const modal = page.getByTestId('add-connection-modal');
    await modal.waitFor();
    // The name field has the focus when the form opens.
    await page.keyboard.type('Acme');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Acme Inc');
    await page.keyboard.press('Tab'); // region: US by default
    await page.keyboard.press('Tab');
    await page.keyboard.type(tokens().sentry.full);
    await page.keyboard.press('Tab');
    await page.keyboard.type(CLIENT_SECRET);
    await page.keyboard.press('Enter');

    const slugError = modal.getByTestId('connection-organization--error');
    await slugError.waitFor();
    await expect(slugError.innerText()).resolves.toMatch(/lower-case letters, digits and hyphens/);
    // The message sits right under the slug field.
    const field = await modal.getByTestId('connection-organization').boundingBox();
    const error = await slugError.boundingBox();
    expect(error && field && error.y - (field.y + field.height)).toBeLessThan(40);
    await screenshot(page, 'connections-1-bad-slug');

    await modal.getByTestId('connection-organization').focus();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('acme');
    await page.keyboard.press('Enter');

    const added = page.getByTestId('connection-added');
    await added.waitFor();
    const url = `${sandbox.url}/webtrigger/sentry-webhook?connection=sentry-acme`;
    await expect(added.getByRole('textbox').inputValue()).resolves.toBe(url);
    await expect(added.innerText()).resolves.toMatch(/Developer Settings/);
    await card(page, 'Sentry Acme').waitFor();
    await expect(card(page, 'Sentry Acme').getByTestId('token-state').innerText()).resolves.toMatch(
      /token set/i,
    );
    await screenshot(page, 'connections-2-sentry-added');
    await page.close();
  });

  it('adds a SonarCloud organization and tests both: the report says what each token reaches', async () => {
    const page = await open();
    await card(page, 'Sentry Acme').waitFor();
    await page.getByTestId('add-sonarcloud-connection').click();
    const modal = page.getByTestId('add-connection-modal');
    await modal.getByTestId('connection-label').fill('Acme code');
    await modal.getByTestId('connection-organization').fill('acme');
    await modal.getByTestId('connection-token').fill(tokens().sonarcloud.admin);
    await modal.getByTestId('connection-webhook-secret').fill(SONAR_SECRET);
    await modal.getByTestId('connection-add-submit').click();
    await page.getByTestId('connection-added').filter({ hasText: 'SonarCloud Acme code added' }).waitFor();

    const sentry = card(page, 'Sentry Acme');
    await sentry.getByRole('button', { name: 'Test Sentry Acme' }).click();
    const sentryReport = sentry.getByTestId('connection-test-report');
    await sentryReport.waitFor();
    await expect(sentryReport.innerText()).resolves.toMatch(/Sentry Acme works[\s\S]*sees 4 projects/);

    const sonar = card(page, 'SonarCloud Acme code');
    await sonar.getByRole('button', { name: 'Test SonarCloud Acme code' }).click();
    const sonarReport = sonar.getByTestId('connection-test-report');
    await sonarReport.waitFor();
    await expect(sonarReport.innerText()).resolves.toMatch(/works[\s\S]*sees \d+ projects/);
    await screenshot(page, 'connections-3-tested');
    await page.close();
  });

  it('rotates a token: the page says "token set" and when, never the value; the test then names the missing scope', async () => {
    const page = await open();
    const sentry = card(page, 'Sentry Acme');
    await sentry.getByRole('button', { name: 'Rotate the token of Sentry Acme' }).click();
    const modal = page.getByTestId('rotate-secret');
    await modal.getByTestId('rotate-secret-field').fill(tokens().sentry.readOnly);
    await modal.getByTestId('rotate-secret-submit').click();
    await sentry.getByRole('status').filter({ hasText: 'New token saved' }).waitFor();
    await expect(sentry.getByTestId('token-state').innerText()).resolves.toMatch(
      /token set[\s\S]*(just now|second|minute)/i,
    );
    await expect(page.content()).resolves.not.toContain(tokens().sentry.readOnly);

    await sentry.getByRole('button', { name: 'Test Sentry Acme' }).click();
    const report = sentry.getByTestId('connection-test-report');
    await report.filter({ hasText: 'needs attention' }).waitFor();
    await expect(report.innerText()).resolves.toMatch(
      /event:write is needed to resolve, unresolve and archive/,
    );
    await screenshot(page, 'connections-4-rotated');
    await page.close();
  });

  it('in dark mode, the webhook URLs and fields are readable (light text on a dark field)', async () => {
    const page = await open('?theme=dark');
    const url = page.getByTestId('webhook-url').first().getByRole('textbox');
    await url.waitFor();
    const colors = await url.evaluate((input) => {
      const style = getComputedStyle(input);
      let node: Element | null = input;
      let background = 'rgba(0, 0, 0, 0)';
      while (node && /rgba\(0, 0, 0, 0\)|transparent/.test(background)) {
        background = getComputedStyle(node).backgroundColor;
        node = node.parentElement;
      }
      return { color: style.color, background };
    });
    expect(contrast(colors.color, colors.background)).toBeGreaterThan(4.5);
    await screenshot(page, 'connections-5-dark');
    await card(page, 'Sentry Acme').getByRole('button', { name: 'Rename Sentry Acme' }).click();
    await page.getByTestId('rename-connection').waitFor();
    await screenshot(page, 'connections-5-dark-rename');
    await page.close();
  });

  it('removes the SonarCloud connection after a confirmation that says what goes with it', async () => {
    const page = await open();
    const sonar = card(page, 'SonarCloud Acme code');
    await sonar.getByRole('button', { name: 'Remove SonarCloud Acme code' }).click();
    const modal = page.getByTestId('remove-connection-modal');
    const preview = modal.getByTestId('removal-preview');
    await preview.waitFor();
    await expect(preview.innerText()).resolves.toMatch(
      /0 SonarCloud projects mapped to products[\s\S]*snapshots[\s\S]*its token and webhook secret/,
    );
    await screenshot(page, 'connections-6-remove-confirm');
    await modal.getByTestId('remove-connection-modal--confirm').click();
    await page.getByTestId('connection-removed').waitFor();
    // The list reloads after the removal: wait for it to show the one connection left.
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="connection-row"]').length === 1,
    );
    await expect(page.getByTestId('connection-row').count()).resolves.toBe(1);
    await expect(page.getByTestId('webhook-url').count()).resolves.toBe(1);
    await screenshot(page, 'connections-7-removed');

    // Stored, not only shown: a fresh read lists only the Sentry connection.
    await page.reload();
    await card(page, 'Sentry Acme').waitFor();
    await expect(page.getByTestId('connection-row').count()).resolves.toBe(1);
    await page.close();
  });

  it('never sent a token or secret to the browser, and the page logged no error', () => {
    const secrets = [
      tokens().sentry.full,
      tokens().sentry.readOnly,
      tokens().sonarcloud.admin,
      CLIENT_SECRET,
      SONAR_SECRET,
    ];
    expect(received.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(received.filter((body) => body.includes(secret))).toEqual([]);
    expect(browserErrors).toEqual([]);
  });
});
