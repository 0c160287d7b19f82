/**
 * A Redis outage, as an operator sees it: against a private redis-server, a bin/worker pool runs
 * jobs that finish while Redis is away (they touch nothing in Redis), the server is stopped for
 * several seconds (many reconnect attempts on every connection) and started again on the same port.
 *
 * - the log: each of the pool's connections (worker, heartbeat, cancel subscriber, event
 *   publisher, producer) writes exactly one "lost" line and one "recovered" line with the outage's
 *   length, nothing per reconnect attempt, and no "worker error" line;
 * - the event bus: the job.completed events published during the outage reach a subscriber in
 *   this process once Redis is back (counted by job id), in the order they were published.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BullmqAdapter,
  configureBacklot,
  EventBroker,
  Job,
  RedisEventTransport,
  type BacklotEvent,
  type EventSubscription,
} from '../../app/framework/index';
import { QUEUE_NAMES } from '../../config/queues';
import { NapJob } from '../fixtures/jobs';
import {
  FIXTURES,
  processEnv,
  sleep,
  startWorker,
  useRedisServer,
  useWorkerScope,
  waitUntil,
} from './support';

const CONNECTIONS = ['worker', 'heartbeat', 'cancel subscriber', 'event publisher', 'producer'];
const OUTAGE_MS = 8_000;

interface LogLine {
  pid?: number;
  msg?: string;
  connection?: string;
  outageMs?: number;
  level?: number;
}

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('bin/worker during a Redis outage', () => {
  const server = useRedisServer(); // registered first, so shut down after the workers are killed
  const scope = useWorkerScope('redis-outage');
  let adapter: BullmqAdapter;
  let subscription: EventSubscription;
  const received: BacklotEvent[] = [];

  beforeAll(async () => {
    // This process's connections ride out the outage too; their connection errors are expected.
    const connect = (options: { maxRetriesPerRequest: number | null }) =>
      new Redis(server.url, options).on('error', () => undefined);
    adapter = new BullmqAdapter({
      connection: connect({ maxRetriesPerRequest: 3 }),
      ownsConnection: true,
      prefix: scope.prefix,
    });
    adapter.queue('default').on('error', () => undefined);
    configureBacklot({ adapter, queues: QUEUE_NAMES });
    const broker = new EventBroker();
    broker.register({ name: 'test', deliver: (events) => void received.push(...events) });
    subscription = new RedisEventTransport({ prefix: scope.prefix }).subscribe(
      broker,
      connect({ maxRetriesPerRequest: null }),
      { blockMs: 500, retryDelayMs: 200 },
    );
    await subscription.ready;
  });

  afterAll(async () => {
    await subscription.stop();
    await adapter.close();
  });

  it(
    'logs one lost and one recovered line per connection, and delivers the events published meanwhile',
    { timeout: 120_000 },
    async () => {
      const env = processEnv(scope, { REDIS_URL: server.url, LOG_LEVEL: 'info' });
      const worker = startWorker(['--pool=default:4', '--require', FIXTURES], env);
      await worker.started('default:4');
      const pool = worker.childPid();

      // 4 naps of 3 s: started before the outage, finished (job.completed published) during it.
      const naps = Array.from({ length: 4 }, () => NapJob.build(3_000));
      await Job.performAllLater(naps);
      const ids = new Set(naps.map((job) => job.jobId));
      const seen = (type: string) =>
        new Set(received.filter((e) => e.type === type).map((e) => (e.data as { jobId: string }).jobId));
      await waitUntil('every nap started (job.started at the subscriber)', () =>
        [...ids].every((id) => seen('job.started').has(id)),
      );

      await server.shutdown();
      const down = Date.now();
      await sleep(OUTAGE_MS);
      await server.start();
      const up = Date.now();

      await waitUntil(
        'job.completed of every nap reached the subscriber',
        () => [...ids].every((id) => seen('job.completed').has(id)),
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      const completed = received.filter(
        (e) => e.type === 'job.completed' && ids.has((e.data as { jobId: string }).jobId),
      );
      expect(completed).toHaveLength(4); // each once
      for (const event of completed) {
        const at = Date.parse(event.at);
        expect(at, 'published while Redis was away').toBeGreaterThan(down);
        expect(at).toBeLessThan(up);
      }
      const times = completed.map((e) => Date.parse(e.at));
      expect(times).toEqual([...times].sort((a, b) => a - b)); // in the order published

      const recoveredLine = /^Redis connection (.+) recovered after (\d+\.\d) s/;
      await waitUntil(
        'every connection of the pool logged its recovery',
        () => {
          const back = logLines(worker.proc.output()).filter(
            (l) => l.pid === pool && recoveredLine.test(l.msg ?? ''),
          );
          return CONNECTIONS.every((c) => back.some((l) => l.connection === c));
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      await sleep(3_000); // a late second "lost" (a connection that flaps) would show by now

      const lines = logLines(worker.proc.output()).filter((l) => l.pid === pool);
      const about = (pattern: RegExp) =>
        Object.fromEntries(
          CONNECTIONS.map((c) => [
            c,
            lines.filter((l) => l.connection === c && pattern.test(l.msg ?? '')).length,
          ]),
        );
      const once = Object.fromEntries(CONNECTIONS.map((c) => [c, 1]));
      expect(about(/^Redis connection .+ lost \(/)).toEqual(once);
      expect(about(recoveredLine)).toEqual(once);
      for (const line of lines.filter((l) => recoveredLine.test(l.msg ?? ''))) {
        expect(line.outageMs, `${line.connection}: the outage's length`).toBeGreaterThan(OUTAGE_MS - 2_000);
        expect(line.outageMs).toBeLessThan(OUTAGE_MS + 10_000);
      }
      // Nothing else about Redis per attempt: every line that mentions it is one of those ten.
      const aboutRedis = lines.filter((l) => /redis|ECONNREFUSED|Connection is closed/i.test(l.msg ?? ''));
      expect(aboutRedis.map((l) => l.msg)).toHaveLength(2 * CONNECTIONS.length);
      expect(lines.filter((l) => /worker error|delivery of .* failed/.test(l.msg ?? ''))).toEqual([]);
      expect(worker.proc.output()).not.toMatch(/Unhandled error event/);
      expect(worker.childPids()).toEqual([pool]);
    },
  );
});
