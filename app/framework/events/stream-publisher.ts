/**
 * The publisher side of the Redis event transport: a broker forwarder (scope 'local': only events
 * produced in this process) appending them to the stream.
 *
 * Steps, for each batch the broker hands it:
 *   1. while Redis is away (the connection's outage tracker, 'event publisher', says so) throw
 *      DestinationUnavailableError: the broker's slot keeps the batch and the queue behind it
 *      (bounded) and delivers them, in order, once the tracker reports the connection back;
 *   2. make one pipeline (one round trip, off every job's path) of XADD MAXLEN ~ maxLen entries,
 *      each holding the source id and up to EVENTS_PER_ENTRY events as one JSON array ('b'): a
 *      worker publishes two events per job, and a Redis command per event cost the worker more CPU
 *      than the job itself (npm run bench -- throughput --events 1). An event over maxEventBytes
 *      is dropped with a warning;
 *   3. send it; a lost connection becomes DestinationUnavailableError too. A pipeline in flight
 *      when the connection drops is sent again whole, so some of its entries may be in the stream
 *      twice (delivery is at least once).
 *
 * Example: broker.register(streamPublisher(stream, redis), { capacity: 10_000, batchSize: 200 });
 */
import type { RedisConnection } from '../redis-connection';
import { isConnectionError, watchRedisOutage } from '../redis-outage';
import { EVENTS_PER_ENTRY, type EventStream } from './event-stream';
import { DestinationUnavailableError, type Forwarder } from './forwarder';
import { LogThrottle } from './log-throttle';
import type { BacklotEvent } from './payloads';

/** The forwarder that appends this process's events to `stream` over `connection`. */
export function streamPublisher(stream: EventStream, connection: RedisConnection): Forwarder {
  const oversize = new LogThrottle(10_000);
  const outage = watchRedisOutage(connection, 'event publisher', { logger: stream.log });
  return {
    name: 'redis',
    scope: 'local',
    accepts: (event) => event.type !== 'clock.tick',
    whenAvailable: (signal) => outage.whenUp(signal),
    close: () => outage.dispose(),
    deliver: async (events) => {
      if (outage.down) throw new DestinationUnavailableError(`Redis is away (${stream.key})`);
      const pipeline = connection.pipeline();
      let entries = 0;
      const xadd = (batch: string) => {
        pipeline.xadd(stream.key, 'MAXLEN', '~', stream.maxLen, '*', 's', stream.source, 'b', batch);
        entries += 1;
      };
      // One entry per EVENTS_PER_ENTRY events, serialized at once when even all together they are
      // within maxEventBytes (then none is over it); otherwise event by event, leaving out big ones.
      for (let i = 0; i < events.length; i += EVENTS_PER_ENTRY) {
        const slice = events.slice(i, i + EVENTS_PER_ENTRY);
        const json = JSON.stringify(slice);
        if (!overLimit(json, stream.maxEventBytes)) {
          xadd(json);
          continue;
        }
        const kept = withinLimit(stream, slice, oversize);
        if (kept.length > 0) xadd(`[${kept.join(',')}]`);
      }
      if (entries === 0) return;
      let results;
      try {
        results = await pipeline.exec();
      } catch (error) {
        throw unavailable(error, outage);
      }
      const failed = results?.find(([error]) => error);
      if (failed?.[0]) throw unavailable(failed[0], outage);
    },
  };
}

/** Whether `json` is over `maxBytes` in UTF-8: a character is 1 to 3 bytes, so only a long string is measured. */
function overLimit(json: string, maxBytes: number): boolean {
  return json.length * 3 > maxBytes && Buffer.byteLength(json) > maxBytes;
}

/** A lost connection becomes DestinationUnavailableError (the batch is kept); others stay as they are. */
function unavailable(error: unknown, outage: { lost(error: unknown): void }): unknown {
  if (!isConnectionError(error)) return error;
  outage.lost(error);
  return new DestinationUnavailableError(`Redis is away (${(error as Error).message})`);
}

/** Each event's JSON, leaving out (and logging) any over maxEventBytes. */
function withinLimit(stream: EventStream, events: readonly BacklotEvent[], oversize: LogThrottle): string[] {
  const kept: string[] = [];
  for (const event of events) {
    const json = JSON.stringify(event);
    if (overLimit(json, stream.maxEventBytes)) {
      if (oversize.hit() > 0) {
        stream
          .log()
          .warn(
            { eventType: event.type, topic: event.topic, bytes: Buffer.byteLength(json) },
            `Event ${event.type} on ${event.topic} is over ${stream.maxEventBytes} bytes: not sent to other processes`,
          );
      }
      continue;
    }
    kept.push(json);
  }
  return kept;
}
