/**
 * Browser tests: playwright-core driving Debian's chromium (/usr/bin/chromium, installed by
 * bin/setup and .ci/run when missing; never a downloaded browser), with a fresh user-data-dir per
 * launch, plus screenshots into tmp/screenshots/.
 *
 * Example:
 *   const browser = await launchChromium(); const page = await browser.context.newPage();
 *   await screenshot(page, '01-login'); await browser.close();
 */
import { expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from '../../support/processes';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const SCREENSHOTS = resolve(ROOT, 'tmp/screenshots');

export interface LaunchedBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<LaunchedBrowser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get update && apt-get install -y chromium; bin/setup does it)`,
    );
  }
  const userDataDir = mkdtempSync(join(tmpdir(), 'backlot-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the login form as a user would, starting from no cookies. */
export async function signInAs(page: Page, base: string, name: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${base}/login`);
  await page.fill('#name', name);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${base}/posts`), page.click('main button[type=submit]')]);
}

/** Screenshots `path` at 1280 and 375 px, each asserting the page itself does not scroll sideways. */
export async function expectFitsBothWidths(
  page: Page,
  base: string,
  path: string,
  name: string,
): Promise<void> {
  for (const width of [1280, 375]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`${base}${path}`);
    const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
      '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
    );
    await screenshot(page, `${name}-${width}`);
    expect(scrollWidth, `${path} at ${width} px`).toBeLessThanOrEqual(clientWidth);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
