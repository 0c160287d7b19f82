/**
 * Small real images for upload specs, made with sharp in memory (nothing downloaded).
 *
 * Example: await writeFile(path, await imageBytes({ width: 640, height: 480, format: 'png' }))
 */
import sharp from 'sharp';

export interface ImageSpec {
  width?: number;
  height?: number;
  format?: 'png' | 'jpeg' | 'gif' | 'webp';
  /** Fill colour; different colours make different md5s. @defaultValue '#3366cc' */
  color?: string;
}

export async function imageBytes(spec: ImageSpec = {}): Promise<Buffer> {
  const image = sharp({
    create: {
      width: spec.width ?? 64,
      height: spec.height ?? 48,
      channels: 3,
      background: spec.color ?? '#3366cc',
    },
  });
  return image.toFormat(spec.format ?? 'png').toBuffer();
}
