/**
 * bin/jobs mark-deleted and deletions: mass-mark records for the background deleter, and see what
 * waits for it (app/services/deletion/).
 *
 * Example: registerDeletionCommands(program)   // bin/jobs.ts
 */
import type { Command } from 'commander';
import { formatTable } from '../../framework/index';
import { prisma } from '../../db/client';
import { countMarked } from '../../db/deletion.repository';
import {
  DELETABLE_MODELS,
  deletableModel,
  InvalidCutoffError,
  markUpdatedBefore,
} from '../../services/deletion/index';
import { CliFailure, cliContext, print } from './context';

export function registerDeletionCommands(program: Command): void {
  program
    .command('mark-deleted')
    .description(
      'mark every record of a model whose updated_at is before a timestamp (exact, microseconds) for the deleter',
    )
    .requiredOption('--model <model>', `${DELETABLE_MODELS.join(' or ')}`)
    .requiredOption(
      '--updated-before <iso>',
      'ISO 8601 with a zone, up to 6 fractional digits: 2026-01-01T00:00:00.123456Z',
    )
    .option('--json', 'machine-readable output')
    .action(async (o: { model: string; updatedBefore: string; json?: boolean }) => {
      const model = deletableModel(o.model);
      if (!model) throw new CliFailure(`unknown model ${o.model} (known: ${DELETABLE_MODELS.join(', ')})`);
      await cliContext();
      let result;
      try {
        result = await markUpdatedBefore(prisma(), { model, before: o.updatedBefore });
      } catch (error) {
        if (error instanceof InvalidCutoffError) throw new CliFailure(`--updated-before: ${error.message}`);
        throw error;
      }
      print(
        o.json,
        result,
        () =>
          `Marked ${result.marked} ${model} record(s) updated before ${result.before} for deletion; the deleter (bin/worker) removes them (progress: bin/jobs deletions)`,
      );
    });

  program
    .command('deletions')
    .description('records marked for deletion and waiting for the deleter, per model, with the oldest mark')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      await cliContext();
      const counts = await countMarked(prisma());
      print(o.json, counts, () =>
        formatTable(
          counts.map((c) => ({ model: c.model, marked: c.marked, oldest: c.oldest?.toISOString() ?? '' })),
        ),
      );
    });
}
