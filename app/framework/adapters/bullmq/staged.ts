/**
 * The BullMQ adapter's side of transactional enqueue: a job (or a flow) as the outbox stores it,
 * and adding relayed ones. The stored options are the adapter's own jobOptions (attempts, backoff,
 * retention, priority, deduplication key computed from the live arguments) without the delay,
 * which is recomputed from runAt when relayed, so a job relayed late does not wait twice.
 *
 * Steps of addStaged: plain jobs grouped by queue, one Queue.addBulk per queue (concurrently);
 * flows through one FlowProducer.addBulk per root queue (one transaction stays on one hash slot
 * under the per-queue layout), each node under its queue's prefix. BullMQ stores one job per id: re-adding a relayed row
 * (a relay that died between add and delete) adds nothing.
 *
 * Example: const staged = stagedJob(adapter, job); ...; await addStaged(adapter, flows, [staged])
 */
import type { FlowJob, FlowProducer, JobsOptions } from 'bullmq';
import type { Job } from '../../job';
import type { StagedJob } from '../../outbox/staged-job';

/** What stagedJob needs of the adapter. */
export interface StagingAdapter {
  /** The adapter's key prefix (the outbox partition its staged jobs belong to). */
  readonly prefix: string;
  jobOptions(job: Job, delayMs?: number): JobsOptions;
  /** The BullMQ key prefix of a queue. */
  queuePrefix(name: string): string;
  queue(name: string): {
    addBulk(jobs: { name: string; data: unknown; opts: JobsOptions }[]): Promise<unknown>;
  };
}

interface StagedFlowNode {
  name: string;
  queueName: string;
  data: unknown;
  opts: JobsOptions;
  runAt: number | null;
  children?: StagedFlowNode[];
}

const delayUntil = (runAt: number | null, now: number): number =>
  runAt === null ? 0 : Math.max(0, runAt - now);

export function stagedJob(adapter: StagingAdapter, job: Job): StagedJob {
  return {
    jobId: job.jobId,
    kind: 'job',
    prefix: adapter.prefix,
    queue: job.queueName,
    name: job.jobClassName,
    data: job.serialize(),
    opts: adapter.jobOptions(job, 0),
    runAt: job.scheduledAt ? job.scheduledAt.getTime() : null,
  };
}

export function stagedFlow(
  adapter: StagingAdapter,
  job: Job,
  dependencies: readonly Job[],
  ifDependencyFails: 'fail' | 'run',
): StagedJob {
  const policy: JobsOptions =
    ifDependencyFails === 'fail' ? { failParentOnFailure: true } : { ignoreDependencyOnFailure: true };
  const node = (each: Job, extra: JobsOptions = {}): StagedFlowNode => ({
    name: each.jobClassName,
    queueName: each.queueName,
    data: each.serialize(),
    opts: { ...adapter.jobOptions(each, 0), ...extra },
    runAt: each.scheduledAt ? each.scheduledAt.getTime() : null,
  });
  const tree: StagedFlowNode = { ...node(job), children: dependencies.map((dep) => node(dep, policy)) };
  return { ...stagedJob(adapter, job), kind: 'flow', data: tree, opts: {} };
}

function flowJob(adapter: StagingAdapter, node: StagedFlowNode, now: number): FlowJob {
  const delay = delayUntil(node.runAt, now);
  return {
    name: node.name,
    queueName: node.queueName,
    prefix: adapter.queuePrefix(node.queueName),
    data: node.data,
    opts: delay > 0 ? { ...node.opts, delay } : node.opts,
    ...(node.children ? { children: node.children.map((child) => flowJob(adapter, child, now)) } : {}),
  };
}

export async function addStaged(
  adapter: StagingAdapter,
  flows: () => FlowProducer,
  staged: readonly StagedJob[],
): Promise<void> {
  const now = Date.now();
  const byQueue = new Map<string, { name: string; data: unknown; opts: JobsOptions }[]>();
  const treesByQueue = new Map<string, FlowJob[]>();
  for (const each of staged) {
    if (each.kind === 'flow') {
      const tree = flowJob(adapter, each.data as StagedFlowNode, now);
      treesByQueue.set(tree.queueName, [...(treesByQueue.get(tree.queueName) ?? []), tree]);
      continue;
    }
    const delay = delayUntil(each.runAt, now);
    const opts = each.opts as JobsOptions;
    const list = byQueue.get(each.queue) ?? [];
    list.push({ name: each.name, data: each.data, opts: delay > 0 ? { ...opts, delay } : opts });
    byQueue.set(each.queue, list);
  }
  await Promise.all([
    ...[...byQueue].map(([queue, list]) => adapter.queue(queue).addBulk(list)),
    ...[...treesByQueue.values()].map((trees) => flows().addBulk(trees)),
  ]);
}
