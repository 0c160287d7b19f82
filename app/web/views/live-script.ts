/**
 * The live pages' script, app/web/assets/live.js, read once at startup and served at
 * /assets/live.js (a same-origin file, so the pages' CSP `script-src 'self'` allows it and no
 * inline script is needed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../config/project-root';

export const LIVE_SCRIPT = readFileSync(join(PROJECT_ROOT, 'app/web/assets/live.js'), 'utf8');
