import { describe, expect, it } from 'vitest';
import {
  AdapterNotConfiguredError,
  AssertionFailedError,
  BacklotError,
  CrossSlotError,
  DeserializationError,
  DuplicateJobClassError,
  EnqueueAtNotSupportedError,
  InvalidJobClassError,
  JobCanceledError,
  JobLockLostError,
  JobOptionsError,
  JobTimeoutError,
  MalformedPayloadError,
  PoolSpecError,
  SerializationError,
  SettingsError,
  UnknownJobClassError,
  UnregisteredJobClassError,
  WorkerShutdownError,
} from '../../app/framework/index';

/** The errors that take a message as they are, by the name each must have. */
const plainErrors = {
  BacklotError,
  SerializationError,
  DeserializationError,
  DuplicateJobClassError,
  InvalidJobClassError,
  EnqueueAtNotSupportedError,
  AdapterNotConfiguredError,
  JobOptionsError,
  AssertionFailedError,
  JobTimeoutError,
  JobCanceledError,
  WorkerShutdownError,
  JobLockLostError,
  SettingsError,
};

describe('framework errors', () => {
  it.each(Object.entries(plainErrors))(
    '%s is named after its class, is a BacklotError and keeps its message',
    (name, ErrorClass) => {
      const error = new ErrorClass('m');
      expect(error.name).toBe(name);
      expect(error).toBeInstanceOf(BacklotError);
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe('m');
      expect(String(error)).toBe(`${name}: m`);
      expect(error.stack?.split('\n')[0]).toBe(`${name}: m`);
    },
  );

  it('keeps the cause it is given', () => {
    const cause = new Error('underneath');
    expect(new SettingsError('m', { cause }).cause).toBe(cause);
  });

  it('names the errors that build their own message and keeps their fields', () => {
    const unknown = new UnknownJobClassError('GoneJob', 'jobs/index.ts');
    expect(unknown.name).toBe('UnknownJobClassError');
    expect(unknown.jobClass).toBe('GoneJob');
    expect(unknown.message).toBe(
      'unknown job class GoneJob: register it in jobs/index.ts and restart the workers',
    );
    expect(new UnknownJobClassError('GoneJob').message).toContain('register it with registerJobs()');

    const unregistered = new UnregisteredJobClassError('NewJob', 'jobs/index.ts');
    expect(unregistered.name).toBe('UnregisteredJobClassError');
    expect(unregistered.message).toBe(
      'NewJob is not registered: add it to jobs/index.ts, or workers will fail its jobs as an unknown job class',
    );

    const malformed = new MalformedPayloadError('no jobClass');
    expect(malformed.name).toBe('MalformedPayloadError');
    expect(malformed.problem).toBe('no jobClass');
    expect(malformed.message).toBe('malformed payload: no jobClass');
  });

  it('names a subclass of a subclass after itself, with no name of its own to set', () => {
    const poolSpec = new PoolSpecError('bad pool');
    expect(poolSpec.name).toBe('PoolSpecError');
    expect(poolSpec).toBeInstanceOf(JobOptionsError);
    expect(new CrossSlotError('m').name).toBe('CrossSlotError');
  });
});
