/**
 * The seeded admin's password (bin/setup -> prisma/seed.ts): from ADMIN_PASSWORD when given,
 * otherwise a random one, generated and printed once, when the admin has none yet.
 *
 * Steps: find the user (creating it as an admin if missing); with a password given, store its
 * scrypt hash unless the stored one already matches ('set' / 'kept'); without one, keep an existing
 * hash ('kept') or generate 18 random bytes (base64url, 24 characters), store the hash and say the
 * password through `say` ('generated'). The password itself is never logged elsewhere or stored.
 *
 * Example (prisma/seed.ts): await ensureAdminPassword(client, { password: env().ADMIN_PASSWORD });
 */
import { randomBytes } from 'node:crypto';
import type { AppPrismaClient } from '../../db/client';
import { hashPassword, verifyPassword } from './password';

export interface AdminPasswordOptions {
  /** The password to set; undefined generates one if the admin has none. */
  password: string | undefined;
  /** @defaultValue 'admin' */
  name?: string;
  /** Where the generated password is shown. @defaultValue stdout */
  say?: (line: string) => void;
}

export type AdminPasswordOutcome = 'set' | 'kept' | 'generated';

export async function ensureAdminPassword(
  client: AppPrismaClient,
  options: AdminPasswordOptions,
): Promise<AdminPasswordOutcome> {
  const name = options.name ?? 'admin';
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const admin = await client.user.upsert({ where: { name }, create: { name, level: 'admin' }, update: {} });
  if (options.password !== undefined) {
    if (admin.passwordHash && (await verifyPassword(options.password, admin.passwordHash))) return 'kept';
    await client.user.update({
      where: { id: admin.id },
      data: { passwordHash: await hashPassword(options.password) },
    });
    return 'set';
  }
  if (admin.passwordHash) return 'kept';
  const password = randomBytes(18).toString('base64url');
  await client.user.update({ where: { id: admin.id }, data: { passwordHash: await hashPassword(password) } });
  say(
    `Sign in to the web app as "${name}" with password ${password} (shown only now; set ADMIN_PASSWORD to choose it)`,
  );
  return 'generated';
}
