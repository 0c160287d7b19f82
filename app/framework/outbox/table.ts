/**
 * The outbox's tables, channel, lock and SQL, in one place. The app's migration creates the
 * tables (prisma/migrations/*_job_outbox):
 *
 *   job_outbox (id bigserial primary key, job_id text unique, kind text, queue text, name text,
 *               data jsonb, opts jsonb, run_at timestamptz null, created_at timestamptz default now(),
 *               queue_prefix text null)
 *   job_outbox_relay (queue_prefix text primary key, leader text, leading_since timestamptz,
 *                     last_error text, last_error_at timestamptz)
 *
 * The outbox is partitioned by queue prefix (QUEUE_PREFIX): a row names the prefix it was staged
 * under, one relay per prefix leads (its advisory lock's key is made from the prefix) and moves that
 * prefix's rows and the rows staged before the column existed (null), so stacks with different
 * prefixes can share one database.
 *
 * Staging is one statement per explicit performLater (STAGE_ONE_*: one row of parameters), per
 * performAllLater batch or per transaction scope's buffer (STAGE_SQL: the rows as one JSON parameter, jsonb_to_recordset, any row
 * count). The first staging statement of a transaction also NOTIFYs the relay, which PostgreSQL
 * delivers at commit, never after a rollback (a pg client is reused across transactions, so each
 * of its stagings notifies; PostgreSQL folds a transaction's equal notifications into one).
 *
 * Example: await executeIn(tx, STAGE_SQL, [JSON.stringify(rows)])
 */
export const OUTBOX_TABLE = 'job_outbox';
export const OUTBOX_RELAY_TABLE = 'job_outbox_relay';
/** The NOTIFY channel the leading relay LISTENs on. */
export const OUTBOX_CHANNEL = 'backlot_job_outbox';
/** A text as an SQL string literal. */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** The advisory lock key of the relay leading a prefix's rows, the prefix given as an SQL text expression. */
const lockKeyOf = (prefixSql: string) => `hashtext('backlot:outbox-relay:' || ${prefixSql})`;

/** The pg_try_advisory_lock key held by the session of the relay leading `prefix`'s rows. */
export function outboxLockKey(prefix: string): string {
  return lockKeyOf(literal(prefix));
}

const COLUMNS = 'job_id, kind, queue, name, data, opts, run_at, queue_prefix';
const VALUES = '($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::timestamptz, $8)';
const NOTIFY = `SELECT pg_notify('${OUTBOX_CHANNEL}', '')`;

/** One job, $1..$8: the columns of COLUMNS. No NOTIFY: one went earlier in the transaction. */
export const STAGE_ONE_SQL = `INSERT INTO ${OUTBOX_TABLE} (${COLUMNS}) VALUES ${VALUES} ON CONFLICT (job_id) DO NOTHING`;

/** One job and the NOTIFY, in one statement (the first staging of a transaction). */
export const STAGE_ONE_NOTIFY_SQL = `WITH staged AS (${STAGE_ONE_SQL} RETURNING 1)
${NOTIFY} FROM (SELECT 1 FROM staged LIMIT 1) AS any_staged`;

/** $1: a JSON array of rows { job_id, kind, queue, name, data, opts, run_at, queue_prefix }. */
export const STAGE_SQL = `WITH staged AS (
  INSERT INTO ${OUTBOX_TABLE} (${COLUMNS})
  SELECT ${COLUMNS}
  FROM jsonb_to_recordset($1::jsonb)
    AS r(job_id text, kind text, queue text, name text, data jsonb, opts jsonb, run_at timestamptz,
         queue_prefix text)
  ON CONFLICT (job_id) DO NOTHING
  RETURNING 1
)
SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM (SELECT 1 FROM staged LIMIT 1) AS any_staged`;

/** A prefix's rows and the rows staged before the column existed; `param`: the prefix's parameter. */
const OF_PREFIX = (param: string) => `(queue_prefix = ${param} OR queue_prefix IS NULL)`;

/** The oldest rows of a prefix first; $1: how many, $2: the prefix. */
export const NEXT_BATCH_SQL = `SELECT id, job_id, kind, queue, name, data, opts,
  (extract(epoch FROM run_at) * 1000)::float8 AS run_at
FROM ${OUTBOX_TABLE} WHERE ${OF_PREFIX('$2')} ORDER BY id LIMIT $1`;

/** One statement per batch; $1: the rows' ids. */
export const DELETE_BATCH_SQL = `DELETE FROM ${OUTBOX_TABLE} WHERE id = ANY($1::bigint[])`;

/** $1: the prefix, $2: the leader's name (host:pid). */
export const RECORD_LEADER_SQL = `INSERT INTO ${OUTBOX_RELAY_TABLE} (queue_prefix, leader, leading_since)
VALUES ($1, $2, now())
ON CONFLICT (queue_prefix) DO UPDATE SET leader = EXCLUDED.leader, leading_since = EXCLUDED.leading_since`;

/** $1: the prefix, $2: the error message. */
export const RECORD_ERROR_SQL = `INSERT INTO ${OUTBOX_RELAY_TABLE} (queue_prefix, last_error, last_error_at)
VALUES ($1, $2, now())
ON CONFLICT (queue_prefix) DO UPDATE SET last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at`;

/**
 * A prefix's rows waiting, the oldest one's age, its relay state row, and whether a session holds
 * its leader's lock now (an advisory lock on a bigint key shows in pg_locks as classid = high 32
 * bits, objid = low 32 bits, objsubid = 1); $1: the prefix.
 */
export const STATUS_SQL = `SELECT
  (SELECT count(*) FROM ${OUTBOX_TABLE} WHERE ${OF_PREFIX('$1')})::int AS waiting,
  (SELECT (extract(epoch FROM now() - min(created_at)) * 1000)::float8 FROM ${OUTBOX_TABLE}
    WHERE ${OF_PREFIX('$1')}) AS oldest_age_ms,
  r.leader, r.leading_since, r.last_error, r.last_error_at,
  EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = ((${lockKeyOf('$1')}::bigint >> 32) & 4294967295)::oid
      AND l.objid = (${lockKeyOf('$1')}::bigint & 4294967295)::oid
  ) AS leader_alive
FROM (SELECT 1) AS one LEFT JOIN ${OUTBOX_RELAY_TABLE} r ON r.queue_prefix = $1`;

/** A prefix's rows waiting only (the dashboard and /metrics); $1: the prefix. */
export const COUNT_SQL = `SELECT count(*)::int AS waiting FROM ${OUTBOX_TABLE} WHERE ${OF_PREFIX('$1')}`;
