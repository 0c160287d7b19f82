/**
 * The files of one upload under the storage root, and their removal once the upload has ended
 * without a post (an error, a duplicate, retries exhausted) or has become one.
 *
 * Layout: the received file at Upload.sourceFile (uploads/incoming/<random>, relative to the root;
 * tests may give an absolute path), and the thumbnail and sample rendered while processing in the
 * upload's derived directory, thumbnails/uploads/<id>/ (moved to the post's once it exists).
 * A failure to write is an UploadStorageError (storing). Removal goes through the deleter's DeletionStorage, so a source file outside the root is never
 * touched (StorageError, logged by the caller).
 *
 * Example:
 *   const files = uploadFiles(env().STORAGE_ROOT, upload);  // { source, stagingDir, thumbnail, sample }
 *   await removeUploadFiles(env().STORAGE_ROOT, upload);    // the source file and the staging directory
 */
import { join, resolve } from 'node:path';
import { DeletionStorage } from '../deletion/storage';
import { SAMPLE_FILE, THUMBNAIL_FILE } from '../posts/post-files';

/** Writing a file of an upload or its post failed (disk full, permissions): worth retrying. */
export class UploadStorageError extends Error {
  override name = 'UploadStorageError';
}

/** Runs a file-system step, turning its failure into an UploadStorageError naming `what`. */
export async function storing<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (!e.code) throw error;
    throw new UploadStorageError(`cannot store ${what}: ${e.message}`, { cause: error });
  }
}

/** Where received files are stored, relative to the storage root. */
export const INCOMING_DIR = 'uploads/incoming';

export interface UploadFiles {
  source: string;
  stagingDir: string;
  thumbnail: string;
  sample: string;
}

export function uploadFiles(root: string, upload: { id: number; sourceFile: string }): UploadFiles {
  const stagingDir = join(resolve(root), 'thumbnails', 'uploads', String(upload.id));
  return {
    source: resolve(root, upload.sourceFile),
    stagingDir,
    thumbnail: join(stagingDir, THUMBNAIL_FILE),
    sample: join(stagingDir, SAMPLE_FILE),
  };
}

/** Removes the upload's source file and staging directory; resolves the paths that existed. */
export async function removeUploadFiles(
  root: string,
  upload: { id: number; sourceFile: string },
): Promise<string[]> {
  const storage = new DeletionStorage(root);
  const record = { model: 'Upload' as const, id: upload.id, sourceFile: upload.sourceFile };
  const removed = [
    ...(await storage.removeExternalFiles(record)),
    ...(await storage.removeDerivedFiles(record)),
  ];
  return removed.filter((p) => p.existed).map((p) => p.path);
}
