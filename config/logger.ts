/**
 * The process logger: pino, structured JSON on stdout (pretty when LOG_PRETTY=1).
 *
 * Level comes from LOG_LEVEL (default info; warn under NODE_ENV=test so test output stays quiet).
 * Example: logger.info({ jobId }, 'Enqueued'); logger.child({ role: 'worker' })
 */
import { pino, type Logger } from 'pino';
import { env } from './env';

function build(): Logger {
  const e = env();
  const level = e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info');
  if (process.env.LOG_PRETTY === '1') {
    return pino({ level, base: { pid: process.pid }, transport: { target: 'pino-pretty' } });
  }
  // Asynchronous writes (no buffering delay: a line goes out on the next tick): a worker logs two
  // lines per job, and a blocking write per line is the dearest part of logging. Flushed
  // synchronously when the process exits.
  const destination = pino.destination({ dest: 1, sync: false });
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
