/**
 * Accounts: sign up and authenticate users by name and password.
 *
 * Steps of signUp: validate name and password (AccountError with a message per field), hash the
 * password (scrypt), create a member; a taken name is a field error, not a 500. authenticate
 * finds the user by name and verifies the password in constant time whether or not the name
 * exists; on success it upgrades a hash made with weaker parameters.
 *
 * Example:
 *   const user = await accounts.signUp({ name: 'alice', password: 'correct horse' });
 *   await accounts.authenticate('alice', 'correct horse')  // the user, or undefined
 */
import { z } from 'zod';
import type { AppPrismaClient } from '../../db/client';
import { hashPassword, needsRehash, verifyPassword } from '../auth/password';
import { ValidationError } from '../errors';

export const signUpSchema = z.object({
  name: z
    .string()
    .trim()
    .min(2, { message: 'Name must be 2 to 32 characters' })
    .max(32, { message: 'Name must be 2 to 32 characters' })
    .regex(/^[A-Za-z0-9_.-]+$/, { message: 'Name may only use letters, digits, _ . and -' }),
  password: z
    .string()
    .min(8, { message: 'Password must be at least 8 characters' })
    .max(256, { message: 'Password must be at most 256 characters' }),
});

export type SignUpInput = z.input<typeof signUpSchema>;

export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'base');
    fields[key] ??= issue.message;
  }
  return fields;
}

export class AccountsService {
  constructor(private readonly db: AppPrismaClient) {}

  async signUp(input: unknown) {
    const parsed = signUpSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error));
    const { name, password } = parsed.data;
    const taken = await this.db.user.findFirst({
      where: { name: { equals: name, mode: 'insensitive' } },
      select: { id: true },
    });
    if (taken) throw new ValidationError({ name: 'Name is already taken' });
    try {
      return await this.db.user.create({
        data: { name, passwordHash: await hashPassword(password), level: 'member' },
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'P2002')
        throw new ValidationError({ name: 'Name is already taken' });
      throw error;
    }
  }

  async authenticate(name: unknown, password: unknown) {
    const pw = typeof password === 'string' ? password.slice(0, 1024) : '';
    const user =
      typeof name === 'string' && name.length <= 64
        ? await this.db.user.findUnique({ where: { name: name.trim() } })
        : null;
    const ok = await verifyPassword(pw, user?.passwordHash);
    if (!user || !ok) return undefined;
    if (user.passwordHash && needsRehash(user.passwordHash)) {
      await this.db.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(pw) } });
    }
    return user;
  }
}
