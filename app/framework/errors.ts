/**
 * Named errors of the job framework. Each says what went wrong and where.
 *
 * Steps: BacklotError names each error after its class (`name` is the constructor's name, so a
 * subclass need not repeat it); a subclass adds only its message or fields.
 *
 * Example: try { await ResizeJob.performLater(() => 1) } catch (e) { e instanceof SerializationError }
 */
export class BacklotError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // The class's own name: 'SerializationError' for new SerializationError(...). Bundles keep
    // class names (bin/build.ts, keepNames), so this holds in dist/ too.
    this.name = new.target.name;
  }
}

/** An argument cannot be stored as a job argument; raised at enqueue time, never in the worker. */
export class SerializationError extends BacklotError {}

/** A stored argument cannot be restored, e.g. a record that was deleted before the job ran. */
export class DeserializationError extends BacklotError {}

/**
 * The worker does not know the stored job class name. The job fails and stays in the failed set;
 * the message says where to register the class (the app's list, when it declared one).
 */
export class UnknownJobClassError extends BacklotError {
  constructor(
    readonly jobClass: string,
    registeredIn?: string,
  ) {
    super(
      `unknown job class ${jobClass}: register it ${registeredIn ? `in ${registeredIn}` : 'with registerJobs()'} and restart the workers`,
    );
  }
}

/**
 * performLater of a class missing from the app's list of job classes (requireRegistration): a
 * worker would fail the job as an unknown class, so development and test refuse it at once.
 */
export class UnregisteredJobClassError extends BacklotError {
  constructor(
    readonly jobClass: string,
    registeredIn: string,
  ) {
    super(
      `${jobClass} is not registered: add it to ${registeredIn}, or workers will fail its jobs as an unknown job class`,
    );
  }
}

/** Two job classes claim the same stored name; raised at boot. */
export class DuplicateJobClassError extends BacklotError {}

/**
 * registerJobs() was given something that is not a Job class (undefined from a circular import, a
 * plain class), or a class whose static jobName is not a non-empty string; raised at boot.
 */
export class InvalidJobClassError extends BacklotError {}

/** The adapter cannot schedule jobs in the future (inline). */
export class EnqueueAtNotSupportedError extends BacklotError {}

/**
 * No queue adapter has been configured before the first enqueue: code that enqueues outside a
 * booted process (a script run with plain node or tsx instead of bin/runner, a test without
 * useTestAdapter()).
 */
export class AdapterNotConfiguredError extends BacklotError {}

/** Invalid options given to set(), queueAs(), retryOn() and the like. */
export class JobOptionsError extends BacklotError {}

/** A test-helper assertion did not hold. */
export class AssertionFailedError extends BacklotError {}

/** perform ran past the class's timeout, or reported no progress for touchTimeout. */
export class JobTimeoutError extends BacklotError {}

/** The job was cancelled (bin/jobs cancel, cancelJob()); it ends canceled and is not retried. */
export class JobCanceledError extends BacklotError {}

/** The worker is shutting down past its grace period; the job goes back to the queue. */
export class WorkerShutdownError extends BacklotError {}

/**
 * A stored payload the worker cannot run as a Backlot job: not the JobPayload shape, or an
 * argument of a type no serializer knows. The job fails ("malformed payload: ..."), never retried
 * or discarded: the record is not gone, the job is broken.
 */
export class MalformedPayloadError extends BacklotError {
  constructor(readonly problem: string) {
    super(`malformed payload: ${problem}`);
  }
}

/**
 * The worker no longer holds the job's lock (its renewal failed, or the stall check took the job
 * back): another worker may be running it, so this run is told to stop and its outcome is dropped.
 */
export class JobLockLostError extends BacklotError {}

/** A framework setting with a value it does not know (configureBacklot, BACKLOT_* variables). */
export class SettingsError extends BacklotError {}
