/**
 * The process logger: pino, structured JSON on stdout (pretty when LOG_PRETTY=1).
 *
 * Level comes from LOG_LEVEL (default info; warn under NODE_ENV=test so test output stays quiet).
 * Lines go out through logDestination(): asynchronous, batched writes of byte buffers.
 * Example: logger.info({ jobId }, 'Enqueued'); logger.child({ role: 'worker' })
 */
import { once } from 'node:events';
import { pino, type DestinationStream, type Logger } from 'pino';
import { env } from './env';

/** A destination pino writes lines to, flushed synchronously at exit. */
export interface LogDestination extends DestinationStream {
  flush(callback?: (error?: Error) => void): void;
  flushSync(): void;
  /** Resolves once the file or descriptor is open. */
  ready(): Promise<void>;
}

/**
 * Where the process's log lines go: the lines of one event-loop turn are joined and handed to
 * pino's SonicBoom as one byte buffer on the next turn (setImmediate), which writes it
 * asynchronously. A worker writes two lines per job, dozens of jobs per turn: one write (a thread
 * pool round trip) per line cost more than the rest of the framework's per-job work, and
 * SonicBoom's string mode re-measures its pending string on every line. Nothing waits for a timer:
 * a line is out one turn after it was logged, and flushSync() (at exit) writes what is pending.
 * npm run bench -- throughput measures the per-job cost as in production.
 *
 * Example: const destination = logDestination(1); pino({ level: 'info' }, destination)
 */
export function logDestination(dest: number | string): LogDestination {
  // contentMode 'buffer' (SonicBoom 4) is passed through by pino, which does not type it.
  const options: Parameters<typeof pino.destination>[0] & { contentMode: 'buffer' } = { dest, sync: false, contentMode: 'buffer' };
  const boom = pino.destination(options);
  let pending = '';
  let scheduled = false;
  const handOver = () => {
    scheduled = false;
    if (pending === '') return;
    const chunk = pending;
    pending = '';
    // SonicBoom's buffer mode takes Buffers (its type says string).
    boom.write(Buffer.from(chunk) as unknown as string);
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
      boom.flush(callback);
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
      if ((boom as unknown as { fd: number }).fd < 0) await once(boom, 'ready');
    },
  };
}

function build(): Logger {
  const e = env();
  const level = e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info');
  if (process.env.LOG_PRETTY === '1') {
    return pino({ level, base: { pid: process.pid }, transport: { target: 'pino-pretty' } });
  }
  // Asynchronous writes: a worker logs two lines per job, and a blocking write per line is the
  // dearest part of logging. Flushed synchronously when the process exits.
  const destination = logDestination(1);
  process.on('exit', () => destination.flushSync());
  return pino({ level, base: { pid: process.pid } }, destination);
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
  instance = pino({ level: e.LOG_LEVEL ?? 'warn', base: { pid: process.pid } }, pino.destination(2));
  return instance;
}

/** Replaces the process logger (tests capture log lines this way). */
export function setLogger(next: Logger): void {
  instance = next;
}
