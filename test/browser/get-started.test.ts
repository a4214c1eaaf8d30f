// The Get started page in a real Chromium: from an empty store (./dev sandbox --empty) the checklist shows
// nothing done; adding a Sentry organization on the page itself (keyboard only) ticks the first step,
// its Test the second, a signed delivery to its webhook URL the third; "Open Products" leads to the
// settings page; with the demo data every step is ticked. Screenshots, light and dark, land in
// test-results/browser/.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { hostFetch } from '../../sandbox/runtime';
import type { SandboxServer, SandboxStart } from '../../sandbox/server';
import { signBody } from '../../src/domain/signatures';
import {
  contrast,
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
  collectErrors,
} from './browser-kit';

const GET_STARTED = '/modules/product-health-get-started';
const CLIENT_SECRET = 'typed-client-secret-0c4e';

describeInBrowser('Get started checklist in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer | undefined;
  let browser: Browser;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  async function startSandbox(start: SandboxStart): Promise<SandboxServer> {
    if (!kit) throw new Error('The sandbox is not running.');
    sandbox = await kit.restart(start);
    return sandbox;
  }

  beforeAll(async () => {
    kit = await startBrowserSandbox('get-started', { start: 'empty' });
    ({ sandbox, browser } = kit);
  });

  afterAll(async () => {
    await kit?.close();
  });

  async function open(query = ''): Promise<Page> {
    if (!sandbox) throw new Error('The sandbox is not running.');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    collectErrors(page, browserErrors);
    await page.goto(`http://127.0.0.1:${sandbox.port}${GET_STARTED}${query}`);
    await page.getByTestId('setup-step').first().waitFor();
    return page;
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  const step = (page: Page, id: string): Locator =>
    page.locator(`[data-testid="setup-step"][data-step="${id}"]`);

  /** The steps whose tick is shown, in order. */
  async function ticked(page: Page): Promise<string[]> {
    return page
      .locator('[data-testid="setup-step"][data-done="true"]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-step') ?? ''));
  }

  /** Presses Tab until the element with this test id has the focus. */
  async function tabTo(page: Page, testId: string): Promise<void> {
    for (let presses = 0; presses < 60; presses++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid'));
      if (focused === testId) return;
    }
    throw new Error(`Tab never reached ${testId}.`);
  }

  it('shows nothing done on an empty store, the first step next', async () => {
    const page = await open();
    await expect(page.getByTestId('setup-step').count()).resolves.toBe(7);
    await expect(ticked(page)).resolves.toEqual([]);
    await expect(page.getByTestId('setup-progress-text').innerText()).resolves.toBe('0 of 7 steps done');
    await expect(step(page, 'connection-added').getByText('next', { exact: true }).count()).resolves.toBe(1);
    await screenshot(page, 'get-started-0-empty');
    await page.close();

    const dark = await open('?theme=dark');
    const colors = await step(dark, 'connection-added')
      .locator('h3')
      .evaluate((heading) => {
        let node: Element | null = heading;
        let background = 'rgba(0, 0, 0, 0)';
        while (node && /rgba\(0, 0, 0, 0\)|transparent/.test(background)) {
          background = getComputedStyle(node).backgroundColor;
          node = node.parentElement;
        }
        return { color: getComputedStyle(heading).color, background };
      });
    expect(contrast(colors.color, colors.background)).toBeGreaterThan(4.5);
    await screenshot(dark, 'get-started-0-empty-dark');
    await dark.close();
  });

  it('ticks the first step once a Sentry organization is added on the page, with the keyboard only', async () => {
    if (!sandbox) throw new Error('The sandbox is not running.');
    const token = sandbox.world.simulators.credentials.sentry.full;
    const page = await open();
    await tabTo(page, 'setup-add-sentry');
    await page.keyboard.press('Enter');
    const modal = page.getByTestId('add-connection-modal');
    await modal.waitFor();
    await page.keyboard.type('Acme'); // display name: the field has the focus when the form opens
    await page.keyboard.press('Tab');
    await page.keyboard.type('acme');
    await page.keyboard.press('Tab'); // region: US by default
    await page.keyboard.press('Tab');
    await page.keyboard.type(token);
    await page.keyboard.press('Tab');
    await page.keyboard.type(CLIENT_SECRET);
    await page.keyboard.press('Enter');

    await modal.waitFor({ state: 'detached' });
    await step(page, 'connection-added').and(page.locator('[data-done="true"]')).waitFor();
    await expect(ticked(page)).resolves.toEqual(['connection-added']);
    await expect(step(page, 'connection-added').getByTestId('setup-step-detail').innerText()).resolves.toBe(
      '1 connection: Sentry Acme.',
    );
    await expect(page.getByTestId('setup-progress-text').innerText()).resolves.toBe('1 of 7 steps done');
    await screenshot(page, 'get-started-1-connection-added');

    // The next step's action is inline: test the connection.
    await step(page, 'connection-tested').getByRole('button', { name: 'Test Sentry Acme' }).click();
    await step(page, 'connection-tested').and(page.locator('[data-done="true"]')).waitFor();
    await expect(ticked(page)).resolves.toEqual(['connection-added', 'connection-tested']);
    await page.close();
  });

  it('shows the webhook URL to paste, and ticks the webhook step after a signed delivery to it', async () => {
    if (!sandbox) throw new Error('The sandbox is not running.');
    const page = await open();
    const help = step(page, 'webhook-received').getByTestId('setup-webhook-url');
    await help.waitFor();
    const url = await help.getByRole('textbox').inputValue();
    expect(url).toBe(`${sandbox.url}/webtrigger/sentry-webhook?connection=sentry-acme`);
    await screenshot(page, 'get-started-2-webhook-url');

    const uuid = randomUUID();
    const body = JSON.stringify({
      action: 'created',
      installation: { uuid },
      data: { installation: { uuid, organization: { slug: 'acme' } } },
    });
    const answer = await hostFetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Sentry-Hook-Resource': 'installation',
        'Sentry-Hook-Timestamp': String(Math.floor(Date.now() / 1000)),
        'Request-ID': randomUUID(),
        'Sentry-Hook-Signature': signBody(body, CLIENT_SECRET),
      },
      body,
    });
    expect(answer.status).toBe(200);

    await page.getByTestId('setup-check-again').click();
    await step(page, 'webhook-received').and(page.locator('[data-done="true"]')).waitFor();
    await expect(ticked(page)).resolves.toEqual([
      'connection-added',
      'connection-tested',
      'webhook-received',
    ]);
    await expect(step(page, 'product-created').getByText('next', { exact: true }).count()).resolves.toBe(1);
    await screenshot(page, 'get-started-3-webhook-received');

    // Products are made on the settings page: one click away.
    await step(page, 'product-created').getByTestId('open-settings').click();
    await page.waitForURL(/\/modules\/product-health-admin(\?|$)/);
    await page.getByRole('heading', { name: 'Product health', exact: true }).waitFor();
    await page.close();
  });

  it('has every step ticked with the demo data, light and dark', async () => {
    await startSandbox('demo');
    const page = await open();
    await page.getByTestId('setup-complete').waitFor();
    await expect(ticked(page)).resolves.toEqual([
      'connection-added',
      'connection-tested',
      'webhook-received',
      'product-created',
      'projects-mapped',
      'first-sync',
      'issue-linked',
    ]);
    await expect(page.getByTestId('setup-progress-text').innerText()).resolves.toBe('7 of 7 steps done');
    // Nothing widens the page past the window.
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(
      1280,
    );
    await screenshot(page, 'get-started-4-demo');
    await page.close();

    const dark = await open('?theme=dark');
    await dark.getByTestId('setup-complete').waitFor();
    await screenshot(dark, 'get-started-4-demo-dark');
    await dark.close();
  });

  it('logged no error in the page', () => {
    expect(browserErrors).toEqual([]);
  });
});
