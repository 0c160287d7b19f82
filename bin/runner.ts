/**
 * bin/runner: runs a TypeScript file inside a booted app, like `rails runner`: the queue adapter
 * of this environment, Prisma, the record locator and every job class of jobs/index.ts are ready
 * before the file's first line, and everything is closed after its last.
 *
 *   bin/runner scripts/enqueue-ping.ts hello     the file runs top to bottom; a default export
 *                                                 function is then called with the arguments
 *
 * Steps: check Redis and PostgreSQL (one line and exit 1 when one does not answer); boot the
 * framework (config/backlot.ts); import the file; await its default export (args) when it is a
 * function; shut the framework down (queues, Prisma, the pg pool) and exit 0, or print the
 * error's stack and exit 1. Logs go to stderr (warn, or LOG_LEVEL), stdout is the script's own.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { bootBacklot } from '../config/backlot';
import { boot } from '../config/boot';
import { ConfigError, env } from '../config/env';
import { useCliLogger } from '../config/logger';
import { assertServices } from '../config/services';

const program = new Command('bin/runner')
  .description('Run a TypeScript file with Backlot booted (adapter, Prisma, record locator, job classes).')
  .argument('<file>', 'the file to run, e.g. scripts/enqueue-ping.ts')
  .argument('[args...]', "passed to the file's default export, when it exports a function")
  .passThroughOptions()
  .addHelpText('after', '\nExample:\n  bin/runner scripts/enqueue-ping.ts hello\n');

/**
 * A script's module. A .ts file with no "type": "module" package.json above it (outside the
 * project) loads as CommonJS, and one that exports or imports then fails in Node's require(esm)
 * with ERR_REQUIRE_CYCLE_MODULE, a stack naming neither cause nor fix: said in one line instead.
 */
async function importScript(file: string): Promise<unknown> {
  try {
    return (await import(pathToFileURL(resolve(file)).href)) as unknown;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_CYCLE_MODULE') throw error;
    throw new ConfigError(
      `bin/runner: ${file} loads as CommonJS (no package.json with "type": "module" above it) but uses import or export: move it under scripts/, or name it .mts`,
    );
  }
}

await boot(async () => {
  program.parse();
  const [file, args] = program.processedArgs as [string, string[]];
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) return program.error(`bin/runner: no such file: ${file}`);
  if (!stat.isFile())
    program.error(`bin/runner: not a file: ${file} (give a script, e.g. scripts/enqueue-ping.ts)`);
  env();
  useCliLogger();
  await assertServices({ redis: true, postgres: true });
  const backlot = bootBacklot();
  try {
    const module = (await importScript(file)) as { default?: unknown };
    if (typeof module.default === 'function') await (module.default as (a: string[]) => unknown)(args);
  } finally {
    // Also when the file failed: boot() then prints its error and exits 1.
    await backlot.shutdown();
  }
  process.exit(0);
});
