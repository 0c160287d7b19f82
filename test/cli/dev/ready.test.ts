import { describe, expect, it } from 'vitest';
import { readyLines, startupWatch } from '../../../app/cli/dev/ready';

const line = (role: string, msg: string) => JSON.stringify({ level: 30, time: 1, pid: 1, role, msg });

describe('startupWatch (the end of bin/dev start-up)', () => {
  it('is ready once the web app, the clock and a pool for every queue said they are up', async () => {
    const watch = startupWatch(['default', 'bulk_update'], 60_000);
    watch.observe(line('web', 'Web server listening on http://127.0.0.1:3000'));
    watch.observe(line('cron', 'Clock started with 9 task(s)'));
    watch.observe(line('worker', 'Started pool default:8 (pid 12)'));
    watch.observe(line('worker default:8', 'Worker started for pool default:8'));
    expect(watch.missing()).toEqual(['a worker for bulk_update']);
    watch.observe('not json');
    watch.observe(line('worker bulk_update', 'Worker started for pool bulk_update:1'));
    expect(watch.missing()).toEqual([]);
    expect(await watch.ready).toBe(true);
  });

  it('counts a pool of several queues, or of every queue, for each', async () => {
    const watch = startupWatch(['default', 'bulk_update'], 60_000);
    watch.observe(line('web', 'Web server listening on http://127.0.0.1:3000'));
    watch.observe(line('cron', 'Clock started'));
    watch.observe(line('worker default,bulk_update:4', 'Worker started for pool default,bulk_update:4'));
    expect(await watch.ready).toBe(true);
  });

  it('says what did not come up when the time is over', async () => {
    const watch = startupWatch(['default'], 10);
    watch.observe(line('web', 'Web server listening on http://127.0.0.1:3000'));
    expect(await watch.ready).toBe(false);
    expect(watch.missing()).toEqual(['cron', 'a worker for default']);
  });
});

describe('readyLines', () => {
  it('gives the URL, how to sign in, and how to stop', () => {
    expect(readyLines({ url: 'http://127.0.0.1:3000', adminPasswordSet: true, watching: true })).toEqual([
      'Backlot is running: http://127.0.0.1:3000 (jobs dashboard: http://127.0.0.1:3000/admin/jobs)',
      'Sign in at http://127.0.0.1:3000/login as admin with the password in ADMIN_PASSWORD, or sign up at http://127.0.0.1:3000/signup',
      'Workers restart when a job file changes; Ctrl-C stops everything',
    ]);
  });
});
