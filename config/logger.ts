/**
 * The process logger: pino, structured JSON on stdout (pretty when LOG_PRETTY=1).
 *
 * Level comes from LOG_LEVEL (default info; warn under NODE_ENV=test so test output stays quiet).
 * Each line carries the process's role when its bin/ entry point named it (nameProcessRole: "web",
 * "worker default:8", "cron"), which bin/dev shows in front of each line.
 * Lines go out through logDestination(): one write per event-loop turn, SonicBoom when it would block.
 * Example: nameProcessRole('web'); logger().info({ jobId }, 'Enqueued'); logger().child({ pool: 'default' })
 */
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import { pino, type DestinationStream, type Logger } from 'pino';
import { env } from './env';

/** A destination pino writes lines to, flushed synchronously at exit. */
export interface LogDestination extends DestinationStream {
  flushSync(): void;
  /** Calls back once every line logged so far is written. */
  flush(callback?: (error?: Error) => void): void;
  /** Resolves once the file or descriptor is open. */
  ready(): Promise<void>;
}

/**
 * Where the process's log lines go. The lines of one event-loop turn are joined and written on
 * the next turn (setImmediate) with one write(2) on the descriptor. When that descriptor would
 * block (EAGAIN: a pipe whose reader lags), cannot take it all, is not open yet or fails, the
 * rest goes to pino's SonicBoom (asynchronous, retries EAGAIN, reports errors as pino does), and
 * later turns queue behind it until it has written everything, so lines never reorder.
 *
 * Why: a worker writes two lines per job, a dozen or more jobs per turn. One write per line cost
 * more than the rest of the framework's per-job work; one asynchronous write per turn (a thread
 * pool round trip and a callback) still cost measurably more per job than one plain write per
 * turn (the two job lines alone and npm run bench -- throughput; docs/performance.md). Nothing waits
 * for a timer: a line is out one turn after it was logged, and flushSync() (at exit) writes what
 * is pending.
 *
 * Example: const destination = logDestination(1); pino({ level: 'info' }, destination)
 */
export function logDestination(dest: number | string): LogDestination {
  // contentMode 'buffer' (SonicBoom 4) is passed through by pino, which does not type it.
  const options: Parameters<typeof pino.destination>[0] & { contentMode: 'buffer' } = {
    dest,
    sync: false,
    contentMode: 'buffer',
  };
  const boom = pino.destination(options);
  const descriptor = () => (boom as unknown as { fd: number }).fd;
  /** Bytes handed to SonicBoom and not yet written by it: while any, lines queue behind them. */
  let queued = 0;
  boom.on('write', (n: number) => {
    queued = Math.max(0, queued - n);
  });
  const toBoom = (bytes: Buffer) => {
    queued += bytes.length;
    // SonicBoom's buffer mode takes Buffers (its type says string).
    boom.write(bytes as unknown as string);
  };
  let pending = '';
  let scheduled = false;
  const handOver = () => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    const fd = descriptor();
    if (queued > 0 || fd < 0) return toBoom(Buffer.from(chunk));
    let written = 0;
    try {
      written = writeSync(fd, chunk);
    } catch {
      // EAGAIN and the like: SonicBoom retries, or raises the error as pino's destination does.
    }
    if (written === 0) return toBoom(Buffer.from(chunk));
    if (written < Buffer.byteLength(chunk)) toBoom(Buffer.from(chunk).subarray(written));
  };
  return {
    write(line: string) {
      pending += line;
      if (!scheduled) {
        scheduled = true;
        setImmediate(handOver);
      }
      return true;
    },
    flush(callback?: (error?: Error) => void) {
      handOver();
      // SonicBoom's own flush calls back at once (minLength 0), before its writes are done.
      if (queued === 0) {
        if (callback) process.nextTick(callback);
        return;
      }
      const done = (error?: Error) => {
        boom.off('drain', done);
        boom.off('error', done);
        callback?.(error);
      };
      boom.once('drain', done);
      boom.once('error', done);
    },
    flushSync() {
      handOver();
      // Throws while the descriptor is still opening (nothing written yet): nothing to flush.
      try {
        boom.flushSync();
      } catch {
        /* not open yet */
      }
    },
    async ready() {
      if (descriptor() < 0) await once(boom, 'ready');
    },
  };
}

let role: string | undefined;

/**
 * Names this process's role in every line it logs ({"role":"worker default:8"}); call it before
 * the first logger() call (the bin/ entry points do, first thing).
 */
export function nameProcessRole(name: string): void {
  role = name;
}

function base(): Record<string, unknown> {
  return role === undefined ? { pid: process.pid } : { pid: process.pid, role };
}

function build(): Logger {
  const e = env();
  const level = e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info');
  if (process.env.LOG_PRETTY === '1') {
    return pino({ level, base: base(), transport: { target: 'pino-pretty' } });
  }
  // One write per event-loop turn (see logDestination); flushed synchronously when the process exits.
  const destination = logDestination(1);
  process.on('exit', () => destination.flushSync());
  return pino({ level, base: base() }, destination);
}

let instance: Logger | undefined;

export function logger(): Logger {
  instance ??= build();
  return instance;
}

/**
 * Logger for command-line tools: stderr (stdout is the command's output), warn unless LOG_LEVEL
 * says otherwise. Installs itself as the process logger.
 */
export function useCliLogger(): Logger {
  const e = env();
  instance = pino({ level: e.LOG_LEVEL ?? 'warn', base: base() }, pino.destination(2));
  return instance;
}

/** Replaces the process logger (tests capture log lines this way). */
export function setLogger(next: Logger): void {
  instance = next;
}
