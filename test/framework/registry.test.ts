import { afterEach, describe, expect, it } from 'vitest';
import {
  configureBacklot,
  DuplicateJobClassError,
  InvalidJobClassError,
  isRegistered,
  Job,
  jobNameOf,
  lookupJob,
  registeredJobNames,
  registerJobs,
  requireRegistration,
  TestAdapter,
  UnknownJobClassError,
  UnregisteredJobClassError,
} from '../../app/framework/index';
import { captureLogs } from '../support/log-capture';

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

  it('refuses an entry that is not a Job class, naming its position (undefined: an import cycle)', () => {
    class NotAJob {}
    class RegistryTest_BeforeTheGap extends Job {
      perform() {}
    }
    const list = [RegistryTest_BeforeTheGap, undefined, NotAJob] as unknown as (typeof Job)[];
    expect(() => registerJobs(list)).toThrow(InvalidJobClassError);
    expect(() => registerJobs(list)).toThrow(
      'registerJobs takes Job classes: entry 2 is undefined (an import cycle?)',
    );
    expect(() => registerJobs([NotAJob] as unknown as (typeof Job)[])).toThrow(
      'registerJobs takes Job classes: entry 1 is class NotAJob, which does not extend Job',
    );
    expect(isRegistered('RegistryTest_BeforeTheGap')).toBe(false); // nothing of a refused list
  });

  it.each([
    ['an empty jobName', { jobName: '' }, `static jobName must be a non-empty string (got "")`],
    ['a jobName that is no string', { jobName: 7 }, 'static jobName must be a non-empty string (got 7)'],
    ['a timeout in a string', { timeout: '600' }, 'static timeout must be a number of seconds (got "600")'],
    [
      'a touchTimeout of NaN',
      { touchTimeout: Number.NaN },
      'static touchTimeout must be a number of seconds',
    ],
  ])('refuses a class with %s, naming the class', (_what, statics, message) => {
    class RegistryTest_BadStatics extends Job {
      perform() {}
    }
    Object.assign(RegistryTest_BadStatics, statics);
    expect(() => registerJobs([RegistryTest_BadStatics])).toThrow(InvalidJobClassError);
    expect(() => registerJobs([RegistryTest_BadStatics])).toThrow(`RegistryTest_BadStatics's ${message}`);
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

  it('fails a lookup of an unknown name with UnknownJobClassError "unknown job class X" and the fix', () => {
    expect(() => lookupJob('RegistryTest_Nope')).toThrow(UnknownJobClassError);
    expect(() => lookupJob('RegistryTest_Nope')).toThrow(
      'unknown job class RegistryTest_Nope: register it with registerJobs() and restart the workers',
    );
    try {
      lookupJob('RegistryTest_Nope');
    } catch (error) {
      expect((error as UnknownJobClassError).jobClass).toBe('RegistryTest_Nope');
    }
  });

  describe("with the app's list declared (requireRegistration)", () => {
    afterEach(() => requireRegistration(undefined));

    it('names the list in the unknown-class message a worker gives', () => {
      requireRegistration({ registeredIn: 'jobs/index.ts', unregistered: 'throw' });
      expect(() => lookupJob('RegistryTest_Nope')).toThrow(
        'unknown job class RegistryTest_Nope: register it in jobs/index.ts and restart the workers',
      );
    });

    it("'throw': performLater of a class missing from the list fails at once, naming the file", async () => {
      const adapter = new TestAdapter();
      configureBacklot({ adapter, queues: [] });
      requireRegistration({ registeredIn: 'jobs/index.ts', unregistered: 'throw' });
      class RegistryTest_Unlisted extends Job {
        perform() {}
      }
      const refused = RegistryTest_Unlisted.performLater();
      await expect(refused).rejects.toBeInstanceOf(UnregisteredJobClassError);
      await expect(RegistryTest_Unlisted.performLater()).rejects.toThrow(
        'RegistryTest_Unlisted is not registered: add it to jobs/index.ts, or workers will fail its jobs as an unknown job class',
      );
      expect(adapter.enqueued).toHaveLength(0);
      expect(isRegistered('RegistryTest_Unlisted')).toBe(false);
    });

    it("'throw': a listed class enqueues as usual", async () => {
      const adapter = new TestAdapter();
      configureBacklot({ adapter, queues: [] });
      class RegistryTest_Listed extends Job {
        perform() {}
      }
      registerJobs([RegistryTest_Listed]);
      requireRegistration({ registeredIn: 'jobs/index.ts', unregistered: 'throw' });
      await RegistryTest_Listed.performLater();
      expect(adapter.enqueued).toHaveLength(1);
    });

    it("'warn': the job is enqueued and one warning per class names the file", async () => {
      const adapter = new TestAdapter();
      configureBacklot({ adapter, queues: [] });
      const logs = captureLogs('warn');
      requireRegistration({ registeredIn: 'jobs/index.ts', unregistered: 'warn' });
      class RegistryTest_Warned extends Job {
        perform() {}
      }
      await RegistryTest_Warned.performLater();
      await RegistryTest_Warned.performLater();
      expect(adapter.enqueued).toHaveLength(2);
      const warnings = logs.lines.filter((l) => l.event === 'unregistered_job');
      expect(warnings.map((l) => [l.level, l.jobClass, l.msg])).toEqual([
        [
          40,
          'RegistryTest_Warned',
          'RegistryTest_Warned is not registered: add it to jobs/index.ts, or workers will fail its jobs as an unknown job class',
        ],
      ]);
    });
  });

  it('lists the registered names sorted', () => {
    registerJobs([RenamedJob, RegistryTest_Plain]);
    const names = registeredJobNames();
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['RegistryTest_LegacyName', 'RegistryTest_Plain']));
  });
});
