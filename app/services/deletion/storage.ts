/**
 * The files of a record on disk, under one storage root (STORAGE_ROOT, config/env.ts), and their
 * removal for the deleter.
 *
 * Layout:
 *   <root>/uploads/...                       external: upload source files (Upload.sourceFile,
 *                                            relative to the root, or absolute inside it)
 *   <root>/originals/<posts|uploads>/<id>/   local: a post's original image (app/services/posts/post-files.ts)
 *   <root>/thumbnails/<posts|uploads>/<id>/  local, derived from the record: thumbnails, samples
 *   <root>/logs/<posts|uploads>/<id>/        local, derived from the record: processing logs
 *
 * Steps of removeExternalFiles(record): resolve the source file against the root; refuse (throw
 * StorageError) when it lies outside the root, lexically or through a symlinked directory, so a
 * row can never make the deleter remove /etc/passwd; unlink it (never recursively: a directory
 * there is an error). Steps of removeDerivedFiles(record): remove each local directory
 * recursively. A path that does not exist counts as removed (a retried deletion finds it gone);
 * any other error is a StorageError naming the path and the reason, and the deleter keeps the row.
 *
 * Example:
 *   const storage = new DeletionStorage('/srv/backlot/storage');
 *   await storage.removeExternalFiles({ model: 'Upload', id: 7, sourceFile: 'uploads/ab/cd.jpg' })  // ['/srv/.../cd.jpg']
 *   await storage.removeDerivedFiles({ model: 'Post', id: 12 })
 */
import { realpath, rm } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { DeletableModel } from './models';
import { MODEL_TABLES } from './models';

/** What the storage needs of a marked record. */
export interface StoredRecord {
  model: DeletableModel;
  id: number;
  /** Uploads: Upload.sourceFile. */
  sourceFile?: string | null;
}

/** A file of a record could not be removed; the message names the path and the reason. */
export class StorageError extends Error {
  override name = 'StorageError';
}

/** What removing one path did. */
export interface RemovedPath {
  path: string;
  /** false: there was nothing there. */
  existed: boolean;
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  return e.code ? `${e.code}: ${e.message}` : String(e.message ?? error);
}

async function exists(path: string): Promise<boolean> {
  try {
    await realpath(path);
    return true;
  } catch {
    return false;
  }
}

export class DeletionStorage {
  /** The absolute storage root. */
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The external files of a record: an upload's source file; nothing for other models. */
  externalPaths(record: StoredRecord): string[] {
    if (record.model !== 'Upload' || !record.sourceFile) return [];
    return [resolve(this.root, record.sourceFile)];
  }

  /** The local directories of a record (original image, thumbnails, logs). */
  derivedPaths(record: StoredRecord): string[] {
    const table = MODEL_TABLES[record.model];
    return [
      join(this.root, 'originals', table, String(record.id)),
      join(this.root, 'thumbnails', table, String(record.id)),
      join(this.root, 'logs', table, String(record.id)),
    ];
  }

  /** Removes the record's external files; throws StorageError on any failure. */
  async removeExternalFiles(record: StoredRecord): Promise<RemovedPath[]> {
    const removed: RemovedPath[] = [];
    for (const path of this.externalPaths(record)) {
      await this.assertInside(path, `${record.model} ${record.id}'s source file`);
      try {
        await rm(path);
        removed.push({ path, existed: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') removed.push({ path, existed: false });
        else throw new StorageError(`cannot remove ${path}: ${describe(error)}`, { cause: error });
      }
    }
    return removed;
  }

  /** Removes the record's derived directories: throws StorageError on any failure. */
  async removeDerivedFiles(record: StoredRecord): Promise<RemovedPath[]> {
    const removed: RemovedPath[] = [];
    for (const path of this.derivedPaths(record)) {
      await this.assertInside(path, `${record.model} ${record.id}'s derived files`);
      const existed = await exists(path);
      try {
        await rm(path, { recursive: true, force: true });
        removed.push({ path, existed });
      } catch (error) {
        throw new StorageError(`cannot remove ${path}: ${describe(error)}`, { cause: error });
      }
    }
    return removed;
  }

  /**
   * Refuses a path outside the root: lexically, or once the deepest existing directory on its way
   * is resolved (a symlinked directory inside the root that points elsewhere).
   */
  private async assertInside(path: string, what: string): Promise<void> {
    if (!isInside(this.root, path))
      throw new StorageError(
        `${what} ${path} is outside the storage root ${this.root}: refusing to remove it`,
      );
    const realRoot = await realpath(this.root).catch(() => undefined);
    if (realRoot === undefined) return; // no storage root on disk: nothing below it exists
    for (let directory = dirname(path); directory !== this.root; directory = dirname(directory)) {
      const real = await realpath(directory).catch(() => undefined);
      if (real === undefined) continue;
      if (!isInside(realRoot, real))
        throw new StorageError(
          `${what} ${path} resolves outside the storage root ${this.root} (through ${directory} -> ${real}): refusing to remove it`,
        );
      return;
    }
  }
}

/** Whether `path` lies strictly below `root` (both absolute). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
