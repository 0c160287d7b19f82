/**
 * Uploads for the web app: record a received file as an upload (the job does the rest) and show
 * one upload to its uploader (and to moderators and admins; anyone else gets 404, as for an
 * upload that does not exist).
 *
 * Steps of create: the rating must be one of g, s, q, e and the tags one text field (a field sent
 * twice is a 422, not tags silently dropped); createUpload (app/services/uploads)
 * checks the tags by the rules of a post edit (InvalidTagEditError -> ValidationError on
 * tagString), records the upload and enqueues ProcessUploadJob.
 *
 * Example: await uploads.create(user, { sourceFile: 'uploads/incoming/ab12', tagString: 'cat', rating: 'g' })
 */
import { isRecordId } from '../../db/record-id';
import { relative, resolve } from 'node:path';
import type { AppPrismaClient } from '../../db/client';
import type { PostRating } from '../../db/generated/enums';
import { InvalidTagEditError } from '../../services/posts/tag-edit';
import { createUpload } from '../../services/uploads/index';
import { atLeast } from '../auth/levels';
import { NotFoundError, ValidationError } from '../errors';
import type { CurrentUser } from '../middleware/current-user';

export const RATINGS: readonly PostRating[] = ['g', 's', 'q', 'e'];
export const RATING_NAMES: Readonly<Record<PostRating, string>> = {
  g: 'general',
  s: 'sensitive',
  q: 'questionable',
  e: 'explicit',
};

export interface UploadView {
  id: number;
  status: string;
  errorMessage: string | null;
  postId: number | null;
  tagString: string;
  rating: PostRating;
  createdAt: Date;
  uploader: { id: number; name: string } | null;
}

const select = {
  id: true,
  status: true,
  errorMessage: true,
  postId: true,
  tagString: true,
  rating: true,
  createdAt: true,
  uploader: { select: { id: true, name: true } },
} as const;

export function parseRating(value: unknown): PostRating {
  if (value === undefined || value === '') return 'g';
  if (typeof value === 'string' && (RATINGS as readonly string[]).includes(value)) return value as PostRating;
  throw new ValidationError({
    rating: 'Rating must be one of g (general), s (sensitive), q (questionable), e (explicit)',
  });
}

/** The tags as sent: none is '', text is itself; anything else (the field sent twice) is a 422. */
export function parseTagString(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  throw new ValidationError({
    tagString: 'Send the tags once, as one text field (tags separated by spaces)',
  });
}

export class UploadsService {
  constructor(
    private readonly db: AppPrismaClient,
    private readonly storageRoot: string,
  ) {}

  async create(
    user: CurrentUser,
    input: { file: string | undefined; tagString: unknown; rating: unknown },
  ): Promise<UploadView> {
    if (!input.file) throw new ValidationError({ file: 'Choose an image file to upload' });
    const rating = parseRating(input.rating);
    const tagString = parseTagString(input.tagString);
    try {
      const { upload } = await createUpload(this.db, {
        uploaderId: user.id,
        sourceFile: relative(resolve(this.storageRoot), input.file),
        tagString,
        rating,
      });
      return this.find(user, upload.id);
    } catch (error) {
      if (error instanceof InvalidTagEditError) throw new ValidationError({ tagString: error.message });
      throw error;
    }
  }

  async find(viewer: CurrentUser | undefined, id: number): Promise<UploadView> {
    const upload = isRecordId(id) ? await this.db.upload.findUnique({ where: { id }, select }) : null;
    const mayView =
      viewer !== undefined && (upload?.uploader?.id === viewer.id || atLeast(viewer.level, 'moderator'));
    if (!upload || !mayView) throw new NotFoundError(`no upload ${id}`);
    return upload;
  }
}
