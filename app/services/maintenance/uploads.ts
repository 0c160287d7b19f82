/**
 * PruneUploadsJob's work: uploads still `processing` more than 4 hours after processing started
 * (processing_started_at; updated_at for rows claimed before that column existed) are marked
 * `failed` with an error message: their job died without recording an outcome (ProcessUploadJob
 * itself gives up after 10 minutes). Fresher processing uploads, and every other status, are
 * left alone. Set-based, a chunk of ids per statement; the UPDATE re-checks status and age, so an
 * upload claimed again meanwhile is not failed. Each failed upload's files are removed, and a post
 * it had made before its job died is marked for deletion (discardUploadLeftovers).
 *
 * Example: await failStuckUploads(prisma(), { now: new Date() })  // 2
 */
import type { AppPrismaClient } from '../../db/client';
import { discardUploadLeftovers } from '../uploads/processing';
import { untilShort, type ChunkOptions } from './chunks';

/** How long an upload may stay processing. @defaultValue 4 hours */
export const STUCK_UPLOAD_HOURS = 4;
/** @defaultValue 1000 uploads per statement */
export const UPLOADS_CHUNK_SIZE = 1_000;

export const STUCK_UPLOAD_MESSAGE = `processing did not finish within ${STUCK_UPLOAD_HOURS} hours`;

export function failStuckUploads(
  client: Pick<AppPrismaClient, '$queryRaw' | '$queryRawUnsafe'>,
  options: ChunkOptions & { now?: Date; olderThanHours?: number; storageRoot?: string } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - (options.olderThanHours ?? STUCK_UPLOAD_HOURS) * 3600 * 1000);
  const batchSize = options.batchSize ?? UPLOADS_CHUNK_SIZE;
  return untilShort(
    batchSize,
    async () => {
      const rows = await client.$queryRaw<Array<{ id: number; source_file: string; post_id: number | null }>>`
        WITH stuck AS (
          SELECT id, post_id FROM uploads
          WHERE status = 'processing' AND COALESCE(processing_started_at, updated_at) < ${cutoff}
          ORDER BY id LIMIT ${batchSize}
        )
        UPDATE uploads u SET status = 'failed', error_message = ${STUCK_UPLOAD_MESSAGE}, post_id = NULL, updated_at = ${now}
        FROM stuck s
        WHERE u.id = s.id AND u.status = 'processing' AND COALESCE(u.processing_started_at, u.updated_at) < ${cutoff}
        RETURNING u.id, u.source_file, s.post_id`;
      for (const row of rows)
        await discardUploadLeftovers(
          client,
          { id: row.id, sourceFile: row.source_file, ownPostId: row.post_id },
          { storageRoot: options.storageRoot },
        );
      return rows.length;
    },
    options,
  );
}
