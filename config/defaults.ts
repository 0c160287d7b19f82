/**
 * Default connection URLs, shared by config/env.ts and prisma.config.ts (which runs outside the app).
 */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/backlot_development';
