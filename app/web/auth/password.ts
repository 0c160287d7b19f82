/**
 * Password hashing with scrypt (node:crypto): a random 16-byte salt per password, parameters
 * stored beside the hash so they can be raised later, and a timing-safe comparison.
 *
 * Format: `scrypt$<N>$<r>$<p>$<salt base64>$<hash base64>` (64-byte key).
 * Steps of verifyPassword: parse the stored string (anything else never matches), derive the key
 * from the candidate with the stored salt and parameters, compare with crypto.timingSafeEqual.
 *
 * Example:
 *   const stored = await hashPassword('correct horse');
 *   await verifyPassword('correct horse', stored)   // true
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Cost parameters for new hashes: N = 2^15, r = 8, p = 1 (32 MiB, OWASP's scrypt minimum class). */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function derive(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64'), key.toString('base64')].join('$');
}

interface ParsedHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): ParsedHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p || !Number.isInteger(Math.log2(N)) || N > 2 ** 20 || r > 32 || p > 16) return undefined;
  const salt = Buffer.from(parts[4] ?? '', 'base64');
  const key = Buffer.from(parts[5] ?? '', 'base64');
  if (salt.length === 0 || key.length !== KEY_LENGTH) return undefined;
  return { N, r, p, salt, key };
}

/** True when `password` matches `stored`; a missing or malformed hash never matches. */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parsed = stored ? parse(stored) : undefined;
  if (!parsed) {
    await burnTime(password);
    return false;
  }
  const candidate = await derive(password, parsed.salt, parsed);
  return timingSafeEqual(candidate, parsed.key);
}

/** True when `stored` was made with weaker parameters than SCRYPT_PARAMS (rehash at next sign-in). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N < SCRYPT_PARAMS.N || parsed.r < SCRYPT_PARAMS.r || parsed.p < SCRYPT_PARAMS.p;
}

const DUMMY_SALT = randomBytes(SALT_BYTES);

/**
 * Spends as long as a real verification, so that a sign-in for an unknown name (or a user without
 * a password) takes as long as a wrong password and does not reveal which names exist.
 */
export async function burnTime(password: string): Promise<void> {
  await derive(password, DUMMY_SALT, SCRYPT_PARAMS);
}
