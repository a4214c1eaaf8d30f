// The product settings of the global settings page in a real Chromium against the sandbox: build a
// product tree, see a duplicate name refused beside the field, map projects picked from the Jira,
// Sentry and SonarCloud lists, bulk-assign Sentry projects with conflicts, delete a product after the
// warning. Starts from the demo data plus a second Sentry connection (organization acme-eu) written
// through storage. Screenshots (light and dark) land in test-results/browser/.
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { SandboxServer } from '../../sandbox/server';
import {
  describeInBrowser,
  SCREENSHOTS,
  startBrowserSandbox,
  type BrowserSandbox,
  collectErrors,
} from './browser-kit';

const ADMIN = '/modules/product-health-admin';

describeInBrowser('global settings: products, mappings and bulk assignment in Chromium', () => {
  jest.setTimeout(180_000);

  let sandbox: SandboxServer;
  let browser: Browser;
  let base: string;
  let kit: BrowserSandbox | undefined;
  const browserErrors: string[] = [];

  beforeAll(async () => {
    kit = await startBrowserSandbox('products');
    ({ sandbox, browser, base } = kit);
    // A second Sentry organization, added the way the connection form stores it.
    const { saveConnection } = await import('../../src/storage');
    await saveConnection(
      {
        id: 'sentry-acme-eu',
        kind: 'sentry',
        region: 'de',
        organizationSlug: 'acme-eu',
        label: 'Acme EU',
        paused: false,
        hasToken: false,
        hasWebhookSecret: false,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
      { token: sandbox.world.simulators.credentials.sentry.full },
    );
  });

  afterAll(async () => {
    await kit?.close();
    expect(browserErrors).toEqual([]);
  });

  async function open(query = '', viewport = { width: 1280, height: 900 }): Promise<Page> {
    const page = await browser.newPage({ viewport });
    collectErrors(page, browserErrors, { prefix: `${query}: ` });
    await page.goto(`${base}${ADMIN}${query}`);
    await page.getByTestId('product-node').first().waitFor();
    return page;
  }

  /** The whole page, or only the viewport while a modal dialog is open (it covers the viewport). */
  async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
    // A dialog fades in: wait until its (finite) animations are done, not for a fixed time.
    await page.evaluate(() =>
      Promise.all(
        document
          .getAnimations()
          .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
          .map((animation) => animation.finished.catch(() => undefined)), // a cancelled one is done too
      ),
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage });
  }

  const node = (page: Page, name: string): Locator =>
    page
      .getByTestId('product-node')
      .filter({ has: page.getByTestId('product-title').getByText(name, { exact: true }) });

  /** The tree item of a product: its row and everything below it. */
  const branch = (page: Page, name: string): Locator =>
    page.locator(
      `xpath=//li[./div[@data-testid="product-node"]//strong[@data-testid="product-title" and normalize-space(.)="${name}"]]`,
    );

  /** Picks an option of an Atlaskit select by typing into its input and choosing the option. */
  async function choose(page: Page, input: Locator, text: string, option: string | RegExp): Promise<void> {
    await input.click();
    await input.fill(text);
    await page.getByRole('option', { name: option }).first().click();
  }

  it('builds a product tree: a parent with the keyboard only, a child, a rename and a move', async () => {
    const page = await open();
    // Keyboard only: focus the button, open the form, type, move between fields with Tab, submit with Enter.
    await page.getByTestId('create-product').focus();
    await page.keyboard.press('Enter');
    const form = page.getByTestId('product-form');
    await form.waitFor();
    await page.keyboard.type('Platform');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Shared services every product builds on.');
    await page.keyboard.press('Tab'); // parent: top level
    await page.keyboard.press('Tab'); // priority
    await page.keyboard.type('High');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab'); // owning team
    await page.keyboard.type('Core');
    await page.keyboard.press('Enter');
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('products-notice').getByText('Created "Platform".').waitFor();
    const platform = node(page, 'Platform');
    await expect(platform.innerText()).resolves.toMatch(/high[\s\S]*Team Core[\s\S]*Shared services/);

    // A child: "Add child" presets the parent.
    await platform.getByRole('button', { name: 'Add child' }).click();
    await page.getByTestId('product-name-input').fill('Billing');
    await page.getByTestId('product-save').click();
    await node(page, 'Billing').waitFor();
    await expect(branch(page, 'Platform').innerText()).resolves.toMatch(/Platform[\s\S]*Billing/);

    // Rename, then move it under Acme Shop.
    await node(page, 'Billing').getByRole('button', { name: 'Edit' }).click();
    await page.getByTestId('product-name-input').fill('Billing service');
    await choose(page, page.locator('#' + (await parentInputId(page))), 'Acme', 'Acme Shop');
    await page.getByTestId('product-save').click();
    await node(page, 'Billing service').waitFor();
    await expect(branch(page, 'Acme Shop').innerText()).resolves.toContain('Billing service');
    await screenshot(page, 'products-1-tree');
    await page.close();
  });

  it('refuses a duplicate name under the same parent, with the reason beside the name field', async () => {
    const page = await open();
    await node(page, 'Acme Shop').getByRole('button', { name: 'Add child' }).click();
    await page.getByTestId('product-name-input').fill('storefront');
    await page.getByTestId('product-save').click();
    const error = page.getByTestId('product-name-error');
    await error.waitFor();
    await expect(error.innerText()).resolves.toContain(
      'There is already a product "Storefront" under "Acme Shop"; pick another name.',
    );
    // The message sits right below the name field.
    const field = await page.getByTestId('product-name-input').boundingBox();
    const message = await error.boundingBox();
    expect(message && field && message.y >= field.y + field.height - 1 && message.y - field.y < 80).toBe(
      true,
    );
    await screenshot(page, 'products-2-duplicate-name', false);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByTestId('product-node').allInnerTexts()).resolves.toEqual(
      expect.not.arrayContaining([expect.stringMatching(/^storefront/)]),
    );
    await page.close();
  });

  it('wraps a long unbroken product name instead of widening a narrow page', async () => {
    const page = await open('', { width: 600, height: 900 });
    const longName = 'x'.repeat(100);
    await page.getByTestId('create-product').click();
    await page.getByTestId('product-name-input').fill(longName);
    await page.getByTestId('product-save').click();
    await node(page, longName).waitFor();
    // (The sync log table below has a width of its own; this checks the products' part of the page.)
    const title = await node(page, longName).getByTestId('product-title').boundingBox();
    expect(title && title.x + title.width).toBeLessThanOrEqual(600);
    const tree = await page
      .getByRole('list', { name: 'Products' })
      .evaluate((list) => list.scrollWidth - list.clientWidth);
    expect(tree).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('maps a Jira project, a Sentry project and a SonarCloud branch picked from the lists', async () => {
    const page = await open();
    await node(page, 'Billing service').getByRole('button', { name: 'Mappings' }).click();
    const mappings = page.getByTestId('product-mappings');
    await mappings.waitFor();

    await choose(page, page.locator('#jira-picker-input'), 'OPS', 'Operations (OPS)');
    await mappings.getByRole('button', { name: 'Add Jira project' }).click();
    await mappings.getByTestId('mapped-jira').getByText('Operations (OPS)').waitFor();

    const sentry = mappings.getByTestId('sentry-picker');
    await choose(page, sentry.getByRole('combobox', { name: 'Sentry organization' }), 'EU', /Acme EU/);
    await choose(page, page.locator('#sentry-picker-input'), 'eu', /eu-api/);
    await mappings.getByRole('button', { name: 'Add Sentry project' }).click();
    await mappings.getByTestId('mapped-sentry').getByText('eu-api').waitFor();

    await choose(page, page.locator('#sonar-picker-input'), 'Backend', /Backend API/);
    await choose(page, page.locator('#sonar-branch-input'), 'develop', 'develop');
    await mappings.getByRole('button', { name: 'Add SonarCloud project' }).click();
    await mappings.getByTestId('mapped-sonar').getByText('branch develop', { exact: false }).waitFor();
    await node(page, 'Billing service')
      .getByText('1 Jira project · 1 Sentry project · 1 SonarCloud project')
      .waitFor();
    // The bulk table below reads the owners again.
    await page
      .getByTestId('bulk-table--table')
      .locator('tbody tr')
      .filter({ hasText: 'eu-api' })
      .getByText('Acme Shop / Billing service')
      .waitFor();
    await screenshot(page, 'products-3-mappings');
    await page.close();
  });

  it('bulk-assigns Sentry projects: conflicts are decided (move one, keep one) before anything is written', async () => {
    const page = await open();
    const bulk = page.getByTestId('bulk-assignment');
    await bulk
      .getByTestId('bulk-counts')
      .getByText(/5 Sentry projects: 5 mapped, 0 unmapped/)
      .waitFor();
    await choose(page, bulk.getByRole('combobox', { name: 'Organization' }), 'Acme', 'Acme Inc.');
    await bulk.getByTestId('bulk-name-filter').fill('-');
    await bulk
      .getByTestId('bulk-counts')
      .getByText(/2 shown/)
      .waitFor();
    await bulk.getByTestId('bulk-select-all').check();
    await bulk.getByTestId('bulk-name-filter').fill('');
    await choose(page, page.locator('#bulk-target-input'), 'Platform', 'Platform');
    await bulk.getByTestId('bulk-assign').click();

    const plan = page.getByTestId('bulk-plan');
    await plan.waitFor();
    const conflicts = plan.getByTestId('bulk-conflict');
    await expect(conflicts.allInnerTexts()).resolves.toEqual([
      expect.stringMatching(/^mobile-app belongs to\s+Acme Shop \/ Storefront/),
      expect.stringMatching(/^web-frontend belongs to\s+Acme Shop \/ Storefront/),
    ]);
    await expect(plan.getByTestId('bulk-confirm').isDisabled()).resolves.toBe(true);
    await screenshot(page, 'products-4-bulk-conflicts', false);
    // Nothing is written while the admin decides.
    const { getProductMapping } = await import('../../src/storage');
    const storefrontBefore = (await getProductMapping('storefront'))?.sentryProjects.map(
      (ref) => ref.projectSlug,
    );
    expect(storefrontBefore).toEqual(expect.arrayContaining(['web-frontend', 'mobile-app']));
    await conflicts.filter({ hasText: 'web-frontend' }).getByLabel('Move it to Platform').check();
    await conflicts.filter({ hasText: 'mobile-app' }).getByLabel('Keep it there').check();
    await plan.getByTestId('bulk-confirm').click();
    await bulk
      .getByTestId('bulk-outcome')
      .getByText('Sentry: 1 project changed, 1 kept where it was')
      .waitFor();
    const rows = bulk.getByTestId('bulk-table--table').locator('tbody tr');
    await rows.filter({ hasText: 'web-frontend' }).getByText('Platform', { exact: true }).waitFor();
    await expect(rows.filter({ hasText: 'mobile-app' }).innerText()).resolves.toContain(
      'Acme Shop / Storefront',
    );
    // The tree is read again after the change: its counts follow.
    await node(page, 'Platform')
      .getByText(/0 Jira projects · 1 Sentry project · 0 SonarCloud projects/)
      .waitFor();
    await screenshot(page, 'products-5-bulk-done');

    // SonarCloud: languages and main branches come from the API; legacy-monolith's main branch is master,
    // the branch the demo maps it on.
    await bulk.getByRole('radio', { name: 'SonarCloud' }).click();
    await bulk
      .getByTestId('bulk-counts')
      .getByText(/5 SonarCloud projects: 5 mapped, 0 unmapped/)
      .waitFor();
    await expect(rows.filter({ hasText: 'acme_legacy-monolith' }).innerText()).resolves.toMatch(
      /branch master[\s\S]*java[\s\S]*Legacy monolith/,
    );
    await page.close();
  });

  it('deletes a product after a warning that names what is mapped to it and what happens to its children', async () => {
    const page = await open();
    await node(page, 'Billing service').getByRole('button', { name: 'Add child' }).click();
    await page.getByTestId('product-name-input').fill('Invoices');
    await page.getByTestId('product-save').click();
    await node(page, 'Invoices').waitFor();

    await node(page, 'Billing service').getByRole('button', { name: 'Delete' }).click();
    const warning = page.getByTestId('delete-consequences');
    await warning.waitFor();
    const text = await warning.innerText();
    expect(text).toContain('Jira project Operations (OPS)');
    expect(text).toContain('Sentry project eu-api (Acme EU)');
    expect(text).toContain('SonarCloud project acme_backend, branch develop');
    expect(text).toMatch(/Its children: they move up under "Acme Shop"[\s\S]*Invoices/);
    await screenshot(page, 'products-6-delete-warning', false);
    await page.getByTestId('delete-product-confirm').click();
    await page
      .getByTestId('products-notice')
      .getByText('Deleted "Billing service": 3 projects unassigned, 1 child moved up.')
      .waitFor();
    await node(page, 'Billing service').waitFor({ state: 'detached' });
    await expect(branch(page, 'Acme Shop').innerText()).resolves.toContain('Invoices');
    await page.close();
  });

  it('reads well in the dark theme: page, mapping pickers and the delete warning', async () => {
    const page = await open('?theme=dark');
    expect(await page.evaluate(() => document.documentElement.getAttribute('data-color-mode'))).toBe('dark');
    await node(page, 'Payments').getByRole('button', { name: 'Mappings' }).click();
    await page.getByTestId('product-mappings').getByText('payments').first().waitFor();
    await page
      .getByTestId('bulk-counts')
      .getByText(/Sentry projects:/)
      .waitFor();
    // Text fields follow the theme (not white with light text).
    const input = page.getByTestId('bulk-name-filter');
    const background = await input.evaluate(
      (element) => getComputedStyle(element.parentElement ?? element).backgroundColor,
    );
    expect(background).not.toBe('rgb(255, 255, 255)');
    await screenshot(page, 'products-7-dark');
    await node(page, 'Payments').getByRole('button', { name: 'Delete' }).click();
    await page.getByTestId('delete-consequences').waitFor();
    await screenshot(page, 'products-8-dark-delete-warning', false);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.close();
  });
});

/** The input id of the parent select in the open product form. */
async function parentInputId(page: Page): Promise<string> {
  const id = await page
    .getByTestId('product-form')
    .locator('label', { hasText: 'Parent' })
    .getAttribute('for');
  if (!id) throw new Error('The parent field has no label pointing at its input.');
  return id;
}
