/**
 * Captures the framework's pino lines in memory so tests can read what was logged.
 *
 * Example: const logs = captureLogs('debug'); ...; expect(logs.lines.map((l) => l.event)).toContain('enqueue')
 */
import { Writable } from 'node:stream';
import { pino, type Level } from 'pino';
import { configureBacklot } from '../../app/framework/index';

export interface LogLine {
  level: number;
  msg: string;
  event?: string;
  jobId?: string;
  jobClass?: string;
  queue?: string;
  attempt?: number;
  durationMs?: number;
  arguments?: unknown;
  [key: string]: unknown;
}

export function captureLogs(level: Level = 'info'): { lines: LogLine[]; events(): (string | undefined)[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const raw of chunk.toString().split('\n')) if (raw.trim()) lines.push(JSON.parse(raw) as LogLine);
      done();
    },
  });
  configureBacklot({ logger: pino({ level }, stream) });
  return { lines, events: () => lines.map((l) => l.event) };
}
