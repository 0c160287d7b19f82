/**
 * The event types the framework itself defines, each with its data schema and topic (every job
 * event carries jobId, jobClass, queue and attempt, and goes on /jobs/:id):
 *   job.enqueued   scheduledAt?, priority?, arguments? (serialized, secrets filtered)
 *   job.started    arguments?
 *   job.progress   progress (a number or an object, as reportProgress got it)
 *   job.completed  durationMs, halted? (a before_perform callback halted)
 *   job.failed     durationMs, error { name, message? }, exhausted (retries ran out), discarded (discardOn)
 *   job.retried    durationMs, delayMs, error, interrupted? (worker shutdown: back to waiting)
 *   job.canceled   durationMs?, reason
 *   job.deleted    jobId, jobClass?, queue, reason (removed from its queue before running)
 *   worker.up      workerId, host, pid, pools, queues, concurrency        (/workers/:workerId)
 *   worker.down    workerId, host, pid, reason: shutdown | killed          (/workers/:workerId)
 *   clock.tick     intervalMs                                              (/lifecycle/clock)
 * The framework's own code names them by type (createEvent('job.started', data)); FRAMEWORK_EVENTS
 * maps each name to its definition. The app's types are defined in app/events/.
 *
 * Example: createEvent('clock.tick', { intervalMs: 1000 }) -> { v: 1, type: 'clock.tick', topic: '/lifecycle/clock', ... }
 */
import { z } from 'zod';
import { defineEvent } from './event-definition';
import { topics } from './topics';

const id = z.string().min(1).max(200);
const count = z.number().int().min(0);
const ms = z.number().min(0);
const errorInfo = z.object({ name: z.string(), message: z.string().optional() });

const job = { jobId: id, jobClass: z.string(), queue: z.string(), attempt: count };
const onJob = { topic: (data: { jobId: string }) => topics.job(data.jobId) };
const onWorker = { topic: (data: { workerId: string }) => topics.worker(data.workerId) };

export const FRAMEWORK_EVENTS = {
  'job.enqueued': defineEvent(
    'job.enqueued',
    z.object({
      ...job,
      scheduledAt: z.string().optional(),
      priority: z.number().int().optional(),
      arguments: z.array(z.unknown()).optional(),
    }),
    onJob,
  ),
  'job.started': defineEvent(
    'job.started',
    z.object({ ...job, arguments: z.array(z.unknown()).optional() }),
    onJob,
  ),
  'job.progress': defineEvent(
    'job.progress',
    z.object({ ...job, progress: z.union([z.number(), z.record(z.string(), z.unknown())]) }),
    onJob,
  ),
  'job.completed': defineEvent(
    'job.completed',
    z.object({ ...job, durationMs: ms, halted: z.boolean().optional() }),
    onJob,
  ),
  'job.failed': defineEvent(
    'job.failed',
    z.object({ ...job, durationMs: ms, error: errorInfo, exhausted: z.boolean(), discarded: z.boolean() }),
    onJob,
  ),
  'job.retried': defineEvent(
    'job.retried',
    z.object({ ...job, durationMs: ms, delayMs: ms, error: errorInfo, interrupted: z.boolean().optional() }),
    onJob,
  ),
  'job.canceled': defineEvent(
    'job.canceled',
    z.object({ ...job, durationMs: ms.optional(), reason: z.string() }),
    onJob,
  ),
  'job.deleted': defineEvent(
    'job.deleted',
    z.object({ jobId: id, jobClass: z.string().optional(), queue: z.string(), reason: z.string() }),
    onJob,
  ),
  'worker.up': defineEvent(
    'worker.up',
    z.object({
      workerId: id,
      host: z.string(),
      pid: z.number().int(),
      pools: z.array(z.string()),
      queues: z.array(z.string()),
      concurrency: z.number().int().min(1),
    }),
    onWorker,
  ),
  'worker.down': defineEvent(
    'worker.down',
    z.object({
      workerId: id,
      host: z.string(),
      pid: z.number().int(),
      reason: z.enum(['shutdown', 'killed']),
    }),
    onWorker,
  ),
  'clock.tick': defineEvent('clock.tick', z.object({ intervalMs: z.number().int().min(1) }), {
    topic: () => topics.clock(),
  }),
} as const;

export type FrameworkEvents = typeof FRAMEWORK_EVENTS;
export type FrameworkEventType = keyof FrameworkEvents;
