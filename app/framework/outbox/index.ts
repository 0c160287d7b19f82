/**
 * Transactional enqueue through a PostgreSQL outbox: inside transaction(db, fn) or
 * withTransaction(tx, fn) (scope.ts) every performLater is staged in that transaction, all in
 * one statement at its end; Job.inTransaction(tx).performLater(...) stages one job at the call
 * (staging.ts); the relay (relay.ts) in every worker process adds committed rows to BullMQ under
 * their job id; status.ts reads what waits.
 *
 * Example: await transaction(prisma, async (tx) => { ...; await ResizeJob.performLater(post, 640) })
 */
export { transaction, withTransaction } from './scope';
export type { TransactionOpener } from './scope';
export { startOutboxRelay } from './relay';
export type { OutboxRelay, OutboxRelayOptions, OutboxRelayStatus } from './relay';
export type { LeaderSession as RelaySession } from '../runtime/leader-lock';
export { readOutboxStatus, countOutbox } from './status';
export type { OutboxStatus, OutboxQueryable } from './status';
export type { StagedJob, StagedKind } from './staged-job';
export type { OutboxTransaction, PrismaTransactionLike, PgClientLike } from './transaction';
export { OutboxRelayError, OutboxTransactionError } from './errors';
export { OUTBOX_TABLE, OUTBOX_RELAY_TABLE, OUTBOX_CHANNEL } from './table';
