// What every browser test shares: Debian's Chromium with the flags this project runs it with, where
// screenshots go, the rule that skips browser tests locally without Chromium (CI installs it), and a
// contrast measure for the dark-mode checks.
import fs from 'node:fs';
import path from 'node:path';

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
