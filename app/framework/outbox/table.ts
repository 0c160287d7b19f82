/**
 * The outbox's tables, channel, lock and SQL, in one place. The app's migration creates the
 * tables (prisma/migrations/*_job_outbox):
 *
 *   job_outbox (id bigserial primary key, job_id text unique, kind text, queue text, name text,
 *               data jsonb, opts jsonb, run_at timestamptz null, created_at timestamptz default now())
 *   job_outbox_relay (id int primary key default 1, leader text, leading_since timestamptz,
 *                     last_error text, last_error_at timestamptz)
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
/** pg_try_advisory_lock key held by the leading relay's session. */
export const OUTBOX_LOCK_KEY = `hashtext('backlot:outbox-relay')`;

const COLUMNS = 'job_id, kind, queue, name, data, opts, run_at';
const VALUES = '($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::timestamptz)';
const NOTIFY = `SELECT pg_notify('${OUTBOX_CHANNEL}', '')`;

/** One job, $1..$7: the columns of STAGE_COLUMNS. No NOTIFY: one went earlier in the transaction. */
export const STAGE_ONE_SQL = `INSERT INTO ${OUTBOX_TABLE} (${COLUMNS}) VALUES ${VALUES} ON CONFLICT (job_id) DO NOTHING`;

/** One job and the NOTIFY, in one statement (the first staging of a transaction). */
export const STAGE_ONE_NOTIFY_SQL = `WITH staged AS (${STAGE_ONE_SQL} RETURNING 1)
${NOTIFY} FROM (SELECT 1 FROM staged LIMIT 1) AS any_staged`;

/** $1: a JSON array of rows { job_id, kind, queue, name, data, opts, run_at }. */
export const STAGE_SQL = `WITH staged AS (
  INSERT INTO ${OUTBOX_TABLE} (job_id, kind, queue, name, data, opts, run_at)
  SELECT job_id, kind, queue, name, data, opts, run_at
  FROM jsonb_to_recordset($1::jsonb)
    AS r(job_id text, kind text, queue text, name text, data jsonb, opts jsonb, run_at timestamptz)
  ON CONFLICT (job_id) DO NOTHING
  RETURNING 1
)
SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM (SELECT 1 FROM staged LIMIT 1) AS any_staged`;

/** The oldest rows first; $1: how many. */
export const NEXT_BATCH_SQL = `SELECT id, job_id, kind, queue, name, data, opts,
  (extract(epoch FROM run_at) * 1000)::float8 AS run_at
FROM ${OUTBOX_TABLE} ORDER BY id LIMIT $1`;

/** One statement per batch; $1: the rows' ids. */
export const DELETE_BATCH_SQL = `DELETE FROM ${OUTBOX_TABLE} WHERE id = ANY($1::bigint[])`;

/** $1: the leader's name (host:pid). */
export const RECORD_LEADER_SQL = `INSERT INTO ${OUTBOX_RELAY_TABLE} (id, leader, leading_since)
VALUES (1, $1, now())
ON CONFLICT (id) DO UPDATE SET leader = EXCLUDED.leader, leading_since = EXCLUDED.leading_since`;

/** $1: the error message. */
export const RECORD_ERROR_SQL = `INSERT INTO ${OUTBOX_RELAY_TABLE} (id, last_error, last_error_at)
VALUES (1, $1, now())
ON CONFLICT (id) DO UPDATE SET last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at`;

/**
 * Rows waiting, the oldest row's age, the relay state row, and whether a session holds the
 * leader's lock now (an advisory lock on a bigint key shows in pg_locks as classid = high 32
 * bits, objid = low 32 bits, objsubid = 1).
 */
export const STATUS_SQL = `SELECT
  (SELECT count(*) FROM ${OUTBOX_TABLE})::int AS waiting,
  (SELECT (extract(epoch FROM now() - min(created_at)) * 1000)::float8 FROM ${OUTBOX_TABLE}) AS oldest_age_ms,
  r.leader, r.leading_since, r.last_error, r.last_error_at,
  EXISTS (
    SELECT 1 FROM pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = ((${OUTBOX_LOCK_KEY}::bigint >> 32) & 4294967295)::oid
      AND l.objid = (${OUTBOX_LOCK_KEY}::bigint & 4294967295)::oid
  ) AS leader_alive
FROM (SELECT 1) AS one LEFT JOIN ${OUTBOX_RELAY_TABLE} r ON r.id = 1`;

/** Rows waiting only (the dashboard and /metrics). */
export const COUNT_SQL = `SELECT count(*)::int AS waiting FROM ${OUTBOX_TABLE}`;
