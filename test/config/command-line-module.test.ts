import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkModuleFile,
  importCommandLineModule,
  ModuleNotFoundError,
} from '../../config/command-line-module';
import { ConfigError } from '../../config/env';

describe('a module named on the command line (--require, --schedule)', () => {
  it('refuses a path that names no file with one line naming the option and the absolute path', () => {
    const checking = () => checkModuleFile('test/fixtures/no-such.ts', '--require');
    expect(checking).toThrow(ModuleNotFoundError);
    expect(checking).toThrow(
      `--require test/fixtures/no-such.ts: no such file (${resolve('test/fixtures/no-such.ts')})`,
    );
  });

  it('is a ConfigError, which bin/ entry points print alone and exit 1 on', () => {
    expect(() => checkModuleFile('test/fixtures', '--schedule')).toThrow(ConfigError);
  });

  it('refuses a directory, and finds a file given without its extension as tsx does', () => {
    expect(() => checkModuleFile('test/fixtures', '--schedule')).toThrow(
      '--schedule test/fixtures: no such file',
    );
    expect(checkModuleFile('test/fixtures/cron-schedule', '--schedule')).toBe(
      resolve('test/fixtures/cron-schedule'),
    );
  });

  it('imports a module that exists, exports and all', async () => {
    const module = await importCommandLineModule('test/fixtures/cron-schedule.ts', '--schedule');
    expect(Array.isArray(module.SCHEDULE)).toBe(true);
  });
});
