/**
 * Framework-wide settings: the queue adapter, the logger, the argument keys filtered from logs and
 * the optional event publisher and which per-job lines are written (jobLines). config/backlot.ts
 * fills them at boot; tests swap the adapter.
 *
 * Example: configureBacklot({ adapter: new InlineAdapter(), logger: pino() })
 */
import { pino, type Logger } from 'pino';
import { AdapterNotConfiguredError, SettingsError } from './errors';
import type { QueueAdapter } from './adapters/adapter';
import type { BacklotEvent } from './events/payloads';

/** Where the framework publishes job and worker events (an EventBroker); publish never waits. */
export interface EventPublisher {
  publish(event: BacklotEvent): void;
}

export interface BacklotSettings {
  adapter: QueueAdapter | undefined;
  logger: Logger;
  /** Keys whose values show as [FILTERED] in DEBUG argument logs. */
  filterKeys: readonly string[];
  /** Known queue names; enqueueing to another fails at once. Empty: any valid name. */
  queues: readonly string[];
  /** Event bus (events/bus.ts: startEventBus sets it). Unset: no event is even built. */
  events: EventPublisher | undefined;
  /**
   * The per-job start and finish lines a worker writes (job-log-subscriber.ts): 'both', 'finish'
   * (no start line) or 'none'. @defaultValue BACKLOT_JOB_LINES, else 'both'
   */
  jobLines: JobLines;
}

export const JOB_LINES = ['both', 'finish', 'none'] as const;
export type JobLines = (typeof JOB_LINES)[number];

/** BACKLOT_JOB_LINES (or a configured value) checked: anything else names the choices. */
export function parseJobLines(value: unknown, source = 'jobLines'): JobLines {
  if ((JOB_LINES as readonly unknown[]).includes(value)) return value as JobLines;
  throw new SettingsError(
    `${source} must be one of ${JOB_LINES.map((v) => `'${v}'`).join(', ')} (got ${JSON.stringify(value)})`,
  );
}

const current: BacklotSettings = {
  adapter: undefined,
  logger: pino({ level: 'silent' }),
  filterKeys: ['password', 'secret', 'token'],
  queues: [],
  events: undefined,
  jobLines: process.env.BACKLOT_JOB_LINES
    ? parseJobLines(process.env.BACKLOT_JOB_LINES, 'BACKLOT_JOB_LINES')
    : 'both',
};

export function configureBacklot(next: Partial<BacklotSettings>): void {
  if (next.jobLines !== undefined) parseJobLines(next.jobLines);
  Object.assign(current, next);
}

export function backlotSettings(): Readonly<BacklotSettings> {
  return current;
}

export function queueAdapter(): QueueAdapter {
  if (!current.adapter) {
    throw new AdapterNotConfiguredError(
      'no queue adapter is configured: run scripts with bin/runner FILE.ts (it boots Backlot), or call configureBacklot({ adapter }) at boot',
    );
  }
  return current.adapter;
}
