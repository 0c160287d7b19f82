/**
 * Shared set-up for the deletion tests: a storage root in a temporary directory, files in it,
 * marked rows, a pool on this worker's test database, and waiting for a condition.
 *
 * Example:
 *   const root = makeStorageRoot(); writeFile(root, 'uploads/a.jpg');
 *   await waitUntil(async () => (await db.post.count()) === 0);
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AppPrismaClient } from '../../../app/db/client';

export function makeStorageRoot(): { root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), 'backlot-storage-'));
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Writes a small file at `relativePath` under `root`, creating its directories. */
export function writeFile(root: string, relativePath: string, content = 'x'): string {
  const path = join(root, relativePath);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

/** Sets deletion_requested_at without going through the marking functions (no NOTIFY). */
export async function markSilently(
  db: AppPrismaClient,
  table: 'posts' | 'uploads',
  ids: readonly number[],
): Promise<void> {
  await db.$executeRawUnsafe(`UPDATE ${table} SET deletion_requested_at = now() WHERE id = ANY($1::int[])`, [
    ...ids,
  ]);
}

export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs = 5_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
