/**
 * Records as `bin/jobs enqueue` arguments: `--record Post:1` (a leading argument, in the order
 * given) or, at any position or depth of a JSON argument, `{"$record": "Post:1"}`. Each is loaded
 * through the Prisma client before enqueueing, so the job stores it by reference (model and id)
 * exactly as performLater(post) from code would, and a record that does not exist is refused here.
 *
 * Example: bin/jobs enqueue DeleteFavoritesJob --record User:3
 *          bin/jobs enqueue UpdateTagCategoryPostCountsJob '{"$record":"Tag:7"}' 500
 */
import { findRecord } from '../../db/record-locator';
import { CliFailure } from './context';

/** The key of the JSON form: {"$record": "Model:id"}. */
export const RECORD_KEY = '$record';

export interface RecordReference {
  model: string;
  id: number | bigint | string;
}

/** "Post:1" -> { model: 'Post', id: 1 } (digits are numbers, or bigints past 2^53; else strings). */
export function parseRecordReference(text: string): RecordReference {
  const match = /^([A-Z][A-Za-z0-9]*):(.+)$/.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new CliFailure(`a record is Model:id, e.g. Post:1 (got ${JSON.stringify(text)})`);
  }
  const raw = match[2];
  if (!/^\d+$/.test(raw)) return { model: match[1], id: raw };
  const big = BigInt(raw);
  return { model: match[1], id: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : big };
}

const ID_REFUSALS = ['PrismaClientValidationError', 'PrismaClientUnknownRequestError'];

async function load(text: string): Promise<object> {
  const { model, id } = parseRecordReference(text);
  let record: object | null;
  try {
    record = await findRecord(model, id);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Prisma refusing the id (a word for an Int id, a number past its range) spans many lines (the
    // call, drawn); its last line says what is wrong.
    if (error instanceof Error && ID_REFUSALS.includes(error.name)) {
      const reason = message.trim().split('\n').at(-1)?.trim() ?? '';
      throw new CliFailure(`${text} is not an id a ${model} can have (${reason})`);
    }
    throw new CliFailure(message);
  }
  if (!record) throw new CliFailure(`no ${model} with id ${String(id)}`);
  return record;
}

/** A JSON argument with every {"$record": "Model:id"} replaced by the loaded record. */
export async function resolveRecords(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map((item) => resolveRecords(item)));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [only] = entries;
  if (entries.length === 1 && only?.[0] === RECORD_KEY) {
    if (typeof only[1] !== 'string')
      throw new CliFailure(`{"${RECORD_KEY}": ...} takes "Model:id", e.g. {"${RECORD_KEY}": "Post:1"}`);
    return load(only[1]);
  }
  const resolved = await Promise.all(entries.map(async ([k, v]) => [k, await resolveRecords(v)] as const));
  return Object.fromEntries(resolved);
}

/** The records of --record options, loaded in order. */
export function loadRecords(references: readonly string[]): Promise<object[]> {
  return Promise.all(references.map((text) => load(text)));
}
