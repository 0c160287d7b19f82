/**
 * A job class for the browser test, loaded by its worker with `bin/worker --require
 * test/web/browser/fixtures.ts`: FlakyJob fails until its Redis key holds "ok", then sleeps a
 * little (so a page can show it running before it completes) and succeeds.
 */
import { Redis } from 'ioredis';
import { Job } from '../../../app/framework/index';

let redis: Redis | undefined;
function store(): Redis {
  redis ??= new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').on('error', () => undefined);
  return redis;
}

export class FlakyJob extends Job {
  static override jobName = 'Fixture.FlakyJob';

  async perform(
    key: string,
    label: string,
    _options: Record<string, unknown>,
    sleepMs = 1_500,
  ): Promise<string> {
    if ((await store().get(key)) !== 'ok') throw new Error(`not yet: ${label}`);
    await new Promise((resolve) => setTimeout(resolve, sleepMs));
    return `done: ${label}`;
  }
}
