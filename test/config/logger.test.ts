import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { logDestination } from '../../config/logger';

const dir = mkdtempSync(join(tmpdir(), 'backlot-logger-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `{"n":${from + i},"pad":"${'x'.repeat(200)}"}\n`);

describe('logDestination', () => {
  it('writes the lines of each turn to a file, in order, once the file is open', async () => {
    const path = join(dir, 'turns.log');
    const destination = logDestination(path);
    for (const line of lines(0, 10)) destination.write(line); // before the file is open
    await destination.ready();
    for (let turn = 1; turn <= 5; turn += 1) {
      for (const line of lines(turn * 10, 10)) destination.write(line);
      await nextTurn();
    }
    await new Promise<void>((resolve, reject) =>
      destination.flush((error) => (error ? reject(error) : resolve())),
    );
    const numbers = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { n: number }).n);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i));
  });

  it('loses and reorders nothing when the reader of a pipe lags (partial writes, EAGAIN)', async () => {
    const fifo = join(dir, 'lagging.fifo');
    const path = join(dir, 'pipe.log');
    execFileSync('mkfifo', [fifo]);
    // Non-blocking, as a pipe from a supervisor may be; read-write so that opening needs no reader yet.
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    // The reader starts after a pause: meanwhile the pipe (64 KB) fills up.
    const reader = spawn('sh', ['-c', `sleep 0.3; cat '${fifo}' > '${path}'`], { stdio: 'ignore' });
    const destination = logDestination(fd);
    await destination.ready();
    // ~480 KB in turns of ~69 KB: the first write overfills the empty pipe (a partial write),
    // the next ones find it full (EAGAIN) until the reader catches up.
    const total = 2_240;
    for (let from = 0; from < total; from += 320) {
      for (const line of lines(from, 320)) destination.write(line);
      await nextTurn();
    }
    await new Promise<void>((resolve, reject) =>
      destination.flush((error) => (error ? reject(error) : resolve())),
    );
    closeSync(fd); // the last writer gone: the reader sees the end
    await new Promise((resolve) => reader.on('exit', resolve));
    const numbers = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { n: number }).n);
    expect(numbers).toHaveLength(total);
    expect(numbers).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});
