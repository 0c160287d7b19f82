/**
 * What every bin/jobs command shares: the lazily booted framework (BullMQ adapter, inspector),
 * output as a table or --json, and CliFailure, the one-line error that exits 1.
 *
 * Steps: a command calls cliContext() when it needs Redis/PostgreSQL (services checked, framework
 * booted with the event bus publishing); bin/jobs calls shutdownCliContext() after the command.
 *
 * Example: const { inspector } = await cliContext(); print(o.json, await inspector.stats(), () => '...')
 */
import { InvalidArgumentError } from 'commander';
import { BacklotError, JobInspector, type BullmqAdapter } from '../../framework/index';
import { closeDbPool } from '../../db/pg-pool';
import { createBullmqAdapter } from '../../../config/adapter';
import { bootBacklot } from '../../../config/backlot';
import { env } from '../../../config/env';
import { useCliLogger } from '../../../config/logger';
import { QUEUE_NAMES } from '../../../config/queues';
import { assertServices } from '../../../config/services';

export interface CliContext {
  inspector: JobInspector;
  adapter: BullmqAdapter;
}

let context: CliContext | undefined;
let shutdown: (() => Promise<void>) | undefined;

export async function cliContext(): Promise<CliContext> {
  if (context) return context;
  const e = env();
  useCliLogger();
  await assertServices({ redis: true, postgres: true });
  const adapter = createBullmqAdapter(e);
  const backlot = bootBacklot({ adapter, events: 'publish' });
  shutdown = () => backlot.shutdown();
  context = { adapter, inspector: new JobInspector(adapter, QUEUE_NAMES) };
  return context;
}

export async function shutdownCliContext(): Promise<void> {
  await shutdown?.();
  // Commands that read PostgreSQL only (outbox) use the pg pool without booting the framework.
  await closeDbPool();
}

export function print(json: boolean | undefined, data: unknown, human: () => string): void {
  process.stdout.write(`${json ? JSON.stringify(data, null, 2) : human()}\n`);
}

/** A failure the user caused: its message is printed alone and the command exits 1. */
export class CliFailure extends BacklotError {
  override name = 'CliFailure';
}

export function parseJsonArgument(raw: string, position: number): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new CliFailure(
      `argument ${position} is not valid JSON (${(error as Error).message}); quote strings like '"hello"'`,
    );
  }
}

/**
 * A numeric option's parser: text that is no number is a usage error naming the option and the
 * text (exit 2), not NaN handed on to a check that can only say "got NaN".
 */
export function parseNumberOption(raw: string): number {
  const value = raw.trim() === '' ? Number.NaN : Number(raw);
  if (Number.isNaN(value)) throw new InvalidArgumentError('not a number.');
  return value;
}
