import { describe, expect, it } from 'vitest';
import {
  configureBacklot,
  DuplicateJobClassError,
  isRegistered,
  Job,
  jobNameOf,
  lookupJob,
  registeredJobNames,
  registerJobs,
  TestAdapter,
  UnknownJobClassError,
} from '../../app/framework/index';

function twin(): typeof Job {
  // A second class with the same class name, as two files declaring `class ReportJob` would give.
  return class RegistryTest_Report extends Job {
    perform() {}
  };
}

class RegistryTest_Plain extends Job {
  perform() {}
}

class RenamedJob extends Job {
  static override jobName = 'RegistryTest_LegacyName';
  perform() {}
}

class RenamedChildJob extends RenamedJob {}

describe('job registry', () => {
  it('stores a class under its class name by default', () => {
    expect(jobNameOf(RegistryTest_Plain)).toBe('RegistryTest_Plain');
    registerJobs([RegistryTest_Plain]);
    expect(lookupJob('RegistryTest_Plain')).toBe(RegistryTest_Plain);
  });

  it('stores a class under its static jobName when it sets one', () => {
    registerJobs([RenamedJob]);
    expect(jobNameOf(RenamedJob)).toBe('RegistryTest_LegacyName');
    expect(lookupJob('RegistryTest_LegacyName')).toBe(RenamedJob);
    expect(isRegistered('RenamedJob')).toBe(false);
  });

  it('does not pass a jobName on to subclasses: they keep their own class name', () => {
    expect(jobNameOf(RenamedChildJob)).toBe('RenamedChildJob');
    registerJobs([RenamedJob, RenamedChildJob]);
    expect(lookupJob('RenamedChildJob')).toBe(RenamedChildJob);
    expect(lookupJob('RegistryTest_LegacyName')).toBe(RenamedJob);
  });

  it('accepts the same class registered twice', () => {
    registerJobs([RegistryTest_Plain, RegistryTest_Plain]);
    registerJobs([RegistryTest_Plain]);
    expect(registeredJobNames().filter((n) => n === 'RegistryTest_Plain')).toHaveLength(1);
  });

  it('refuses two different classes with one stored name', () => {
    const first = twin();
    const second = twin();
    registerJobs([first]);
    expect(() => registerJobs([second])).toThrow(DuplicateJobClassError);
    expect(() => registerJobs([second])).toThrow(
      'two job classes are named "RegistryTest_Report": set a distinct static jobName on one of them',
    );
    expect(lookupJob('RegistryTest_Report')).toBe(first);
  });

  it('refuses a jobName that another class already uses', () => {
    class Impostor extends Job {
      static override jobName = 'RegistryTest_LegacyName';
      perform() {}
    }
    registerJobs([RenamedJob]);
    expect(() => registerJobs([Impostor])).toThrow(DuplicateJobClassError);
  });

  it('registers a class when it is first enqueued, so a clash fails at enqueue', async () => {
    configureBacklot({ adapter: new TestAdapter(), queues: [] });
    class RegistryTest_Enqueued extends Job {
      perform() {}
    }
    class Clash extends Job {
      static override jobName = 'RegistryTest_Enqueued';
      perform() {}
    }
    expect(isRegistered('RegistryTest_Enqueued')).toBe(false);
    await RegistryTest_Enqueued.performLater();
    expect(lookupJob('RegistryTest_Enqueued')).toBe(RegistryTest_Enqueued);
    await expect(Clash.performLater()).rejects.toBeInstanceOf(DuplicateJobClassError);
  });

  it('fails a lookup of an unknown name with UnknownJobClassError "unknown job class X"', () => {
    expect(() => lookupJob('RegistryTest_Nope')).toThrow(UnknownJobClassError);
    expect(() => lookupJob('RegistryTest_Nope')).toThrow('unknown job class RegistryTest_Nope');
    try {
      lookupJob('RegistryTest_Nope');
    } catch (error) {
      expect((error as UnknownJobClassError).jobClass).toBe('RegistryTest_Nope');
    }
  });

  it('lists the registered names sorted', () => {
    registerJobs([RenamedJob, RegistryTest_Plain]);
    const names = registeredJobNames();
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['RegistryTest_LegacyName', 'RegistryTest_Plain']));
  });
});
