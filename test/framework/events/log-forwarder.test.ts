/**
 * The log forwarder: one DEBUG line per event produced in the process, secrets filtered, and no
 * event taken into its queue at all above DEBUG.
 */
import { describe, expect, it } from 'vitest';
import { createEvent, logForwarder } from '../../../app/framework/index';
import { captureLogs } from '../../support/log-capture';
import { tick, useBrokers } from './support';

const broker = useBrokers();

describe('logForwarder', () => {
  it('writes one DEBUG line per event with secrets filtered, nothing above DEBUG', async () => {
    const logs = captureLogs('debug');
    const b = broker();
    b.register(logForwarder());
    b.publish(
      createEvent('job.started', {
        jobId: 'j1',
        jobClass: 'SignupJob',
        queue: 'default',
        attempt: 1,
        arguments: [{ email: 'a@b', password: 'hunter2' }],
      }),
    );
    await b.flush(1_000);
    const line = logs.lines.find((l) => l.event === 'bus_event');
    expect(line).toMatchObject({
      level: 20,
      eventType: 'job.started',
      topic: '/jobs/j1',
      msg: 'Event job.started on /jobs/j1',
    });
    expect(line?.data).toMatchObject({ arguments: [{ email: 'a@b', password: '[FILTERED]' }] });

    const quiet = captureLogs('info');
    const before = b.stats()[0]?.delivered;
    b.publish(tick(1));
    await b.flush(1_000);
    expect(quiet.lines).toEqual([]);
    // Above DEBUG the event never enters the log forwarder's queue.
    expect(b.stats()[0]).toMatchObject({ name: 'log', queued: 0, delivered: before });
  });
});
