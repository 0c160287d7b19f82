import { describe, expect, it } from 'vitest';
import { AdapterNotConfiguredError, configureBacklot, Job, queueAdapter } from '../../app/framework/index';

class SettingsTest_Job extends Job {
  perform() {}
}

describe('framework settings', () => {
  it('without an adapter, enqueueing fails with AdapterNotConfiguredError naming bin/runner', async () => {
    configureBacklot({ adapter: undefined });
    expect(() => queueAdapter()).toThrow(AdapterNotConfiguredError);
    await expect(SettingsTest_Job.performLater()).rejects.toThrow(
      'no queue adapter is configured: run scripts with bin/runner FILE.ts (it boots Backlot), or call configureBacklot({ adapter }) at boot',
    );
  });
});
