/**
 * The jobs dashboard in a real browser, against bin/web and bin/worker on this file's Redis
 * prefix (playwright-core in Debian's chromium):
 *   1. an admin pauses the default queue from the Paused column (a job enqueued meanwhile stays
 *      waiting while the worker runs) and resumes it (the job completes);
 *   2. an admin filters failed jobs by class and retries all of them in one bulk action, after a
 *      confirmation stating how many; a failed job of another class stays failed;
 *   3. a moderator sees neither arguments nor any action button;
 *   4. /admin/jobs, a job page and the other tables fit 1280 and 375 px without horizontal
 *      scrolling of the page (document scrollWidth <= clientWidth); screenshots in tmp/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  registerJobs,
  type RedisConnection,
} from '../../../app/framework/index';
import { QUEUE_NAMES } from '../../../config/queues';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';
import { spawnBin, type BinProcess } from '../../support/processes';
import {
  freePort,
  processEnv,
  startWorker,
  useWorkerScope,
  waitUntil,
  type WorkerHandle,
} from '../../runtime/support';
import { createUser, PASSWORD } from '../support';
import {
  expectFitsBothWidths,
  launchChromium,
  screenshot,
  signInAs,
  type LaunchedBrowser,
} from './browser-support';
import { FlakyJob } from './fixtures';

const SECRET_ARGUMENT = 'argument-for-admins-only';

describe('the jobs dashboard in a real browser', () => {
  const scope = useWorkerScope('web-dashboard');
  const db = testPrisma();
  const env = processEnv(scope, { SESSION_SECRET: 's'.repeat(40), LOG_LEVEL: 'info' });
  let web: BinProcess;
  let worker: WorkerHandle;
  let browser: LaunchedBrowser;
  let page: Page;
  let base = '';
  let adapter: BullmqAdapter;
  let redis: RedisConnection;
  let failedId = '';

  beforeAll(async () => {
    await truncateAll(db);
    await createUser(db, 'admin', 'admin');
    await createUser(db, 'moderator', 'moderator');
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    registerJobs([FlakyJob]);
    redis = scope.connection();

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    web = spawnBin('web', [], { ...env, PORT: String(port) });
    worker = startWorker(['--pool=default:2', '--require', 'test/web/browser/fixtures.ts'], env);
    await web.waitFor(/Web server listening/, 30_000);
    await worker.started();
    browser = await launchChromium();
    page = await browser.context.newPage();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (web && web.child.exitCode === null) web.signal('SIGKILL');
    worker?.proc.signal('SIGTERM');
    await worker?.proc.exited;
    await adapter?.close();
    await disconnectTestPrisma();
  }, 30_000);

  const signIn = (name: string) => signInAs(page, base, name, PASSWORD);
  const fitsBothWidths = (path: string, name: string) =>
    expectFitsBothWidths(page, base, path, `dashboard-${name}`);

  it('pauses and resumes a queue from the Paused column', async () => {
    await signIn('admin');
    await page.goto(`${base}/admin/jobs`);
    const cell = page.locator('td[data-queue-paused="default"]');
    await Promise.all([
      page.waitForURL(`${base}/admin/jobs`),
      cell.locator('button:has-text("Pause")').click(),
    ]);
    expect(await page.locator('.flash.notice').textContent()).toContain('Queue default paused');
    expect(await cell.locator('.state-paused').textContent()).toBe('paused');

    const key = `${scope.prefix}:pause-ok`;
    await redis.set(key, 'ok');
    const job = await FlakyJob.performLater(key, 'waits for resume', {}, 0);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await adapter.queue('default').getJobState(job.jobId)).toBe('waiting');
    await screenshot(page, 'dashboard-01-queue-paused');

    await Promise.all([
      page.waitForURL(`${base}/admin/jobs`),
      cell.locator('button:has-text("Resume")').click(),
    ]);
    expect(await page.locator('.flash.notice').textContent()).toContain('Queue default resumed');
    expect(await cell.locator('.state-paused').count()).toBe(0);
    await waitUntil(
      'the job runs after resume',
      async () => (await adapter.queue('default').getJobState(job.jobId)) === 'completed',
      { timeoutMs: 20_000 },
    );
  }, 60_000);

  it('retries all failed jobs of a class in one bulk action, after a confirmation saying how many', async () => {
    const key = `${scope.prefix}:bulk-ok`;
    const flaky = await Promise.all(
      [1, 2, 3].map((i) => FlakyJob.performLater(key, `bulk ${i}`, { note: SECRET_ARGUMENT }, 0)),
    );
    const queue = adapter.queue('default');
    await queue.add(
      'Fixture.NoSuchJob',
      {
        jobClass: 'Fixture.NoSuchJob',
        jobId: 'other-class',
        queueName: 'default',
        arguments: [SECRET_ARGUMENT],
        executions: 0,
        exceptionExecutions: {},
        enqueuedAt: new Date().toISOString(),
      },
      { jobId: 'other-class' },
    );
    failedId = 'other-class';
    await waitUntil('four failed jobs', async () => (await queue.getFailedCount()) === 4, {
      timeoutMs: 20_000,
    });

    await page.goto(`${base}/admin/jobs`);
    await page.selectOption('form.filters select[name=state]', 'failed');
    await page.fill('form.filters input[name=class]', 'Fixture.FlakyJob');
    await Promise.all([page.waitForURL(/state=failed/), page.click('form.filters button[type=submit]')]);
    expect(await page.locator('tbody tr[data-job-id]').count()).toBe(3);
    await screenshot(page, 'dashboard-02-failed-of-a-class');

    await Promise.all([page.waitForURL(/\/admin\/bulk\/retry\/confirm/), page.click('a[data-bulk="retry"]')]);
    expect(await page.locator('[data-bulk-count]').textContent()).toBe('3');
    await screenshot(page, 'dashboard-03-bulk-retry-confirm');
    await redis.set(key, 'ok');
    await Promise.all([page.waitForURL(/\/admin\/jobs/), page.click('.dialog button.danger')]);
    expect(await page.locator('.flash.notice').textContent()).toContain('3 job(s) retried');

    await waitUntil(
      'the three retried jobs completed',
      async () =>
        (await Promise.all(flaky.map((j) => queue.getJobState(j.jobId)))).every((s) => s === 'completed'),
      { timeoutMs: 30_000 },
    );
    expect(await queue.getJobState('other-class')).toBe('failed');
    await page.goto(`${base}/admin/jobs`);
    await screenshot(page, 'dashboard-04-after-bulk-retry');
  }, 90_000);

  it('fits 1280 and 375 px for an admin: the jobs page, a job page and the other tables', async () => {
    await fitsBothWidths('/admin/jobs', 'admin-jobs');
    await fitsBothWidths(`/admin/jobs/${failedId}`, 'admin-job');
    await fitsBothWidths('/admin/bulk/retry/confirm?state=failed', 'admin-bulk-confirm');
    await fitsBothWidths('/users', 'users');
    await fitsBothWidths('/bulk_update_requests', 'burs');
    await fitsBothWidths('/tags', 'tags');
  }, 90_000);

  it('shows a moderator no arguments and no action buttons, at both widths', async () => {
    await signIn('moderator');
    await page.goto(`${base}/admin/jobs`);
    expect(await page.locator('main table button, main table form').count()).toBe(0);
    expect(await page.locator('a[data-bulk], a.action').count()).toBe(0);
    expect(await page.content()).not.toContain(SECRET_ARGUMENT);
    await page.goto(`${base}/admin/jobs/${failedId}`);
    expect(await page.locator('pre.arguments').count()).toBe(0);
    expect(await page.locator('.hidden-args').textContent()).toBe('Arguments are visible to admins only.');
    expect(await page.locator('main button, main form').count()).toBe(0);
    expect(await page.content()).not.toContain(SECRET_ARGUMENT);
    await fitsBothWidths('/admin/jobs', 'moderator-jobs');
    await fitsBothWidths(`/admin/jobs/${failedId}`, 'moderator-job');
  }, 60_000);
});
