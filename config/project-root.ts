/**
 * The project root: the nearest directory above this module that holds package.json. Found by
 * walking up, so it is the same whether the code runs from its TypeScript sources (tsx) or from a
 * bundle in dist/ (bin/build), which sit at different depths.
 *
 * Example: join(PROJECT_ROOT, 'tmp', 'development_secret.txt')
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function findProjectRoot(from: string): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${from}: cannot tell the project root`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));
