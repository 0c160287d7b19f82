/**
 * /metrics in Prometheus text format (prom-client), computed from Redis at scrape time, so every
 * web process answers the same and nothing is kept in memory between scrapes.
 *
 * Metrics:
 *   backlot_queue_jobs{queue,state}            gauge: jobs per queue and state (waiting, active,
 *                                              delayed, prioritized, waiting-children, completed,
 *                                              failed, discarded, canceled: completed and failed
 *                                              without the discarded and canceled ones)
 *   backlot_queue_paused{queue}                gauge: 1 when the queue is paused
 *   backlot_jobs_completed_total{queue}        counter: BullMQ metrics' running total (meta.count)
 *   backlot_jobs_failed_total{queue}           counter: likewise for failures
 *   backlot_job_duration_seconds{queue,job_class}  summary (quantiles 0.5, 0.9, 0.99, _sum, _count)
 *   backlot_outbox_jobs                        gauge: jobs committed in transactions waiting in the outbox
 *   backlot_outbox_oldest_age_seconds          gauge: age of the oldest of them (0 when none waits)
 *
 * Job duration: BullMQ keeps no duration history, so the summary is computed at each scrape from
 * the most recent completed jobs still stored (DURATION_SAMPLE per queue, newest first):
 * finishedOn - processedOn of each (the last attempt's run time). Its _count and _sum describe that
 * sample, not a running total: read the quantiles, do not rate() them. The counters need the
 * worker `metrics` option; without it they stay 0.
 *
 * Steps: read everything (one ZREVRANGE plus one pipelined HMGET per queue for durations), then
 * fill a fresh Registry and serialize it.
 *
 * Example: const { contentType, body } = await prometheusMetrics(adapter, ['default', 'bulk_update'])
 */
import type { Queue } from 'bullmq';
import type { RedisConnection } from '../../framework/index';
import { Counter, Gauge, Registry, Summary } from 'prom-client';
import { countShownStates, SHOWN_STATES, type BullmqAdapter, type OutboxStatus } from '../../framework/index';

/** Completed jobs per queue whose run times feed the duration summary. @defaultValue 1000 */
export const DURATION_SAMPLE = 1000;

export interface JobDuration {
  jobClass: string;
  seconds: number;
}

/** Run times of the most recent completed jobs of a queue, newest first. */
export async function recentDurations(
  client: RedisConnection,
  queue: Queue,
  sample = DURATION_SAMPLE,
): Promise<JobDuration[]> {
  const ids = await client.zrevrange(queue.toKey('completed'), 0, sample - 1);
  if (ids.length === 0) return [];
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.hmget(queue.toKey(id), 'name', 'processedOn', 'finishedOn');
  const replies = (await pipeline.exec()) ?? [];
  const durations: JobDuration[] = [];
  for (const [error, reply] of replies) {
    if (error || !Array.isArray(reply)) continue;
    const [name, processedOn, finishedOn] = reply as Array<string | null>;
    const start = Number(processedOn);
    const end = Number(finishedOn);
    if (name && start > 0 && end >= start) durations.push({ jobClass: name, seconds: (end - start) / 1000 });
  }
  return durations;
}

export async function prometheusMetrics(
  adapter: BullmqAdapter,
  queueNames: readonly string[],
  outboxStatus?: () => Promise<Pick<OutboxStatus, 'waiting' | 'oldestAgeMs'>>,
): Promise<{ contentType: string; body: string }> {
  const outbox = outboxStatus?.();
  const perQueue = await Promise.all(
    queueNames.map(async (name) => {
      const queue = adapter.queue(name);
      const [counts, paused, completed, failed, durations] = await Promise.all([
        countShownStates(queue, adapter.connection),
        queue.isPaused(),
        queue.getMetrics('completed', 0, 0),
        queue.getMetrics('failed', 0, 0),
        recentDurations(adapter.connection, queue),
      ]);
      return {
        name,
        counts,
        paused,
        completedTotal: completed.meta.count,
        failedTotal: failed.meta.count,
        durations,
      };
    }),
  );

  const registry = new Registry();
  const registers = [registry];
  const jobs = new Gauge({
    name: 'backlot_queue_jobs',
    help: 'Jobs per queue and state.',
    labelNames: ['queue', 'state'],
    registers,
  });
  const pausedGauge = new Gauge({
    name: 'backlot_queue_paused',
    help: '1 when the queue is paused.',
    labelNames: ['queue'],
    registers,
  });
  const completedTotal = new Counter({
    name: 'backlot_jobs_completed_total',
    help: 'Jobs completed since BullMQ metrics were first recorded (needs the worker metrics option).',
    labelNames: ['queue'],
    registers,
  });
  const failedTotal = new Counter({
    name: 'backlot_jobs_failed_total',
    help: 'Jobs failed since BullMQ metrics were first recorded (needs the worker metrics option).',
    labelNames: ['queue'],
    registers,
  });
  const duration = new Summary({
    name: 'backlot_job_duration_seconds',
    help: `Run time (finishedOn - processedOn) of the most recent completed jobs, up to ${DURATION_SAMPLE} per queue, computed at scrape time; _count and _sum describe that sample.`,
    labelNames: ['queue', 'job_class'],
    percentiles: [0.5, 0.9, 0.99],
    registers,
  });

  for (const q of perQueue) {
    for (const state of SHOWN_STATES) jobs.set({ queue: q.name, state }, q.counts[state] ?? 0);
    pausedGauge.set({ queue: q.name }, q.paused ? 1 : 0);
    completedTotal.inc({ queue: q.name }, q.completedTotal);
    failedTotal.inc({ queue: q.name }, q.failedTotal);
    for (const d of q.durations) duration.observe({ queue: q.name, job_class: d.jobClass }, d.seconds);
  }
  if (outbox) {
    const { waiting, oldestAgeMs } = await outbox;
    new Gauge({
      name: 'backlot_outbox_jobs',
      help: 'Jobs committed in transactions and waiting in the outbox for the relay (bin/worker).',
      registers,
    }).set(waiting);
    new Gauge({
      name: 'backlot_outbox_oldest_age_seconds',
      help: 'Age of the oldest job waiting in the outbox; 0 when none waits.',
      registers,
    }).set((oldestAgeMs ?? 0) / 1000);
  }
  return { contentType: registry.contentType, body: await registry.metrics() };
}
