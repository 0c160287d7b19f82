/**
 * Reading an uploaded image and writing its thumbnail and sample, with sharp (libvips).
 *
 * Steps of probeImage(path): read the header (sharp's metadata: no full decode); refuse a type
 * that is not jpeg, png, gif or webp, or an image without dimensions, with InvalidImageError.
 * Steps of writeDerivatives(source, thumbnail, sample): decode the first frame once per output,
 * turn it upright by its EXIF orientation, resize inside THUMBNAIL_SIZE x THUMBNAIL_SIZE (webp) and to at most
 * SAMPLE_WIDTH wide (jpeg, white behind transparency), never enlarging. A decoding failure (a
 * truncated or corrupt file) is an InvalidImageError with libvips' reason; a failure to write is
 * the file system's error, left as it is (the caller decides whether to retry).
 *
 * Example:
 *   const info = await probeImage('/srv/storage/uploads/incoming/abc');   // { ext: 'png', width: 640, height: 480 }
 *   await writeDerivatives('/srv/.../abc', '/tmp/t.webp', '/tmp/s.jpg');
 */
import type { Metadata, Sharp, SharpOptions } from 'sharp';
import { SAMPLE_WIDTH, THUMBNAIL_SIZE, type PostFileExt } from '../posts/post-files';

/** The file is not an image this app takes, or libvips cannot decode it. */
export class InvalidImageError extends Error {
  override name = 'InvalidImageError';
}

export interface ImageInfo {
  ext: PostFileExt;
  width: number;
  height: number;
}

const FORMAT_EXTS: Readonly<Record<string, PostFileExt>> = {
  jpeg: 'jpg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
};

/**
 * sharp (libvips, a native library of some tens of MB resident) is loaded on the first image, not at
 * import: every worker pool imports the job classes, and most never process an upload.
 */
type SharpFactory = (input: string, options?: SharpOptions) => Sharp;
let loading: Promise<SharpFactory> | undefined;
function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then((module) => module.default);
  return loading;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isFileSystemError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code);
}

export async function probeImage(path: string): Promise<ImageInfo> {
  const sharp = await loadSharp(); // outside the try: a sharp that cannot load is not a bad image
  let metadata: Metadata;
  try {
    metadata = await sharp(path).metadata();
  } catch (error) {
    if (isFileSystemError(error)) throw error;
    throw new InvalidImageError(`not an image: ${reason(error)}`, { cause: error });
  }
  const ext = metadata.format ? FORMAT_EXTS[metadata.format] : undefined;
  if (!ext)
    throw new InvalidImageError(
      `unsupported image type ${metadata.format ?? 'unknown'} (jpeg, png, gif or webp only)`,
    );
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (!width || !height) throw new InvalidImageError('the image has no width or height');
  return { ext, width, height };
}

export async function writeDerivatives(source: string, thumbnail: string, sample: string): Promise<void> {
  const sharp = await loadSharp(); // outside the try: a sharp that cannot load is not a bad image
  const input = () => sharp(source, { failOn: 'error' }).autoOrient();
  try {
    await input()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(thumbnail);
    await input()
      .resize({ width: SAMPLE_WIDTH, withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 85 })
      .toFile(sample);
  } catch (error) {
    if (isFileSystemError(error)) throw error;
    throw new InvalidImageError(`cannot decode the image: ${reason(error)}`, { cause: error });
  }
}
