/**
 * A module named on the command line (bin/worker and bin/web --require, bin/cron and bin/jobs cron
 * --schedule): a path that names no file is one line naming the option and the path, instead of
 * Node's ERR_MODULE_NOT_FOUND stack (and, under bin/worker, pool children crashing in a loop).
 *
 * Steps: resolve the path against the working directory; checkModuleFile() throws
 * ModuleNotFoundError when neither the path nor the path with a script extension is a file;
 * importCommandLineModule() checks, then imports (an error inside the module is the module's own
 * and keeps its stack).
 *
 * Example: await importCommandLineModule('test/fixtures/jobs.ts', '--require')
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from './env';

/** A --require or --schedule path that names no file. */
export class ModuleNotFoundError extends ConfigError {
  override name = 'ModuleNotFoundError';
}

/** Extensions an extensionless path may resolve to (tsx adds them, as a bundler would). */
const EXTENSIONS = ['', '.ts', '.mts', '.js', '.mjs'];

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** The absolute path, or ModuleNotFoundError naming the option and what was looked for. */
export function checkModuleFile(path: string, option: string): string {
  const absolute = resolve(path);
  if (EXTENSIONS.some((extension) => isFile(`${absolute}${extension}`))) return absolute;
  throw new ModuleNotFoundError(`${option} ${path}: no such file (${absolute})`);
}

export async function importCommandLineModule(
  path: string,
  option: string,
): Promise<Record<string, unknown>> {
  return (await import(pathToFileURL(checkModuleFile(path, option)).href)) as Record<string, unknown>;
}
