import { describe, expect, it } from 'vitest';
import { buildShopEnv, formatEnvFile, keptShopSecrets, parseEnvFile } from '../../../src/tasks/hosts/shop/env-file.js';
import { maskSecrets, withSecretsMasked } from '../../../src/tasks/hosts/shop/secret-guard.js';

const stripe = { publishableKey: 'pk_test_0123456789abcdefABCDEF', secretKey: 'sk_test_abcdefABCDEF0123456789' };
const input = (kept = { secretKey: 'S'.repeat(64), dbPassword: 'p'.repeat(32) }) => ({
  kept,
  stripe,
  allowedHosts: ['198.51.100.11', '10.1.1.10', 'localhost', '127.0.0.1', 'localhost'],
  db: { host: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com', port: 3306, name: 'shop', user: 'shop' },
  port: 8000,
});

describe('the shop .env', () => {
  it('holds every setting Rocket eCommerce reads, DEBUG off, the shop user (not the master), one line each', () => {
    const env = parseEnvFile(buildShopEnv(input()));
    expect(Object.fromEntries(env)).toEqual({
      SECRET_KEY: 'S'.repeat(64),
      DEBUG: 'False',
      ALLOWED_HOSTS: '198.51.100.11,10.1.1.10,localhost,127.0.0.1',
      DB_ENGINE: 'mysql',
      DB_HOST: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com',
      DB_PORT: '3306',
      DB_NAME: 'shop',
      DB_USER: 'shop',
      DB_PASSWORD: 'p'.repeat(32),
      STRIPE_PUBLISHABLE_KEY: stripe.publishableKey,
      STRIPE_SECRET_KEY: stripe.secretKey,
      SHOP_PORT: '8000',
    });
  });

  it('is byte-identical for the same inputs (a rerun uploads nothing)', () => {
    expect(buildShopEnv(input())).toBe(buildShopEnv(input()));
  });

  it('keeps SECRET_KEY and DB_PASSWORD read back from the host, and generates only what is missing', () => {
    const existing = buildShopEnv(input());
    const again = keptShopSecrets(existing);
    expect(again.generated).toEqual([]);
    expect(again.secrets).toEqual({ secretKey: 'S'.repeat(64), dbPassword: 'p'.repeat(32) });

    const partial = keptShopSecrets('SECRET_KEY=' + 'k'.repeat(40) + '\n');
    expect(partial.generated).toEqual(['dbPassword']);
    expect(partial.secrets.secretKey).toBe('k'.repeat(40));
    expect(partial.secrets.dbPassword).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const none = keptShopSecrets(undefined);
    expect(none.generated).toEqual(['secretKey', 'dbPassword']);
    expect(none.secrets.secretKey).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(keptShopSecrets(undefined).secrets.secretKey).not.toBe(none.secrets.secretKey);
  });

  it('regenerates a kept value Compose would misread or that is too short', () => {
    expect(keptShopSecrets('DB_PASSWORD=has space inside and more\n').generated).toContain('dbPassword');
    expect(keptShopSecrets('DB_PASSWORD=short\n').generated).toContain('dbPassword');
  });

  it('refuses a value an unquoted env line cannot hold, without quoting the value', () => {
    const secret = 'sk_test_has$dollar';
    expect(() => formatEnvFile([['STRIPE_SECRET_KEY', secret]])).toThrow(/STRIPE_SECRET_KEY/);
    try {
      formatEnvFile([['STRIPE_SECRET_KEY', secret]]);
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
    expect(() => formatEnvFile([['lower', 'x']])).toThrow(/not an env file key/);
  });

  it('parses quotes, export and comments as Compose does', () => {
    const parsed = parseEnvFile('# c\nexport A="x y"\nB=\'z\'\n  C = 3 \nnot a line\n');
    expect(Object.fromEntries(parsed)).toEqual({ A: 'x y', B: 'z', C: '3' });
  });
});

describe('the secret guard around compose output', () => {
  it('masks every secret, the longest first, and leaves short strings alone', () => {
    expect(maskSecrets('a sk_test_abcdef123 b sk_test_abc', ['sk_test_abc', 'sk_test_abcdef123', 'ab'])).toBe('a [redacted] b [redacted]');
  });

  it('replaces an error that quotes a secret by a masked copy with its name and hint', async () => {
    const failing = Object.assign(new Error('build failed: echo sk_test_secretvalue'), { name: 'RemoteCommandError', hint: 'see sk_test_secretvalue' });
    const error = await withSecretsMasked(['sk_test_secretvalue'], () => Promise.reject(failing)).catch((e: unknown) => e as Error & { hint: string });
    expect(error.message).toBe('build failed: echo [redacted]');
    expect(error.hint).toBe('see [redacted]');
    expect(error.name).toBe('RemoteCommandError');
    const clean = new Error('nothing secret');
    await expect(withSecretsMasked(['sk_test_secretvalue'], () => Promise.reject(clean))).rejects.toBe(clean);
  });
});
