/**
 * The app's icon, app/web/assets/favicon.svg, read once at startup and served at /favicon.svg
 * (pages link it; /favicon.ico, which browsers ask for on their own, redirects there).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../config/project-root';

export const FAVICON_PATH = '/favicon.svg';
export const FAVICON_SVG = readFileSync(join(PROJECT_ROOT, 'app/web/assets/favicon.svg'), 'utf8');
