import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { webSettings } from '../../app/web/settings';
import { ConfigError } from '../../config/env';

describe('webSettings', () => {
  const file = () => join(mkdtempSync(join(tmpdir(), 'backlot-secret-')), 'development_secret.txt');

  it('requires SESSION_SECRET under production and makes cookies Secure', () => {
    expect(() =>
      webSettings({ NODE_ENV: 'production', SESSION_SECRET: undefined, TRUST_PROXY: undefined }, file()),
    ).toThrow(ConfigError);
    const settings = webSettings(
      { NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(40), TRUST_PROXY: '1' },
      file(),
    );
    expect(settings).toEqual({
      sessionSecret: 's'.repeat(40),
      secureCookies: true,
      trustProxy: 1,
      metricsToken: undefined,
      keyPrefix: '{backlot}:web:',
    });
  });

  it('puts the web keys under WEB_KEY_PREFIX, or under QUEUE_PREFIX + ":web:" when it is unset', () => {
    const base = { NODE_ENV: 'development', SESSION_SECRET: 's'.repeat(40), TRUST_PROXY: undefined } as const;
    expect(webSettings({ ...base, QUEUE_PREFIX: '{shop}' }, file()).keyPrefix).toBe('{shop}:web:');
    expect(
      webSettings({ ...base, QUEUE_PREFIX: '{shop}', WEB_KEY_PREFIX: 'shop-web:' }, file()).keyPrefix,
    ).toBe('shop-web:');
  });

  it('passes METRICS_TOKEN on for /metrics', () => {
    const settings = webSettings(
      {
        NODE_ENV: 'development',
        SESSION_SECRET: 's'.repeat(40),
        TRUST_PROXY: undefined,
        METRICS_TOKEN: 'm'.repeat(20),
      },
      file(),
    );
    expect(settings.metricsToken).toBe('m'.repeat(20));
  });

  it('keeps a random development secret in a file of mode 0600 and reuses it', () => {
    const path = file();
    const first = webSettings(
      { NODE_ENV: 'development', SESSION_SECRET: undefined, TRUST_PROXY: 'loopback' },
      path,
    );
    expect(first.sessionSecret).toMatch(/^[0-9a-f]{64}$/);
    expect(first).toMatchObject({ secureCookies: false, trustProxy: 'loopback' });
    expect(readFileSync(path, 'utf8').trim()).toBe(first.sessionSecret);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(
      webSettings({ NODE_ENV: 'development', SESSION_SECRET: undefined, TRUST_PROXY: undefined }, path)
        .sessionSecret,
    ).toBe(first.sessionSecret);
  });
});
