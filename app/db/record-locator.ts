/**
 * Loads records back by model name and id for the job framework (the GlobalID locator).
 *
 * Steps: installRecordLocator(client) registers a RecordLocator with the framework; when a worker
 * deserializes a { model, id } argument, locate() picks the client's delegate for the model
 * ('User' -> client.user, 'PostVersion' -> client.postVersion) and runs findUnique by id. Ids keep
 * the type they were stored with (Int ids arrive as numbers, BigInt ids as bigint); a missing
 * record resolves null and the framework raises DeserializationError. An unknown model name
 * throws UnknownModelError.
 *
 * Example (in a bin/ entry point, once at boot):
 *   installRecordLocator(prisma());
 */
import { setRecordLocator, type RecordId } from '../framework/index';
import { prisma, type AppPrismaClient } from './client';

export class UnknownModelError extends Error {
  override name = 'UnknownModelError';
}

interface FindUniqueDelegate {
  findUnique(args: { where: { id: RecordId } }): Promise<object | null>;
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** The record of `model` with `id` through `client` (null when there is none); UnknownModelError for a model the client lacks. */
export async function findRecord(
  model: string,
  id: RecordId,
  client: AppPrismaClient = prisma(),
): Promise<object | null> {
  const delegate = (client as unknown as Record<string, Partial<FindUniqueDelegate> | undefined>)[
    lowerFirst(model)
  ];
  if (typeof delegate?.findUnique !== 'function') {
    throw new UnknownModelError(
      `cannot load ${model} ${String(id)}: the Prisma client has no model named ${model}`,
    );
  }
  return delegate.findUnique({ where: { id } });
}

/** Registers a locator that reloads records through `client` (marked again by its extension). */
export function installRecordLocator(client: AppPrismaClient): void {
  setRecordLocator({ locate: (model, id) => findRecord(model, id, client) });
}
