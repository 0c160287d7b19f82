/**
 * Transactional enqueue through a PostgreSQL outbox: Job.inTransaction(tx).performLater(...)
 * stages the job in the caller's transaction (staging.ts); the relay (relay.ts) in every worker
 * process adds committed rows to BullMQ under their job id; status.ts reads what waits.
 *
 * Example: await prisma.$transaction(async (tx) => { ...; await ResizeJob.inTransaction(tx).performLater(post, 640) })
 */
export { startOutboxRelay } from './relay';
export type { OutboxRelay, OutboxRelayOptions, OutboxRelayStatus } from './relay';
export type { LeaderSession as RelaySession } from '../runtime/leader-lock';
export { readOutboxStatus, countOutbox } from './status';
export type { OutboxStatus, OutboxQueryable } from './status';
export type { StagedJob, StagedKind } from './staged-job';
export type { OutboxTransaction, PrismaTransactionLike, PgClientLike } from './transaction';
export { OutboxRelayError, OutboxTransactionError } from './errors';
export { OUTBOX_TABLE, OUTBOX_RELAY_TABLE, OUTBOX_CHANNEL } from './table';
