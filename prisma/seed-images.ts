/**
 * The demo posts' pictures, drawn here rather than downloaded: a small SVG scene per post (sky,
 * hills, sun, a few shapes), rendered to PNG with sharp, so a fresh bin/setup shows real
 * thumbnails. The same scene gives the same bytes (and md5) for a given sharp version.
 *
 * Steps of storeDemoImage: render the PNG; write it as the post's original and its thumbnail and
 * sample (app/services/posts/post-files.ts, app/services/uploads/image.ts) under the storage root.
 *
 * Example:
 *   const png = await demoImage({ sky: '#8ec5ff', ground: '#3c8d2f', sun: '#ffd34d', shapes: 3 });
 *   await storeDemoImage('/srv/storage', 12, png);
 */
import { mkdir, writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import { postFilePaths } from '../app/services/posts/post-files';
import { writeDerivatives } from '../app/services/uploads/image';

export interface Scene {
  sky: string;
  ground: string;
  sun: string;
  /** Circles drawn over the hills. */
  shapes: number;
  width?: number;
  height?: number;
}

export async function demoImage(scene: Scene): Promise<Buffer> {
  const width = scene.width ?? 480;
  const height = scene.height ?? 360;
  const circles = Array.from({ length: scene.shapes }, (_, i) => {
    const x = Math.round(((i + 1) * width) / (scene.shapes + 1));
    const r = 18 + ((i * 7) % 20);
    return `<circle cx="${x}" cy="${Math.round(height * 0.72)}" r="${r}" fill="#ffffff" fill-opacity="0.75"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${scene.sky}"/><stop offset="1" stop-color="#ffffff"/></linearGradient></defs>
<rect width="100%" height="100%" fill="url(#sky)"/>
<circle cx="${Math.round(width * 0.78)}" cy="${Math.round(height * 0.24)}" r="${Math.round(height * 0.12)}" fill="${scene.sun}"/>
<path d="M0 ${height * 0.7} Q ${width * 0.25} ${height * 0.45} ${width * 0.5} ${height * 0.65} T ${width} ${height * 0.6} V ${height} H 0 Z" fill="${scene.ground}"/>
${circles}
</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Writes the picture as post `postId`'s original (png), thumbnail and sample. */
export async function storeDemoImage(root: string, postId: number, png: Buffer): Promise<void> {
  const paths = postFilePaths(root, postId, 'png');
  await mkdir(paths.originalDir, { recursive: true });
  await mkdir(paths.derivedDir, { recursive: true });
  await writeFile(paths.original, png);
  await writeDerivatives(paths.original, paths.thumbnail, paths.sample);
}
