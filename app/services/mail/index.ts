/**
 * Sending mail from app code: deliverMail enqueues a MailDeliveryJob (default queue), which hands
 * the message to the mail transport with retries (jobs/mail-delivery.job.ts). Nothing is sent in
 * the request that asks for it.
 *
 * Example (web controller or job):
 *   await deliverMail('alice@example.com', 'Your upload is ready', 'See /uploads/12')
 *   await transaction(prisma, async (tx) => { ...; await deliverMail(to, subject, body) })   // staged with tx
 */
import { MailDeliveryJob } from '../../../jobs/mail-delivery.job';

export * from './transport';

/**
 * Enqueues the mail; resolves the job (its jobId is the message id in mail_outbox). Inside a
 * transaction scope (the framework's transaction(db, fn)), or with { transaction }: staged in that
 * transaction (the job outbox), so a mail about a change goes out exactly when the change commits.
 */
export function deliverMail(
  to: string,
  subject: string,
  body: string,
  scope: { transaction?: unknown } = {},
): Promise<MailDeliveryJob> {
  if (scope.transaction === undefined) return MailDeliveryJob.performLater(to, subject, body);
  return MailDeliveryJob.inTransaction(scope.transaction).performLater(to, subject, body);
}
