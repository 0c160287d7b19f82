/**
 * RetireTagRelationshipsJob (weekly, config/schedule.ts): active aliases and implications created
 * over 2 years ago whose consequent tag got no new post in 2 years become `retired`, each with a
 * mod action by the system. The rules are documented in app/services/maintenance/tag-relationships.ts
 * (Danbooru's TagRelationshipRetirementService); chunks of RETIREMENT_CHUNK_SIZE candidates, one
 * statement each.
 *
 * Example: await RetireTagRelationshipsJob.performLater()   // -> { aliases: 1, implications: 3 }
 */
import { prisma } from '../app/db/client';
import { backlotSettings } from '../app/framework/index';
import {
  retireTagRelationships,
  RETIREMENT_CHUNK_SIZE,
  type RetirementResult,
} from '../app/services/maintenance/tag-relationships';
import { ApplicationJob } from './application-job';

export class RetireTagRelationshipsJob extends ApplicationJob {
  async perform(batchSize = RETIREMENT_CHUNK_SIZE): Promise<RetirementResult> {
    const result = await retireTagRelationships(prisma(), {
      batchSize,
      signal: this.signal,
      onProgress: (progress) => this.reportProgress(progress),
    });
    backlotSettings().logger.info(
      { jobId: this.jobId, event: 'retire_tag_relationships', ...result },
      `RetireTagRelationshipsJob: retired ${result.aliases} alias(es) and ${result.implications} implication(s)`,
    );
    return result;
  }
}
