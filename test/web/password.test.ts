import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, verifyPassword } from '../../app/web/auth/password';

describe('scrypt passwords', () => {
  it('hashes with a random salt per call and verifies only the right password', async () => {
    const [a, b] = await Promise.all([hashPassword('correct horse'), hashPassword('correct horse')]);
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('correct horse', b)).toBe(true);
    expect(await verifyPassword('correct horsf', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('treats Unicode forms of one password alike (NFKC)', async () => {
    const stored = await hashPassword('caf\u00e9');
    expect(await verifyPassword('cafe\u0301', stored)).toBe(true);
  });

  it('never matches a missing or malformed hash', async () => {
    for (const stored of [
      null,
      undefined,
      '',
      'plain',
      'scrypt$1$8$1$c2FsdA==$aGFzaA==',
      'bcrypt$2b$10$abc',
      'scrypt$32768$8$1$$',
    ]) {
      expect(await verifyPassword('anything', stored)).toBe(false);
    }
  });

  it('asks for a rehash of hashes weaker than the current parameters', async () => {
    expect(needsRehash(await hashPassword('x'))).toBe(false);
    expect(
      needsRehash(
        `scrypt$1024$8$1$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(64).toString('base64')}`,
      ),
    ).toBe(true);
    expect(needsRehash('garbage')).toBe(true);
  });
});
