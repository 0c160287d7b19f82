/**
 * Backlot's public entry: jobs and the app import the framework from here only.
 *
 * Example: import { Job, configureBacklot, BullmqAdapter } from '../app/framework';
 */
export { Job } from './job';
export type { AnyJobClass, JobClass, JobPayload, PerformArgs, PerformResult, ExecutionContext } from './job';
export { ConfiguredJob } from './configured-job';
export type { Step, ContinuationState } from './continuation';
export {
  Batch,
  BatchError,
  BatchFinishedError,
  NoSuchBatchError,
  isBatchId,
  callbackJobId,
} from './batches/batch';
export type { BatchOptions, BatchStatus } from './batches/batch';
export { batchKeyPattern, batchKeys } from './batches/store';
export { recordBatchOutcome } from './batches/outcome';
export type { BatchCallbackName, BatchJobState } from './batches/store';
export type { JobOptions } from './job-options';
export type { RetryOnOptions, RetryWait, ErrorClass } from './exceptions';
export * from './errors';
export { configureBacklot, backlotSettings, queueAdapter } from './settings';
export type { BacklotSettings, JobLines } from './settings';
export { JOB_LINES } from './settings';
export {
  registerJobs,
  lookupJob,
  isRegistered,
  registeredJobs,
  registeredJobNames,
  jobNameOf,
  requireRegistration,
} from './registry';
export type { RegistrationPolicy } from './registry';
export { serializeArguments, deserializeArguments } from './arguments';
export { markRecord, recordLocator, recordModelOf, setRecordLocator, RECORD_MODEL } from './record-ref';
export type { RecordLocator, RecordId } from './record-ref';
export type { QueueAdapter } from './adapters/adapter';
export { BullmqAdapter, DEFAULT_RETENTION } from './adapters/bullmq/adapter';
export type { BullmqAdapterOptions, JobRetention } from './adapters/bullmq/adapter';
export { createProcessor, backlotBackoff } from './adapters/bullmq/processor';
export { AsyncAdapter } from './adapters/async';
export { InlineAdapter } from './adapters/inline';
export { TestAdapter } from './adapters/test';
export {
  assertEnqueuedJobs,
  assertEnqueuedWith,
  assertNoEnqueuedJobs,
  enqueuedJobs,
  performEnqueuedJobs,
  useTestAdapter,
} from './testing/test-helper';
export type { EnqueuedFilter } from './testing/test-helper';
export type { EnqueuedJob } from './adapters/test';
export { startWorker, WORKER_DRAIN_DELAY_S, WORKER_METRICS } from './runtime/worker';
export type { RunningWorker, WorkerOptions } from './runtime/worker';
export { filterSecrets } from './logging';
export { RedisOutage, watchRedisOutage, isConnectionError } from './redis-outage';
export type { RedisOutageOptions } from './redis-outage';
export { isClusterConnection, scanKeys, scanNodes } from './redis-connection';
export type { RedisConnection } from './redis-connection';
export { assertOneSlotFlow, CrossSlotError, KEY_LAYOUTS, prefixBase, queuePrefix } from './key-layout';
export type { KeyLayout } from './key-layout';
export type { Outcome, OutcomeStatus } from './outcome';
export { executeJob } from './execution';
export { onJobEvent } from './instrumentation';
export type { JobEvent, JobEventListener, EnqueueStatus } from './instrumentation';
export {
  EXECUTION_STATES,
  executionRecorder,
  executionRecordOf,
  recordExecution,
  setExecutionRecorder,
} from './execution-record';
export type { ExecutionRecord, ExecutionRecorder, ExecutionState } from './execution-record';
export { parsePoolSpec, formatPoolSpec, PoolSpecError } from './runtime/pool-spec';
export type { PoolSpec } from './runtime/pool-spec';
export { runSupervisor } from './runtime/supervisor';
export { POOL_NODE_FLAGS } from './runtime/pool-node-flags';
export type { SupervisorOptions } from './runtime/supervisor';
export { startWorkerProcess } from './runtime/worker-process';
export { LeaderLock } from './runtime/leader-lock';
export type { LeaderLockEvents, LeaderLockOptions, LeaderSession } from './runtime/leader-lock';
export type { WorkerProcess, WorkerProcessOptions, WorkerTimings } from './runtime/worker-process';
export { startHeartbeat, listWorkers, workerKey } from './runtime/heartbeat';
export type { WorkerInfo } from './runtime/heartbeat';
export { cancelInQueues, cancelChannel } from './runtime/cancellation';
export type { CancelResult } from './runtime/cancellation';
export { ExecutionGuard, formatDuration } from './timeouts';
export { JobInspector, NoSuchJobError, JobStateError } from './inspection/job-inspector';
export type { JobFilter, JobStatus, JobSummary, QueueStats } from './inspection/job-inspector';
export {
  JOB_STATES,
  SHOWN_STATES,
  isCanceled,
  isShownState,
  countShownStates,
  shownState,
} from './inspection/job-state';
export type { JobState, ShownState } from './inspection/job-state';
export { firstLine, formatTable } from './cli/table';
export { queueRateLimits } from './runtime/rate-limits';
export { cancelJob, jobStatus } from './inspection/control';
export { createClock, startClock, enqueueTask } from './runtime/clock';
export type { Clock, ClockOptions, TickResult } from './runtime/clock';
export {
  resolveSchedule,
  nextRuns,
  tickJobId,
  ScheduleError,
  UnknownScheduledJobError,
  DEFAULT_TIMEZONE,
} from './runtime/schedule';
export type { ScheduleEntry, ScheduledTask } from './runtime/schedule';
export {
  readClockStatus,
  clockKeys,
  CLOCK_HEARTBEAT_INTERVAL_MS,
  CLOCK_STALE_AFTER_MS,
} from './runtime/clock-state';
export type { ClockStatus, TaskStatus, TaskState, ClockInfo, TickOutcome } from './runtime/clock-state';
export * from './events/index';
export type { EventPublisher } from './settings';
export * from './outbox/index';
export type { EnqueueScope } from './enqueuing';
