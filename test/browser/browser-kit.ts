// What every browser test shares: Debian's Chromium with the flags this project runs it with, where
// screenshots go, the rule that skips browser tests locally without Chromium (CI installs it), a sandbox
// with Chromium started in a throwaway store, and a contrast measure for the dark-mode checks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SandboxServer, SandboxStart } from '../../sandbox/server';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results', 'browser');
/** Without Chromium the browser tests are skipped locally and fail in CI. */
export const describeInBrowser =
  fs.existsSync(CHROMIUM_PATH) || Boolean(process.env.CI) ? describe : describe.skip;

export interface BrowserSandbox {
  /** The running sandbox (another one after restart). */
  readonly sandbox: SandboxServer;
  readonly browser: Browser;
  /** http://127.0.0.1:<port> of the running sandbox. */
  readonly base: string;
  /** Closes the running sandbox and starts another on a fresh store; the browser stays open. */
  restart(start: SandboxStart): Promise<SandboxServer>;
  /** Closes the browser and the sandbox and removes the store. */
  close(): Promise<void>;
}

/**
 * Starts the sandbox on a free port with its store in a new temporary folder (named after `name`), then
 * Chromium. `start` as in ./dev sandbox: the demo data unless 'empty'.
 */
export async function startBrowserSandbox(
  name: string,
  options: { start?: SandboxStart } = {},
): Promise<BrowserSandbox> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it (apt-get install chromium) or set CHROMIUM_PATH.`,
    );
  }
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `sandbox-${name}-`));
  let stores = 0;
  // Imported only now: the sandbox installs the Forge globals before any @forge package loads.
  const { startSandboxServer } = await import('../../sandbox/server');
  const launch = (start: SandboxStart | undefined): Promise<SandboxServer> =>
    startSandboxServer({
      port: 0,
      host: '127.0.0.1',
      dataFile: path.join(dataDir, `kvs-${++stores}.json`),
      ...(start ? { start } : {}),
      log: () => undefined,
    });
  let sandbox: SandboxServer | undefined;
  let browser: Browser | undefined;
  try {
    sandbox = await launch(options.start);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  } catch (error) {
    await sandbox?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const kit = {
    sandbox,
    browser,
    get base() {
      return `http://127.0.0.1:${kit.sandbox.port}`;
    },
    async restart(start: SandboxStart) {
      await kit.sandbox.close();
      kit.sandbox = await launch(start);
      return kit.sandbox;
    },
    async close() {
      try {
        await kit.browser.close();
      } finally {
        await kit.sandbox.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
  return kit;
}

/**
 * Adds the page's uncaught errors and console errors to `errors` (each after `prefix` when given), for a
 * test to assert none came; `ignore` leaves out console errors the page is expected to log.
 */
export function collectErrors(
  page: Page,
  errors: string[],
  options: { prefix?: string; ignore?: RegExp } = {},
): void {
  const prefix = options.prefix ?? '';
  page.on('pageerror', (error) => errors.push(`${prefix}${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !options.ignore?.test(message.text()))
      errors.push(`${prefix}${message.text()}`);
  });
}

/** WCAG contrast ratio of two CSS rgb() colours. */
export function contrast(foreground: string, background: string): number {
  const luminance = (color: string): number => {
    const [r, g, b] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((part) => {
      const channel = Number(part) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}
