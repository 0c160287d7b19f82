/**
 * PruneBansJob (hourly, config/schedule.ts): lifts every ban whose expiry has passed: lifted_at
 * set and a `user_unban` mod action by the system; the ban row stays as history. Bans without an
 * expiry (permanent) and bans expiring later are kept in force. Rules and statement:
 * app/db/ban.repository.ts; chunks of BANS_CHUNK_SIZE, one statement each.
 *
 * Example: await PruneBansJob.performLater()   // -> { lifted: 3 }
 */
import { prisma } from '../app/db/client';
import { BANS_CHUNK_SIZE } from '../app/db/ban.repository';
import { backlotSettings } from '../app/framework/index';
import { liftExpiredBans } from '../app/services/maintenance/bans';
import { ApplicationJob } from './application-job';

export class PruneBansJob extends ApplicationJob {
  async perform(batchSize = BANS_CHUNK_SIZE): Promise<{ lifted: number }> {
    const lifted = await liftExpiredBans(prisma(), {
      batchSize,
      signal: this.signal,
      onProgress: (done) => this.reportProgress({ lifted: done }),
    });
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'prune_bans', lifted },
      `PruneBansJob: lifted ${lifted} expired ban(s)`,
    );
    return { lifted };
  }
}
