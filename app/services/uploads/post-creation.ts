/**
 * The post an upload becomes: its row, its files in the post's directories, its tags.
 *
 * Steps of createPostFromUpload:
 *   1. one statement inserts the post (md5, rating, file type, size, uploader) unless a post with
 *      that md5 exists, and records the post on the upload. An existing post that is not this
 *      upload's own (from an earlier run of the same job) is a duplicate: DuplicateUploadError
 *      with the post's id, and nothing is written;
 *   2. the original (copied: the source file stays until the upload is completed, so a rerun after
 *      a crash still finds it), the thumbnail and the sample go to the post's directories
 *      (app/services/posts/post-files.ts); a file-system failure is an UploadStorageError
 *      (./files.ts), which ProcessUploadJob retries;
 *   3. the uploader's tags through editPostTags (app/services/posts/tag-edit.ts), the path a post
 *      edit takes, so every tag rule applies the same way. Tags were checked when the upload was
 *      made; a tag refused now (a rule changed meanwhile) is an InvalidTagEditError.
 *
 * Example:
 *   const post = await createPostFromUpload(prisma(), { upload, md5, size, image, files, root })
 *   // { postId: 41, tags: ['1girl', 'smile'] }
 */
import { copyFile, mkdir, rename } from 'node:fs/promises';
import type { AppPrismaClient } from '../../db/client';
import type { PostRating } from '../../db/generated/enums';
import { postFilePaths } from '../posts/post-files';
import { editPostTags } from '../posts/tag-edit';
import { storing, UploadStorageError, type UploadFiles } from './files';
import type { ImageInfo } from './image';

/** A post with the same md5 exists already. */
export class DuplicateUploadError extends Error {
  override name = 'DuplicateUploadError';
  constructor(readonly postId: number) {
    super(`Duplicate of post #${postId}`);
  }
}

export interface UploadForPost {
  id: number;
  uploaderId: number | null;
  tagString: string;
  rating: PostRating;
}

export interface CreatePostInput {
  upload: UploadForPost;
  md5: string;
  size: number;
  image: ImageInfo;
  files: UploadFiles;
  root: string;
}

type PostClient = Pick<
  AppPrismaClient,
  '$queryRaw' | '$executeRaw' | '$queryRawUnsafe' | '$executeRawUnsafe' | '$transaction'
>;

/** Inserts the post or finds this upload's own from an earlier run; DuplicateUploadError otherwise. */
async function claimPost(client: PostClient, input: CreatePostInput): Promise<number> {
  const { upload, md5, size, image } = input;
  const rows = await client.$queryRaw<Array<{ id: number; ours: boolean }>>`
    WITH inserted AS (
      INSERT INTO posts (md5, rating, file_ext, image_width, image_height, file_size, uploader_id, updated_at)
      VALUES (${md5}, ${upload.rating}::post_rating, ${image.ext}, ${image.width}, ${image.height}, ${size}, ${upload.uploaderId}, now())
      ON CONFLICT (md5) DO NOTHING
      RETURNING id
    ),
    post AS (
      SELECT id, true AS fresh FROM inserted
      UNION ALL SELECT id, false FROM posts WHERE md5 = ${md5} AND NOT EXISTS (SELECT 1 FROM inserted)
    ),
    linked AS (
      UPDATE uploads u SET post_id = post.id, updated_at = now() FROM post
      WHERE u.id = ${upload.id} AND (post.fresh OR u.post_id = post.id)
      RETURNING u.post_id
    )
    SELECT post.id, EXISTS (SELECT 1 FROM linked) AS ours FROM post`;
  const row = rows[0];
  if (!row)
    throw new UploadStorageError(
      `another upload of the same file (md5 ${md5}) was being stored at the same time`,
    );
  if (!row.ours) throw new DuplicateUploadError(row.id);
  return row.id;
}

export async function createPostFromUpload(
  client: PostClient,
  input: CreatePostInput,
): Promise<{ postId: number; tags: string[] }> {
  const postId = await claimPost(client, input);
  const target = postFilePaths(input.root, postId, input.image.ext);
  await storing(`post #${postId}'s files`, async () => {
    await mkdir(target.originalDir, { recursive: true });
    await mkdir(target.derivedDir, { recursive: true });
    await copyFile(input.files.source, target.original);
    await rename(input.files.thumbnail, target.thumbnail);
    await rename(input.files.sample, target.sample);
  });
  const tags = await editPostTags(client, postId, input.upload.tagString);
  return { postId, tags };
}
