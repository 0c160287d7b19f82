import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureAdminPassword } from '../../app/web/auth/admin-password';
import { verifyPassword } from '../../app/web/auth/password';
import { disconnectTestPrisma, testPrisma, truncateAll } from '../support/database';

describe('ensureAdminPassword (the seed hook)', () => {
  const db = testPrisma();
  beforeEach(() => truncateAll());
  afterAll(() => disconnectTestPrisma());

  const hashOf = async () => (await db.user.findUniqueOrThrow({ where: { name: 'admin' } })).passwordHash;

  it('sets ADMIN_PASSWORD, and leaves a matching hash alone', async () => {
    expect(await ensureAdminPassword(db, { password: 'from the environment', say: () => undefined })).toBe(
      'set',
    );
    const hash = await hashOf();
    expect(await verifyPassword('from the environment', hash)).toBe(true);
    expect((await db.user.findUniqueOrThrow({ where: { name: 'admin' } })).level).toBe('admin');
    expect(await ensureAdminPassword(db, { password: 'from the environment' })).toBe('kept');
    expect(await hashOf()).toBe(hash);
    expect(await ensureAdminPassword(db, { password: 'a new one please' })).toBe('set');
    expect(await verifyPassword('a new one please', await hashOf())).toBe(true);
  });

  it('without ADMIN_PASSWORD generates one, says it once, and keeps it on the next run', async () => {
    const said: string[] = [];
    expect(await ensureAdminPassword(db, { password: undefined, say: (l) => said.push(l) })).toBe(
      'generated',
    );
    expect(said).toHaveLength(1);
    const password = /with password (\S+) /.exec(said[0] ?? '')?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await verifyPassword(password, await hashOf())).toBe(true);
    expect(await ensureAdminPassword(db, { password: undefined, say: (l) => said.push(l) })).toBe('kept');
    expect(said).toHaveLength(1);
  });
});
