/**
 * What the Redis event transport's two sides share: the stream they use (its key, this process's
 * source id, the limits) and the shape of one entry.
 *
 * An entry holds fields 's' (the source id) and 'b' (a JSON array of 1 to EVENTS_PER_ENTRY
 * events); entries written before batching hold 'e' (one event's JSON) instead of 'b'.
 *
 * Example:
 *   const stream: EventStream = { key: '{backlot}:events', source: 'web-1', maxLen: 1000, maxEventBytes: 65536, log };
 *   field(['s', 'web-1', 'b', '[]'], 's');   // 'web-1'
 */
import type { Logger } from 'pino';

/** Events per stream entry at most (one XADD each). @defaultValue 50 */
export const EVENTS_PER_ENTRY = 50;

/** The stream and this process's place in it, as the publisher and the subscriber read them. */
export interface EventStream {
  /** `<prefix>:events` */
  readonly key: string;
  /** Identifies this process in each entry it appends. */
  readonly source: string;
  /** Entries the stream keeps, approximately (XADD MAXLEN ~). */
  readonly maxLen: number;
  /** Larger events (JSON bytes) are not sent. */
  readonly maxEventBytes: number;
  readonly log: () => Logger;
}

/** The value of one field of a stream entry (fields alternate name, value). */
export function field(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
