/**
 * Where a post's image files live under the storage root (STORAGE_ROOT), and the URLs the web app
 * serves them at. The deleter removes both directories with the post (app/services/deletion/storage.ts
 * lists them among a record's derived paths).
 *
 * Layout (id = the post's id):
 *   <root>/originals/posts/<id>/original.<ext>   the uploaded file, as uploaded
 *   <root>/thumbnails/posts/<id>/thumbnail.webp   at most THUMBNAIL_SIZE px on each side
 *   <root>/thumbnails/posts/<id>/sample.jpg       at most SAMPLE_WIDTH px wide (never enlarged)
 * URLs: /data/posts/<id>/original.<ext>, /data/posts/<id>/thumbnail.webp, /data/posts/<id>/sample.jpg.
 *
 * Example:
 *   postFilePaths('/srv/storage', 12, 'png').thumbnail   // '/srv/storage/thumbnails/posts/12/thumbnail.webp'
 *   postFileUrls({ id: 12, fileExt: 'png' }).original     // '/data/posts/12/original.png'
 */
import { join, resolve } from 'node:path';

/** Longest side of a thumbnail, in pixels (Danbooru's 180). @defaultValue 180 */
export const THUMBNAIL_SIZE = 180;
/** Widest sample, in pixels (Danbooru's 850). @defaultValue 850 */
export const SAMPLE_WIDTH = 850;

export const THUMBNAIL_FILE = 'thumbnail.webp';
export const SAMPLE_FILE = 'sample.jpg';

/** Image types a post can have: the file extension of each, as stored in posts.file_ext. */
export const POST_FILE_EXTS = ['jpg', 'png', 'gif', 'webp'] as const;
export type PostFileExt = (typeof POST_FILE_EXTS)[number];

export interface PostFilePaths {
  originalDir: string;
  derivedDir: string;
  original: string;
  thumbnail: string;
  sample: string;
}

export function postFilePaths(root: string, postId: number, ext: string): PostFilePaths {
  const base = resolve(root);
  const originalDir = join(base, 'originals', 'posts', String(postId));
  const derivedDir = join(base, 'thumbnails', 'posts', String(postId));
  return {
    originalDir,
    derivedDir,
    original: join(originalDir, `original.${ext}`),
    thumbnail: join(derivedDir, THUMBNAIL_FILE),
    sample: join(derivedDir, SAMPLE_FILE),
  };
}

/** The file a /data/posts/<id>/<name> URL names, or undefined when the name is not one of a post's files. */
export function postFileForUrl(root: string, postId: number, name: string): string | undefined {
  if (name === THUMBNAIL_FILE || name === SAMPLE_FILE)
    return join(resolve(root), 'thumbnails', 'posts', String(postId), name);
  const match = /^original\.([a-z]+)$/.exec(name);
  if (match && (POST_FILE_EXTS as readonly string[]).includes(match[1] ?? ''))
    return join(resolve(root), 'originals', 'posts', String(postId), name);
  return undefined;
}

export interface PostFileUrls {
  original: string;
  thumbnail: string;
  sample: string;
}

/** The URLs of a post's files, or undefined for a post without a file. */
export function postFileUrls(post: { id: number; fileExt: string | null }): PostFileUrls | undefined {
  if (!post.fileExt) return undefined;
  const base = `/data/posts/${post.id}`;
  return {
    original: `${base}/original.${post.fileExt}`,
    thumbnail: `${base}/${THUMBNAIL_FILE}`,
    sample: `${base}/${SAMPLE_FILE}`,
  };
}
