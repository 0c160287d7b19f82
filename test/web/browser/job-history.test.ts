/**
 * Job history in a real browser, against bin/web and bin/worker (recording history) on this
 * file's Redis prefix:
 *   1. an admin types an argument (`post=N`) into the search box on /admin/jobs, lands on the
 *      history results showing only the failed job with that argument (its arguments readable,
 *      not one JSON line), and opens its page with the execution timeline;
 *   2. a moderator sees the history without arguments and without the argument field, and an
 *      argument search typed into the URL is refused with a message naming it;
 *   3. /admin/jobs/history fits 1280 and 375 px for both (document scrollWidth <= clientWidth);
 *      screenshots in tmp/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqAdapter, configureBacklot, registerJobs } from '../../../app/framework/index';
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

const SECRET_ARGUMENT = 'history-argument-for-admins-only';

describe('job history in a real browser', () => {
  const scope = useWorkerScope('web-history');
  const db = testPrisma();
  const env = processEnv(scope, { SESSION_SECRET: 's'.repeat(40), LOG_LEVEL: 'info' });
  // A post id no other execution carries, so the search has exactly one answer.
  const post = 100_000 + Math.floor(Math.random() * 800_000);
  let web: BinProcess;
  let worker: WorkerHandle;
  let browser: LaunchedBrowser;
  let page: Page;
  let base = '';
  let adapter: BullmqAdapter;
  let wantedId = '';
  let otherId = '';

  beforeAll(async () => {
    await truncateAll(db);
    await createUser(db, 'admin', 'admin');
    await createUser(db, 'moderator', 'moderator');
    adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    registerJobs([FlakyJob]);

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    web = spawnBin('web', [], { ...env, PORT: String(port) });
    worker = startWorker(['--pool=default:2', '--require', 'test/web/browser/fixtures.ts'], env);
    await web.waitFor(/Web server listening/, 30_000);
    await worker.started();

    // Two jobs fail (their key never holds "ok"); only the first carries the post searched for.
    const never = `${scope.prefix}:never-ok`;
    wantedId = (await FlakyJob.performLater(never, 'the wanted one', { post, note: SECRET_ARGUMENT }, 0))
      .jobId;
    otherId = (await FlakyJob.performLater(never, 'another one', { post: post + 1 }, 0)).jobId;
    await waitUntil(
      'both failures recorded in the job history',
      async () =>
        (await db.jobExecution.count({
          where: { jobId: { in: [wantedId, otherId] }, state: 'failed' },
        })) === 2,
      { timeoutMs: 30_000 },
    );
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
    expectFitsBothWidths(page, base, path, `history-${name}`);

  it('lets an admin find a failed job by argument from /admin/jobs and open its timeline', async () => {
    await signIn('admin');
    await page.goto(`${base}/admin/jobs`);
    const box = page.locator('form.history-search');
    await box.locator('input[name=args]').fill(`post=${post}`);
    await box.locator('select[name=state]').selectOption('failed');
    await Promise.all([
      page.waitForURL(/\/admin\/jobs\/history\?/),
      box.locator('button[type=submit]').click(),
    ]);
    expect(new URL(page.url()).searchParams.get('args')).toBe(`post=${post}`);
    const rows = page.locator('table.history-executions tbody tr[data-job-id]');
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getAttribute('data-job-id')).toBe(wantedId);
    expect(await row.locator('.state').textContent()).toBe('failed');
    // Readable arguments: one list item per argument, an object's keys as labelled pairs.
    const args = row.locator('td.arguments ol.args > li');
    expect(await args.count()).toBe(4);
    expect(await args.nth(1).textContent()).toBe('the wanted one');
    const pairs = args.nth(2).locator('.arg-pair');
    // (jsonb keeps its own key order)
    expect((await pairs.allTextContents()).sort()).toEqual([`note ${SECRET_ARGUMENT}`, `post ${post}`]);
    await screenshot(page, 'history-01-admin-found-by-argument');

    await Promise.all([
      page.waitForURL(`${base}/admin/jobs/${wantedId}`),
      row.locator('td.job-id a').click(),
    ]);
    const attempts = page.locator('ol.timeline li.execution');
    expect(await attempts.count()).toBe(1);
    expect(await attempts.first().textContent()).toContain('Attempt 1');
    expect(await attempts.first().textContent()).toContain('not yet: the wanted one');
    expect(await page.locator('pre.arguments').textContent()).toContain(SECRET_ARGUMENT);
    await screenshot(page, 'history-02-admin-job-timeline');
  }, 60_000);

  it('fits 1280 and 375 px for an admin, arguments shown', async () => {
    await fitsBothWidths('/admin/jobs/history', 'admin');
    await fitsBothWidths(`/admin/jobs/history?args=post%3D${post}`, 'admin-by-argument');
    await fitsBothWidths('/admin/jobs', 'admin-jobs-search-box');
  }, 60_000);

  it('shows a moderator no arguments and no argument search', async () => {
    await signIn('moderator');
    await page.goto(`${base}/admin/jobs`);
    expect(await page.locator('form.history-search').count()).toBe(1);
    expect(await page.locator('input[name=args]').count()).toBe(0);

    await page.goto(`${base}/admin/jobs/history?state=failed`);
    expect(await page.locator(`tr[data-job-id="${wantedId}"]`).count()).toBe(1);
    expect(await page.locator('input[name=args]').count()).toBe(0);
    expect(await page.locator('td.arguments, th:has-text("Arguments")').count()).toBe(0);
    expect(await page.content()).not.toContain(SECRET_ARGUMENT);
    expect(await page.content()).not.toContain(`post=${post}`);

    const refused = await page.goto(`${base}/admin/jobs/history?args=post%3D${post}`);
    expect(refused?.status()).toBe(422);
    expect(await page.locator('main').textContent()).toContain('searching by arguments is for admins');
    expect(await page.content()).not.toContain(SECRET_ARGUMENT);

    await page.goto(`${base}/admin/jobs/${wantedId}`);
    expect(await page.locator('.hidden-args').textContent()).toBe('Arguments are visible to admins only.');
    expect(await page.locator('ol.timeline li.execution').count()).toBe(1);
    expect(await page.content()).not.toContain(SECRET_ARGUMENT);
    await fitsBothWidths('/admin/jobs/history', 'moderator');
  }, 60_000);
});
