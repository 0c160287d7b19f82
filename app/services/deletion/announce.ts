/**
 * Announces marked and deleted records on the event bus (record.deletion_requested and
 * record.deleted on /records/:model/:id), so open pages update.
 *
 * Steps: without a bus in this process (backlotSettings().events unset) nothing is built. With
 * one, events are published in slices of ANNOUNCE_SLICE; between slices, when the publisher is an
 * EventBroker (it has stats()), wait until every forwarder's queue is down to ANNOUNCE_LOW_WATER
 * (at most ANNOUNCE_WAIT_MS per slice), so marking 100,000 records feeds the bus at the pace its
 * forwarders drain instead of overflowing their bounded queues. A failure to publish is logged
 * and never fails the marking or the deletion.
 *
 * Example: await announceDeletionRequested('Post', [12, 13], { requestedBy: 1 })
 */
import {
  backlotSettings,
  createEvent,
  type BacklotEvent,
  type EventPublisher,
  type ForwarderStats,
} from '../../framework/index';
import { recordDeleted, recordDeletionRequested } from '../../events/index';

/** Events published before waiting for the forwarders. @defaultValue 500 */
export const ANNOUNCE_SLICE = 500;
/** Queue length every forwarder must be down to before the next slice. @defaultValue 200 */
export const ANNOUNCE_LOW_WATER = 200;
/** Longest wait for the forwarders per slice. @defaultValue 5000 ms */
export const ANNOUNCE_WAIT_MS = 5_000;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function statsOf(bus: EventPublisher): (() => ForwarderStats[]) | undefined {
  const candidate = bus as EventPublisher & { stats?: () => ForwarderStats[] };
  return typeof candidate.stats === 'function' ? () => candidate.stats!() : undefined;
}

async function drained(bus: EventPublisher): Promise<void> {
  const stats = statsOf(bus);
  if (!stats) return new Promise((r) => setImmediate(r));
  const deadline = Date.now() + ANNOUNCE_WAIT_MS;
  while (Date.now() < deadline && stats().some((s) => s.queued > ANNOUNCE_LOW_WATER)) await sleep(5);
}

async function publishAll(ids: readonly number[], build: (id: number) => BacklotEvent): Promise<number> {
  const bus = backlotSettings().events;
  if (!bus || ids.length === 0) return 0;
  let published = 0;
  try {
    for (let start = 0; start < ids.length; start += ANNOUNCE_SLICE) {
      if (start > 0) await drained(bus);
      for (const id of ids.slice(start, start + ANNOUNCE_SLICE)) {
        bus.publish(build(id));
        published += 1;
      }
    }
  } catch (error) {
    backlotSettings().logger.error(
      { err: error, published, total: ids.length },
      `Could not announce every record: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return published;
}

/** record.deletion_requested for each id; resolves the number published (0 without a bus). */
export function announceDeletionRequested(
  model: string,
  ids: readonly number[],
  options: { requestedBy?: number | undefined; jobId?: string | undefined } = {},
): Promise<number> {
  const extra = {
    ...(options.requestedBy !== undefined ? { requestedBy: options.requestedBy } : {}),
    ...(options.jobId !== undefined ? { jobId: options.jobId } : {}),
  };
  return publishAll(ids, (recordId) => createEvent(recordDeletionRequested, { model, recordId, ...extra }));
}

/** record.deleted for each id; resolves the number published (0 without a bus). */
export function announceDeleted(model: string, ids: readonly number[]): Promise<number> {
  return publishAll(ids, (recordId) => createEvent(recordDeleted, { model, recordId }));
}
