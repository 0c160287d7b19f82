/**
 * The log forwarder: one DEBUG line per event through the framework logger, data with the
 * configured secret keys filtered. At any level above DEBUG it writes nothing, and its accepts()
 * keeps events out of its queue (no delivery is scheduled per event-loop turn for nothing).
 *
 * Example: broker.register(logForwarder())   // {"level":20,"event":"bus_event","eventType":"job.started","topic":"/jobs/4f..",...}
 */
import type { Logger } from 'pino';
import { filterSecrets } from '../logging';
import { backlotSettings } from '../settings';
import type { Forwarder } from './forwarder';

export interface LogForwarderOptions {
  /** @defaultValue the framework logger, read per batch */
  logger?: () => Logger;
  /** @defaultValue 'local' (each process logs the events it produced) */
  scope?: 'local' | 'all';
}

export function logForwarder(options: LogForwarderOptions = {}): Forwarder {
  const logger = options.logger ?? (() => backlotSettings().logger);
  return {
    name: 'log',
    scope: options.scope ?? 'local',
    accepts: () => logger().isLevelEnabled('debug'),
    deliver(events) {
      const log = logger();
      if (!log.isLevelEnabled('debug')) return;
      for (const e of events) {
        log.debug(
          { event: 'bus_event', eventType: e.type, topic: e.topic, at: e.at, data: filterSecrets(e.data) },
          `Event ${e.type} on ${e.topic}`,
        );
      }
    },
  };
}
