/**
 * Sending mail from app code: deliverMail enqueues a MailDeliveryJob (default queue), which hands
 * the message to the mail transport with retries (jobs/mail-delivery.job.ts). Nothing is sent in
 * the request that asks for it.
 *
 * Example (web controller or job):
 *   await deliverMail('alice@example.com', 'Your upload is ready', 'See /uploads/12')
 */
import { MailDeliveryJob } from '../../../jobs/mail-delivery.job';

export * from './transport';

/** Enqueues the mail; resolves the job (its jobId is the message id in mail_outbox). */
export function deliverMail(to: string, subject: string, body: string): Promise<MailDeliveryJob> {
  return MailDeliveryJob.performLater(to, subject, body);
}
