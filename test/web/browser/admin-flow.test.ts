/**
 * The browser walk-through, against real processes: bin/web (booted with the event bus
 * subscribed) and bin/worker on this file's Redis prefix and the worker's test database, driven by
 * playwright-core in Debian's chromium. Screenshots of each step go to tmp/screenshots/.
 *
 *   1. an admin signs in, creates a BUR with a bad line and sees that line's number, text and
 *      reason; fixes it; approves it (the job waits: no worker yet) and, once a worker starts,
 *      watches the progress bar reach 100 % without reloading (Server-Sent Events);
 *   2. on /admin/jobs retries a failed job and watches its row turn completed live, and the queue's
 *      completed count with it; a job started meanwhile appears as a new row; job names, arguments and errors holding HTML or script are
 *      shown as text (no element injected, checked in the DOM) and secret arguments never appear;
 *   3. a member is refused /admin/jobs (403); tag names with markup are shown as text;
 *   4. bin/web stops at once on SIGTERM although a page still holds an event stream open.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PingJob } from '../../../jobs/ping.job';
import { createPostsWithTags } from '../../services/bulk-update-request/processing-support';
import { startWorker, waitUntil, type WorkerHandle } from '../../runtime/support';
import { PASSWORD } from '../support';
import { screenshot, useBrowserApp } from './browser-support';
import { FlakyJob } from './fixtures';

const EVIL_TAG = '<img src=x onerror=window.__xss=1>';
const EVIL_JOB_NAME = '<script>window.__xss=2</script>';
const EVIL_ARGUMENT = '<img src=x onerror=window.__xss=3>';
const SECRET = 'hunter2-never-shown';
const BAD_SCRIPT = 'alias long_hair -> very_long_hair\nfrobnicate hair\nimply very_long_hair -> hair';
const GOOD_SCRIPT = 'alias long_hair -> very_long_hair\nimply very_long_hair -> hair';

describe('the web app in a real browser', () => {
  const app = useBrowserApp('web-browser', {
    users: { admin: 'admin', member: 'member' },
    seed: (db) =>
      createPostsWithTags(db, [...Array.from({ length: 40 }, () => ['long_hair']), ['smile', EVIL_TAG]]),
    jobs: [FlakyJob, PingJob],
  });
  const { scope, db, env } = app;
  let worker: WorkerHandle | undefined;
  const consoleErrors: string[] = [];

  beforeAll(() => {
    app.page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
  });

  async function signIn(name: string): Promise<void> {
    await app.page.goto(`${app.base}/login`);
    await app.page.fill('#name', name);
    await app.page.fill('#password', PASSWORD);
    await Promise.all([app.page.waitForURL(`${app.base}/posts`), app.page.click('main button[type=submit]')]);
  }

  async function liveStreamOpen(): Promise<void> {
    await app.page.waitForSelector('[data-live-status][data-state="open"]', { timeout: 10_000 });
  }

  async function noInjectedMarkup(): Promise<void> {
    expect(await app.page.locator('img[src="x"]').count()).toBe(0);
    expect(await app.page.locator('main script, main img').count()).toBe(0);
    expect(await app.page.evaluate('window.__xss')).toBeUndefined();
  }

  it('creates a BUR with a bad line, fixes it, approves it and watches its progress bar reach 100 %', async () => {
    await signIn('admin');
    await screenshot(app.page, '01-signed-in-admin');

    await app.page.goto(`${app.base}/bulk_update_requests/new`);
    await app.page.fill('#title', 'Hair <b>cleanup</b>');
    await app.page.fill('#script', BAD_SCRIPT);
    await Promise.all([
      app.page.waitForURL(/\/bulk_update_requests\/\d+\/edit$/),
      app.page.click('main form.bur-form button[type=submit]'),
    ]);
    const burId = Number(/\/bulk_update_requests\/(\d+)\/edit$/.exec(app.page.url())?.[1]);
    const badLines = app.page.locator('li.line-bad');
    expect(await badLines.count()).toBe(1);
    expect(await badLines.getAttribute('data-line-number')).toBe('2');
    expect(await badLines.locator('.line-number').textContent()).toBe('2');
    expect(await badLines.locator('.line-text').textContent()).toBe('frobnicate hair');
    expect(await badLines.locator('.line-reason').textContent()).toMatch(/^unknown command 'frobnicate'/);
    expect(await app.page.locator('li.line-ok').count()).toBe(2);
    await screenshot(app.page, '02-bur-bad-line');

    await app.page.fill('#script', GOOD_SCRIPT);
    await Promise.all([
      app.page.waitForURL(`${app.base}/bulk_update_requests/${burId}`),
      app.page.click('main form.bur-form button[type=submit]'),
    ]);
    expect(await app.page.locator('.flash.notice').textContent()).toContain('every line is valid');
    expect(await app.page.locator('main h1').textContent()).toBe(
      `Bulk update request #${burId}: Hair <b>cleanup</b>`,
    );
    expect(await app.page.locator('main h1 b').count()).toBe(0);
    await screenshot(app.page, '03-bur-fixed');

    await Promise.all([
      app.page.waitForURL(`${app.base}/bulk_update_requests/${burId}`),
      app.page.click('main button:has-text("Approve")'),
    ]);
    expect(await app.page.locator('.flash.notice').textContent()).toMatch(
      /approved: ProcessBulkUpdateRequestJob \S+ enqueued/,
    );
    expect(await app.page.locator('[data-bur-status]').textContent()).toBe('processing');
    expect(await app.page.locator('#bur-progress').getAttribute('value')).toBe('0');
    expect(await app.page.locator('[data-line-progress]').textContent()).toMatch(/^Line 1 of 2 /);
    await liveStreamOpen();
    await app.page.evaluate(`(() => {
      window.__sameDocument = true;
      window.__seen = [];
      new MutationObserver(() => {
        const percent = document.querySelector('[data-percent]');
        if (percent) window.__seen.push(percent.textContent);
      }).observe(document.querySelector('main'), { childList: true, subtree: true });
    })()`);
    await screenshot(app.page, '04-bur-approved-waiting-for-a-worker');

    worker = startWorker(['--pool=bulk_update,default:2', '--require', 'test/web/browser/fixtures.ts'], env);
    await worker.started();
    // Locators, not waitForFunction: the pages' CSP forbids the eval a string predicate needs.
    await app.page
      .locator('[data-percent]')
      .filter({ hasText: /^100 %$/ })
      .waitFor({ timeout: 30_000 });
    expect(await app.page.evaluate('window.__sameDocument')).toBe(true); // no reload: the events did it
    expect(await app.page.evaluate('window.__seen.length')).toBeGreaterThan(0);
    expect(await app.page.locator('#bur-progress').getAttribute('value')).toBe('100');
    await app.page
      .locator('[data-bur-status]')
      .filter({ hasText: /^completed$/ })
      .waitFor({ timeout: 10_000 });
    expect(await app.page.locator('[data-line-progress]').textContent()).toBe('All 2 lines done');
    expect(await app.page.locator('tr.line-done').count()).toBe(2);
    await screenshot(app.page, '05-bur-completed');

    const tag = await db.tag.findUniqueOrThrow({ where: { name: 'very_long_hair' } });
    expect(tag.postCount).toBe(40);
  }, 120_000);

  it('retries a failed job on /admin/jobs and watches its row complete; markup in job data stays text, secrets are never shown', async () => {
    const flagKey = `${scope.prefix}:flaky-ok`;
    const flaky = await FlakyJob.performLater(flagKey, 'flaky <i>job</i>', { password: SECRET });
    const queue = app.adapter.queue('default');
    await queue.add(
      EVIL_JOB_NAME,
      {
        jobClass: EVIL_JOB_NAME, // a Backlot payload of a class no worker knows: fails "unknown job class ..."
        jobId: 'evil-job',
        queueName: 'default',
        arguments: [EVIL_ARGUMENT, { password: SECRET, token: SECRET }],
        executions: 0,
        exceptionExecutions: {},
        enqueuedAt: new Date().toISOString(),
      },
      { jobId: 'evil-job' },
    );
    await waitUntil(
      'both jobs failed',
      async () =>
        (await queue.getJobState(flaky.jobId)) === 'failed' &&
        (await queue.getJobState('evil-job')) === 'failed',
    );

    await app.page.goto(`${app.base}/admin/jobs`);
    const evilRow = app.page.locator('tr[data-job-id="evil-job"]');
    expect(await evilRow.locator('td').nth(1).textContent()).toBe(EVIL_JOB_NAME);
    expect(await evilRow.locator('td.error').textContent()).toContain(EVIL_JOB_NAME);
    await noInjectedMarkup();
    expect(await app.page.content()).not.toContain(SECRET);
    await screenshot(app.page, '06-admin-jobs-with-a-failed-job');

    await app.page.goto(`${app.base}/admin/jobs/evil-job`);
    const args = (await app.page.locator('pre.arguments').textContent()) ?? '';
    expect(args).toContain(JSON.stringify(EVIL_ARGUMENT).slice(1, -1));
    expect(args).toContain('"password": "[FILTERED]"');
    expect(await app.page.content()).not.toContain(SECRET);
    await noInjectedMarkup();
    await screenshot(app.page, '07-admin-job-detail-escaped-and-filtered');

    await app.redis.set(flagKey, 'ok');
    await app.page.goto(`${app.base}/admin/jobs`);
    const row = () => app.page.locator(`tr[data-job-id="${flaky.jobId}"]`);
    await Promise.all([
      app.page.waitForURL(`${app.base}/admin/jobs`),
      row().locator('button:has-text("Retry")').click(),
    ]);
    expect(await app.page.locator('.flash.notice').textContent()).toContain(
      `Job ${flaky.jobId} (Fixture.FlakyJob) will be retried`,
    );
    await liveStreamOpen();
    await app.page.evaluate('window.__sameDocument = true');
    const completedCount = app.page.locator('td[data-queue-state="default:completed"]');
    const completedBefore = Number(await completedCount.textContent());
    expect(await row().locator('.state').textContent()).not.toBe('completed');
    await screenshot(app.page, '08-admin-jobs-retried');
    await row()
      .locator('.state')
      .filter({ hasText: /^completed$/ })
      .waitFor({ timeout: 15_000 });
    expect(await app.page.evaluate('window.__sameDocument')).toBe(true);
    expect(await row().locator('td.num').first().textContent()).toBe('1/1');
    // The queue counts follow too (refetched at most every 2 s while job events arrive).
    await app.page
      .locator('td[data-queue-state="default:completed"]')
      .filter({ hasText: new RegExp(`^${completedBefore + 1}$`) })
      .waitFor({ timeout: 15_000 });

    const ping = await PingJob.performLater('a <b>live</b> row');
    await app.page
      .locator(`tr[data-job-id="${ping.jobId}"] .state`)
      .filter({ hasText: /^completed$/ })
      .waitFor({ timeout: 15_000 });
    expect(await app.page.evaluate('window.__sameDocument')).toBe(true);
    await noInjectedMarkup();
    expect(await app.page.content()).not.toContain(SECRET);
    await screenshot(app.page, '09-admin-jobs-live-rows');
  }, 90_000);

  it('refuses /admin/jobs and its board to a member; shows tag names with markup as text', async () => {
    await app.page.context().clearCookies();
    await signIn('member');
    const jobs = await app.page.goto(`${app.base}/admin/jobs`);
    expect(jobs?.status()).toBe(403);
    expect(await app.page.locator('main h1').textContent()).toBe('403 Forbidden');
    await screenshot(app.page, '10-member-refused-admin-jobs');
    expect((await app.page.goto(`${app.base}/admin/jobs/board`))?.status()).toBe(403);
    expect((await app.page.goto(`${app.base}/admin/jobs/board/api/queues`))?.status()).toBe(403);

    await app.page.goto(`${app.base}/tags?order=name`);
    const link = app.page.locator('a.tag').filter({ hasText: 'onerror' });
    expect(await link.textContent()).toBe(EVIL_TAG);
    await noInjectedMarkup();
    await Promise.all([app.page.waitForURL(/\/tags\/\d+$/), link.click()]);
    expect(await app.page.locator('h1.tag-name').textContent()).toBe(EVIL_TAG);
    await noInjectedMarkup();
    await app.page.click('ul.post-grid a');
    expect(await app.page.locator('.tag-group a').filter({ hasText: 'onerror' }).textContent()).toBe(
      EVIL_TAG,
    );
    await noInjectedMarkup();
    await screenshot(app.page, '11-tag-names-escaped');
    expect(consoleErrors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
  }, 60_000);

  it('stops bin/web at once on SIGTERM although a page holds an event stream open', async () => {
    const bur = await db.bulkUpdateRequest.findFirstOrThrow();
    await app.page.goto(`${app.base}/bulk_update_requests/${bur.id}`);
    await liveStreamOpen();
    const stopping = Date.now();
    app.web.signal('SIGTERM');
    expect(await app.web.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(5_000);
    worker?.proc.signal('SIGTERM');
    await worker?.proc.exited;
  }, 30_000);
});
