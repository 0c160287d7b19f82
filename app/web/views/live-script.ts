/**
 * The live pages' script, app/web/assets/live.js, read once at startup and served at
 * /assets/live.js (a same-origin file, so the pages' CSP `script-src 'self'` allows it and no
 * inline script is needed).
 */
import { readFileSync } from 'node:fs';

export const LIVE_SCRIPT = readFileSync(new URL('../assets/live.js', import.meta.url), 'utf8');
