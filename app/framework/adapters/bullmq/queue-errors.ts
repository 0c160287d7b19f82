/**
 * What a BullMQ Queue or FlowProducer of the adapter does with its 'error' events. BullMQ re-emits
 * every error of the shared connection on each of them and, with no listener, prints it raw to
 * stderr (console.error), once per reconnect attempt while Redis is away. A lost connection is
 * already the connection's own business: its outage tracker writes one line when it is lost and one
 * when it is back (redis-outage.ts), and an enqueue made meanwhile fails at its caller. So
 * connection errors are left to those; any other error is logged once with what it came from.
 *
 * Example: reportQueueErrors(new Queue('default', { connection }), 'queue default')
 */
import { isConnectionError } from '../../redis-outage';
import { backlotSettings } from '../../settings';

interface ErrorEmitter {
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export function reportQueueErrors<E extends ErrorEmitter>(emitter: E, what: string): E {
  emitter.on('error', (error) => {
    if (isConnectionError(error)) return;
    backlotSettings().logger.error({ err: error, source: what }, `${what}: ${error.message}`);
  });
  return emitter;
}
