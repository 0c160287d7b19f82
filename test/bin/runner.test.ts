import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BullmqAdapter } from '../../app/framework/index';
import { runBin } from '../support/processes';
import { useRedisPrefix } from '../support/redis';

describe('bin/runner (a real process against real Redis and PostgreSQL)', () => {
  const scope = useRedisPrefix('runner');
  const env = { QUEUE_PREFIX: scope.prefix, NODE_ENV: 'test', JOB_ADAPTER: 'bullmq' };

  it('runs a script with Backlot booted and exits 0 once it is done: the job is in Redis', async () => {
    const run = await runBin('runner', ['scripts/enqueue-ping.ts', 'from a script'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const id = /^Enqueued PingJob \(Job ID: (\w+)\) to default$/m.exec(run.stdout)?.[1];
    expect(id).toBeDefined();
    const adapter = new BullmqAdapter({ connection: scope.connection(), prefix: scope.prefix });
    try {
      expect((await adapter.queue('default').getJob(id ?? ''))?.data).toMatchObject({
        jobClass: 'PingJob',
        arguments: ['from a script'],
      });
    } finally {
      await adapter.close();
    }
  });

  it('boots Prisma and the record locator: a record is passed by reference', async () => {
    const run = await runBin(
      'runner',
      ['test/fixtures/runner/record-argument.ts', `runner_${Date.now()}`],
      env,
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as { userId: number; arguments: unknown[] };
    expect(printed.arguments).toEqual([{ _bl: 'Record', v: { model: 'User', id: printed.userId } }]);
  });

  it('refuses a job class missing from jobs/index.ts, naming the file (development and test)', async () => {
    const run = await runBin('runner', ['test/fixtures/runner/unlisted-job.ts'], env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'RunnerFixture_UnlistedJob is not registered: add it to jobs/index.ts, or workers will fail its jobs as an unknown job class',
    );
  });

  it('in production enqueues such a job and logs a warning naming the file instead', async () => {
    const run = await runBin('runner', ['test/fixtures/runner/unlisted-job.ts'], {
      ...env,
      NODE_ENV: 'production',
    });
    expect(run.code).toBe(0);
    const warning = JSON.parse(run.stderr.trim()) as { level: number; event: string; msg: string };
    expect(warning).toMatchObject({
      level: 40,
      event: 'unregistered_job',
      msg: 'RunnerFixture_UnlistedJob is not registered: add it to jobs/index.ts, or workers will fail its jobs as an unknown job class',
    });
  });

  it('prints the stack of a script that fails and exits 1', async () => {
    const run = await runBin('runner', ['test/fixtures/runner/failing.ts', 'a', 'b'], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^Error: failed with a b\n\s+at (Module\.)?failing \(.*test\/fixtures\/runner\/failing\.ts/,
    );
  });

  it("a job that throws a string fails naming it, its stack starting at the job's perform", async () => {
    const run = await runBin('runner', ['test/fixtures/runner/throws-string.ts'], env);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('"event":"failure"');
    expect(run.stdout.trim().split('\n')).toEqual([
      'Error: RunnerFixture_ThrowsStringJob.perform threw a string (throw an Error): "boom"',
      expect.stringMatching(
        /^ {4}at RunnerFixture_ThrowsStringJob\.perform \(file:\/\/.*\/test\/fixtures\/runner\/throws-string\.ts:5:3\)$/,
      ),
    ]);
  });

  it('says so when the file does not exist', async () => {
    const run = await runBin('runner', ['scripts/nope.ts'], env);
    expect([run.code, run.stderr.trim()]).toEqual([1, 'bin/runner: no such file: scripts/nope.ts']);
  });

  it('says in one line how to run an ES module script kept outside the project, where .ts loads as CommonJS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'backlot-runner-'));
    const file = join(dir, 'outside.ts');
    writeFileSync(file, 'export default () => { console.log("ran"); };\n');
    try {
      const run = await runBin('runner', [file], env);
      expect([run.code, run.stderr]).toEqual([
        1,
        `bin/runner: ${file} loads as CommonJS (no package.json with "type": "module" above it) but uses import or export: move it under scripts/, or name it .mts\n`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says so when the path is a directory, instead of an ERR_UNSUPPORTED_DIR_IMPORT stack', async () => {
    const run = await runBin('runner', ['scripts'], env);
    expect([run.code, run.stderr]).toEqual([
      1,
      'bin/runner: not a file: scripts (give a script, e.g. scripts/enqueue-ping.ts)\n',
    ]);
  });
});
