/**
 * Framework-wide settings: the queue adapter, the logger, the argument keys filtered from logs and
 * the optional event publisher. config/backlot.ts fills them at boot; tests swap the adapter.
 *
 * Example: configureBacklot({ adapter: new InlineAdapter(), logger: pino() })
 */
import { pino, type Logger } from 'pino';
import { AdapterNotConfiguredError } from './errors';
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
}

const current: BacklotSettings = {
  adapter: undefined,
  logger: pino({ level: 'silent' }),
  filterKeys: ['password', 'secret', 'token'],
  queues: [],
  events: undefined,
};

export function configureBacklot(next: Partial<BacklotSettings>): void {
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
