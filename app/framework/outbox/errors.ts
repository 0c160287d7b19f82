/**
 * Named errors of the job outbox (transactional enqueue).
 *
 * Example: try { await Job.inTransaction(prisma).performLater() } catch (e) { e instanceof OutboxTransactionError }
 */
import { BacklotError } from '../errors';

/** inTransaction was given something that is not a transaction (the root client, a pool). */
export class OutboxTransactionError extends BacklotError {
  override name = 'OutboxTransactionError';
}

/** The relay could not hand a batch to the queue (Redis away, or too slow); the rows stay. */
export class OutboxRelayError extends BacklotError {
  override name = 'OutboxRelayError';
}
