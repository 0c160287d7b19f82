/**
 * Browser tests: playwright-core driving Debian's chromium (/usr/bin/chromium, installed by
 * bin/setup and .ci/run when missing; never a downloaded browser), with a fresh user-data-dir per
 * launch, plus screenshots into tmp/screenshots/.
 *
 * useBrowserApp() is a browser spec's set-up, in its describe block: beforeAll empties the
 * database, makes the users, configures this process to enqueue on the file's prefix (when given
 * job classes), starts bin/web on a free port (and bin/worker, when given its arguments), then
 * chromium and one page; afterAll closes them all in reverse.
 *
 * Example:
 *   const app = useBrowserApp('web-x', { users: { admin: 'admin' }, jobs: [FlakyJob] });
 *   it('...', async () => { await app.signIn('admin'); await screenshot(app.page, '01-login'); });
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { AppPrismaClient } from '../../../app/db/client';
import type { UserLevel } from '../../../app/db/generated/enums';
import {
  BullmqAdapter,
  configureBacklot,
  registerJobs,
  type AnyJobClass,
  type RedisConnection,
} from '../../../app/framework/index';
import { QUEUE_NAMES } from '../../../config/queues';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { freePort, ROOT, spawnBin, type BinProcess } from '../../support/processes';
import { withLateParts } from '../../support/late-parts';
import type { RedisScope } from '../../support/redis';
import { processEnv, startWorker, useWorkerScope, type WorkerHandle } from '../../runtime/support';
import { createUser, PASSWORD } from '../support';

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

export interface BrowserAppOptions {
  /** Users made (password PASSWORD) once the database is empty, before bin/web starts. */
  users: Record<string, UserLevel>;
  /** More rows wanted before bin/web starts. */
  seed?: (db: AppPrismaClient) => Promise<unknown>;
  /** More env for every bin/ process, beside SESSION_SECRET and LOG_LEVEL=info. */
  env?: Record<string, string>;
  webArgs?: string[];
  /** Job classes this process enqueues: with them, a BullmqAdapter on the file's prefix. */
  jobs?: readonly AnyJobClass[];
  /** bin/worker's arguments, to start it beside bin/web (stopped with SIGTERM in afterAll). */
  worker?: string[];
}

export interface BrowserApp {
  readonly scope: RedisScope;
  readonly db: AppPrismaClient;
  /** The env bin/web and bin/worker run with. */
  readonly env: Record<string, string>;
  /** http://127.0.0.1:<port> of bin/web. */
  readonly base: string;
  readonly web: BinProcess;
  readonly page: Page;
  /** Only with `jobs`. */
  readonly adapter: BullmqAdapter;
  /** Only with `jobs`: a connection on the file's Redis. */
  readonly redis: RedisConnection;
  /** signInAs on the app's page with the test password. */
  signIn: (name: string) => Promise<void>;
}

export function useBrowserApp(label: string, options: BrowserAppOptions): BrowserApp {
  const scope = useWorkerScope(label);
  const db = testPrisma();
  const env = processEnv(scope, { SESSION_SECRET: 's'.repeat(40), LOG_LEVEL: 'info', ...options.env });
  const state: Partial<{
    base: string;
    web: BinProcess;
    page: Page;
    adapter: BullmqAdapter;
    redis: RedisConnection;
    worker: WorkerHandle;
  }> = {};
  let browser: LaunchedBrowser | undefined;

  beforeAll(async () => {
    await truncateAll(db);
    for (const [name, level] of Object.entries(options.users)) await createUser(db, name, level);
    await options.seed?.(db);
    if (options.jobs) {
      state.adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
      configureBacklot({ adapter: state.adapter, queues: QUEUE_NAMES });
      registerJobs(options.jobs);
      state.redis = scope.connection();
    }

    const port = await freePort();
    state.base = `http://127.0.0.1:${port}`;
    state.web = spawnBin('web', options.webArgs ?? [], { ...env, PORT: String(port) });
    if (options.worker) state.worker = startWorker(options.worker, env);
    await state.web.waitFor(/Web server listening/, 30_000);
    await state.worker?.started();
    browser = await launchChromium();
    state.page = await browser.context.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    const { web, worker, adapter } = state;
    if (web && web.child.exitCode === null) web.signal('SIGKILL');
    worker?.proc.signal('SIGTERM');
    await worker?.proc.exited;
    await adapter?.close();
    await disconnectTestPrisma();
  }, 30_000);

  const app: BrowserApp = withLateParts<BrowserApp, 'base' | 'web' | 'page' | 'adapter' | 'redis'>(
    'useBrowserApp',
    { scope, db, env, signIn: (name) => signInAs(app.page, app.base, name, PASSWORD) },
    ['base', 'web', 'page', 'adapter', 'redis'],
    () => state,
  );
  return app;
}
