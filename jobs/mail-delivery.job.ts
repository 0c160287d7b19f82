/**
 * MailDeliveryJob(to, subject, body) (default queue): delivers one mail through the process's mail
 * transport (app/services/mail/transport.ts: the outbox table unless another is installed).
 *
 * Retries: a MailDeliveryError (the transport is down, the outbox switch says fail) is retried up
 * to 8 runs in all, polynomially longer apart (Rails' :polynomially_longer, executions^4 + 2 s plus
 * up to 15 % jitter: about 3 s, 18 s, 83 s, 258 s, 627 s, 1298 s, 2403 s), then the job fails.
 * An InvalidMailError (bad address or subject) is discarded: retrying cannot fix it.
 * The job id is the message id, so a retry after a delivery that did happen (the worker died
 * before acking) writes nothing the second time and returns delivered: false.
 *
 * Enqueued by deliverMail (app/services/mail/index.ts) and by PruneBulkUpdateRequestsJob.
 *
 * Example: await MailDeliveryJob.performLater('alice@example.com', 'Welcome', 'Hello Alice')
 */
import type { DeliveryResult } from '../app/services/mail/transport';
import { InvalidMailError, MailDeliveryError, mailTransport } from '../app/services/mail/transport';
import { ApplicationJob } from './application-job';

/** Runs in all while delivery keeps failing. @defaultValue 8 */
export const MAIL_DELIVERY_ATTEMPTS = 8;

export class MailDeliveryJob extends ApplicationJob {
  static {
    this.retryOn(MailDeliveryError, { attempts: MAIL_DELIVERY_ATTEMPTS, wait: 'polynomiallyLonger' });
    this.discardOn(InvalidMailError);
  }

  async perform(to: string, subject: string, body: string): Promise<DeliveryResult> {
    return mailTransport().deliver({ messageId: this.jobId, to, subject, body });
  }
}
