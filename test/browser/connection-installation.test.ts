// The Sentry connection's "Set installation" dialog on the global settings page in a real Chromium (demo
// store, its installation forgotten as for an install whose first webhook has not arrived): the card says
// it is not known yet; a value that is not a UUID is refused beside the field and the dialog stays open; a
// UUID typed in upper case with spaces around it is saved, shown on the card in lower case, and still there
// after a reload. Screenshots, light and dark, land in test-results/browser/.
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import { SANDBOX_CONNECTION_IDS } from '../../sandbox/demo/seed';
import {
  collectErrors,
  contrast,
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
} from './browser-kit';

const ADMIN = '/modules/product-health-admin';
const CARD = 'Sentry Acme Inc.';
const TYPED = '  5F0C7A1E-2B3D-4C5E-8F90-A1B2C3D4E5F6 ';
const STORED = '5f0c7a1e-2b3d-4c5e-8f90-a1b2c3d4e5f6';

describeInBrowser('global settings: setting a Sentry connection installation by hand in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('connection-installation');
    ({ sandbox, browser, base } = kit);
    // The demo's installation webhook named one; forget it, as before an install's first webhook.
    const { getConnection, updateReadConnection } = await import('../../src/storage');
    await asAdmin(async () => {
      const connection = await getConnection(SANDBOX_CONNECTION_IDS.sentry);
      if (connection?.kind !== 'sentry') throw new Error('The demo store has no Sentry connection.');
      await updateReadConnection(connection, {}, ['sentryAppInstallationUuid']);
    });
  });

  afterAll(async () => {
    await kit?.close();
  });

  async function open(query = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The refused save is an answered call with the field's message, not a page error.
    collectErrors(page, browserErrors);
    await page.goto(`${base}${ADMIN}${query}`);
    return page;
  }

  /** The window only: the card and the dialog sit at the top of a long page. */
  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  }

  const card = (page: Page): Locator =>
    page
      .getByTestId('connection-row')
      .filter({ has: page.getByRole('heading', { name: CARD, exact: true }) });

  function asAdmin<T>(work: () => Promise<T>): Promise<T> {
    return sandbox.runtime.runInvocation(
      { functionKey: 'admin-fn', moduleKey: 'product-health-admin', accountId: sandbox.world.jira.accountId },
      work,
    );
  }

  async function storedUuid(): Promise<string | undefined> {
    const { getConnection } = await import('../../src/storage');
    const connection = await asAdmin(() => getConnection(SANDBOX_CONNECTION_IDS.sentry));
    return connection?.kind === 'sentry' ? connection.sentryAppInstallationUuid : undefined;
  }

  it('refuses a value that is not a UUID beside the field, then saves a UUID and shows it on the card', async () => {
    const page = await open();
    const sentry = card(page);
    const state = sentry.getByTestId('installation-state');
    await state.waitFor();
    await expect(state.innerText()).resolves.toMatch(/not known yet: its first webhook brings it, or set it/);
    await screenshot(page, 'connection-installation-0-unknown');

    await sentry.getByRole('button', { name: `Set the integration installation of ${CARD}` }).click();
    const modal = page.getByTestId('set-installation');
    const field = modal.getByTestId('set-installation-field');
    await expect(field.inputValue()).resolves.toBe('');
    await expect(modal.innerText()).resolves.toMatch(/installationId in the URL Sentry opens/);
    await screenshot(page, 'connection-installation-1-dialog');
    await field.fill('not-a-uuid');
    await modal.getByTestId('set-installation-submit').click();

    const refusal = modal.getByTestId('set-installation-field--error');
    await refusal.waitFor();
    await expect(refusal.innerText()).resolves.toMatch(/An installation ID is a UUID \(8-4-4-4-12/);
    // Beside the field: right under it, in the open dialog; nothing stored.
    const fieldBox = await field.boundingBox();
    const refusalBox = await refusal.boundingBox();
    expect(fieldBox && refusalBox && refusalBox.y - (fieldBox.y + fieldBox.height)).toBeLessThan(40);
    expect(fieldBox && refusalBox && refusalBox.y).toBeGreaterThan(fieldBox?.y ?? Infinity);
    await expect(storedUuid()).resolves.toBeUndefined();
    await screenshot(page, 'connection-installation-2-refused');

    await field.fill(TYPED);
    await modal.getByTestId('set-installation-submit').click();
    await modal.waitFor({ state: 'detached' });
    await sentry.getByRole('status').filter({ hasText: 'Installation saved.' }).waitFor();
    await expect(state.innerText()).resolves.toBe(STORED);
    // Set in the code font, as identifiers are elsewhere on the page.
    await expect(
      state.getByText(STORED).evaluate((element) => getComputedStyle(element).fontFamily),
    ).resolves.toMatch(/mono/i);
    await expect(storedUuid()).resolves.toBe(STORED);
    await screenshot(page, 'connection-installation-3-saved');

    // Stored, not only shown: a fresh read shows it.
    await page.reload();
    await expect(card(page).getByTestId('installation-state').innerText()).resolves.toBe(STORED);
    await page.close();
  });

  it('in dark mode, the dialog, its refusal and the card are readable', async () => {
    const page = await open('?theme=dark');
    const sentry = card(page);
    await expect(sentry.getByTestId('installation-state').innerText()).resolves.toBe(STORED);
    await sentry.getByRole('button', { name: `Set the integration installation of ${CARD}` }).click();
    const modal = page.getByTestId('set-installation');
    await modal.getByTestId('set-installation-field').fill('12345');
    await modal.getByTestId('set-installation-submit').click();
    const refusal = modal.getByTestId('set-installation-field--error');
    await refusal.waitFor();
    const colors = await refusal.evaluate((element) => {
      let node: Element | null = element;
      let background = 'rgba(0, 0, 0, 0)';
      while (node && /rgba\(0, 0, 0, 0\)|transparent/.test(background)) {
        background = getComputedStyle(node).backgroundColor;
        node = node.parentElement;
      }
      return { color: getComputedStyle(element).color, background };
    });
    expect(contrast(colors.color, colors.background)).toBeGreaterThan(4.5);
    await screenshot(page, 'connection-installation-4-dark-refused');
    await modal.getByRole('button', { name: 'Cancel' }).click();
    await modal.waitFor({ state: 'detached' });
    await screenshot(page, 'connection-installation-5-dark-card');
    await page.close();
  });

  it('the page logged no error', () => {
    expect(browserErrors).toEqual([]);
  });
});
