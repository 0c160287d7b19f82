import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { disconnectPrisma } from '../../../app/db/client';
import {
  failNextMailDeliveries,
  InvalidMailError,
  MailDeliveryError,
  mailTransport,
  OutboxMailTransport,
  setMailTransport,
  type MailMessage,
  type MailTransport,
} from '../../../app/services/mail/index';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../../support/database';

const db = testPrisma();
const message = (messageId: string, to = 'a@example.com'): MailMessage => ({
  messageId,
  to,
  subject: 'Subject',
  body: 'Body',
});

beforeEach(() => truncateAll());
afterEach(() => setMailTransport(undefined));
afterAll(async () => {
  await disconnectPrisma();
  await disconnectTestPrisma();
});

describe('OutboxMailTransport', () => {
  it('writes each message once to mail_outbox', async () => {
    const outbox = new OutboxMailTransport(db);
    expect(await outbox.deliver(message('m1'))).toEqual({ messageId: 'm1', delivered: true });
    expect(await outbox.deliver(message('m1'))).toEqual({ messageId: 'm1', delivered: false });
    expect(
      await db.mailOutbox.findMany({
        select: { messageId: true, recipient: true, subject: true, body: true },
      }),
    ).toEqual([{ messageId: 'm1', recipient: 'a@example.com', subject: 'Subject', body: 'Body' }]);
  });

  it('fails the next N deliveries when the switch says so, then delivers again', async () => {
    const outbox = new OutboxMailTransport(db);
    await failNextMailDeliveries(db, 2, 'connection refused');
    await expect(outbox.deliver(message('m1'))).rejects.toThrow(
      new MailDeliveryError('connection refused (mail to a@example.com)'),
    );
    await expect(outbox.deliver(message('m2'))).rejects.toThrow(MailDeliveryError);
    expect(await outbox.deliver(message('m3'))).toEqual({ messageId: 'm3', delivered: true });
    expect((await db.mailOutbox.findMany()).map((m) => m.messageId)).toEqual(['m3']);

    await failNextMailDeliveries(db, 5);
    await failNextMailDeliveries(db, 0);
    expect(await outbox.deliver(message('m4'))).toMatchObject({ delivered: true });
    await expect(failNextMailDeliveries(db, -1)).rejects.toThrow(RangeError);
  });

  it('refuses what is not a mail address or a one-line subject', async () => {
    const outbox = new OutboxMailTransport(db);
    await expect(outbox.deliver(message('m1', 'nobody'))).rejects.toThrow(InvalidMailError);
    await expect(outbox.deliver({ ...message('m2'), subject: 'two\nlines' })).rejects.toThrow(
      InvalidMailError,
    );
    expect(await db.mailOutbox.count()).toBe(0);
  });
});

describe('mailTransport', () => {
  it('is the outbox by default, and another transport once installed', () => {
    expect(mailTransport().name).toBe('outbox');
    const sent: MailMessage[] = [];
    const memory: MailTransport = {
      name: 'memory',
      deliver: (m) => (sent.push(m), Promise.resolve({ messageId: m.messageId, delivered: true })),
    };
    setMailTransport(memory);
    expect(mailTransport()).toBe(memory);
  });
});
