/**
 * `--require <module>` for bin/worker and bin/web (like sidekiq -r): imports each module and
 * registers the Job classes it exports, so a process knows classes outside jobs/index.ts (test
 * fixtures, plug-ins). bin/web needs them to enqueue such a class again from job history.
 *
 * Example: await loadJobModules(['test/web/browser/fixtures.ts'])
 */
import { Job, registerJobs, type AnyJobClass } from '../app/framework/index';
import { importCommandLineModule } from './command-line-module';

export async function loadJobModules(paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const module = await importCommandLineModule(path, '--require');
    registerJobs(
      Object.values(module).filter(
        (value): value is AnyJobClass => typeof value === 'function' && value.prototype instanceof Job,
      ),
    );
  }
}
