/**
 * Turns a postgres:// URL into the pg config object Prisma's Wasm schema engine needs.
 *
 * Role: the shadow database is opened as `{ ...config, database: <shadow> }`; a connectionString
 * would override that `database`, so migrations take a config object, never a URL.
 *
 * Example: pgConfigFromUrl('postgresql://root@127.0.0.1:5432/backlot_development')
 *   -> { host: '127.0.0.1', port: 5432, user: 'root', password: undefined, database: 'backlot_development' }
 */
export interface PgConfig {
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
  database: string;
}

export function pgConfigFromUrl(url: string): PgConfig {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname) || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres',
  };
}

/** The same URL pointing at another database on the same server. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
