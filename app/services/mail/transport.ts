/**
 * Mail transports: what MailDeliveryJob hands a message to.
 *
 * The app's transport is OutboxMailTransport: it "delivers" by writing the message to the
 * mail_outbox table (the record of every mail sent; a real SMTP or API transport would implement
 * MailTransport and be installed with setMailTransport at boot). Delivery is idempotent per
 * message id (the delivering job's id): a retried job whose earlier attempt already wrote the row
 * writes nothing and resolves `delivered: false`.
 *
 * Failure switch (tests and outage drills): the one row of mail_transport_switches (id 1). While
 * its fail_next is above 0, each delivery decrements it and throws MailDeliveryError(fail_message)
 * instead of writing, so MailDeliveryJob's retryOn takes over. It lives in the database, so it
 * reaches a worker in another process:
 *   await failNextMailDeliveries(prisma(), 3)          // the next 3 deliveries fail
 *   await failNextMailDeliveries(prisma(), 0)          // back to normal
 *   psql: UPDATE mail_transport_switches SET fail_next = 3   (row created by failNextMailDeliveries)
 *
 * Example:
 *   await mailTransport().deliver({ messageId: 'job-1', to: 'a@example.com', subject: 'Hi', body: '...' });
 */
import type { AppPrismaClient } from '../../db/client';
import { prisma } from '../../db/client';

export interface MailMessage {
  /** Unique per message; deliveries of the same id after the first write nothing. */
  messageId: string;
  to: string;
  subject: string;
  body: string;
}

export interface DeliveryResult {
  messageId: string;
  /** false: a message with this id had already been delivered (a retried job). */
  delivered: boolean;
}

export interface MailTransport {
  readonly name: string;
  /** Delivers the message or throws MailDeliveryError (worth retrying) or InvalidMailError (not). */
  deliver(message: MailMessage): Promise<DeliveryResult>;
}

/** Delivery failed for a reason that may pass (MailDeliveryJob retries it). */
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
}

/** The message cannot be delivered as given (bad address or subject); retrying will not help (MailDeliveryJob discards). */
export class InvalidMailError extends Error {
  override name = 'InvalidMailError';
}

/** One @, something on both sides, no whitespace: a sanity check, not RFC 5322. */
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Longest subject accepted. @defaultValue 998 (RFC 5322 line limit) */
export const MAX_SUBJECT_LENGTH = 998;

export function checkMailMessage(message: MailMessage): void {
  if (!ADDRESS.test(message.to))
    throw new InvalidMailError(`cannot deliver mail to ${JSON.stringify(message.to)}: not a mail address`);
  if (/[\r\n]/.test(message.subject) || message.subject.length > MAX_SUBJECT_LENGTH) {
    throw new InvalidMailError(
      `cannot deliver mail "${message.subject.slice(0, 40)}": the subject must be one line of at most ${MAX_SUBJECT_LENGTH} characters`,
    );
  }
}

type OutboxClient = Pick<AppPrismaClient, '$queryRaw' | '$executeRaw'>;

/** Writes each message to mail_outbox, unless the failure switch says to fail it. */
export class OutboxMailTransport implements MailTransport {
  readonly name = 'outbox';

  constructor(private readonly client: OutboxClient) {}

  async deliver(message: MailMessage): Promise<DeliveryResult> {
    checkMailMessage(message);
    const failure = await this.client.$queryRaw<Array<{ fail_message: string }>>`
      UPDATE mail_transport_switches SET fail_next = fail_next - 1, updated_at = now()
      WHERE id = 1 AND fail_next > 0
      RETURNING fail_message`;
    const failed = failure[0];
    if (failed) throw new MailDeliveryError(`${failed.fail_message} (mail to ${message.to})`);
    const written = await this.client.$executeRaw`
      INSERT INTO mail_outbox (message_id, recipient, subject, body)
      VALUES (${message.messageId}, ${message.to}, ${message.subject}, ${message.body})
      ON CONFLICT (message_id) DO NOTHING`;
    return { messageId: message.messageId, delivered: written === 1 };
  }
}

let current: MailTransport | undefined;

/** The process's transport: the one installed with setMailTransport, else an outbox on prisma(). */
export function mailTransport(): MailTransport {
  current ??= new OutboxMailTransport(prisma());
  return current;
}

/** Installs a transport (undefined: back to the default outbox on prisma()). */
export function setMailTransport(transport: MailTransport | undefined): void {
  current = transport;
}

/**
 * Sets the failure switch: the next `count` deliveries through an outbox transport fail with
 * MailDeliveryError(`message`); 0 turns it off.
 */
export async function failNextMailDeliveries(
  client: Pick<AppPrismaClient, 'mailTransportSwitch'>,
  count: number,
  message = 'simulated mail delivery failure',
): Promise<void> {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`failNextMailDeliveries count must be a whole number >= 0 (got ${count})`);
  await client.mailTransportSwitch.upsert({
    where: { id: 1 },
    create: { id: 1, failNext: count, failMessage: message },
    update: { failNext: count, failMessage: message },
    select: { id: true },
  });
}
