import { describe, expect, it } from 'vitest';
import { buildShopEnv, formatEnvFile, keptShopSecrets, parseEnvFile, shopEnvNames } from '../../../src/tasks/hosts/shop/env-file.js';
import { maskSecrets, withSecretsMasked } from '../../../src/tasks/hosts/shop/secret-guard.js';

const stripe = { publishableKey: 'pk_test_0123456789abcdefABCDEF', secretKey: 'sk_test_abcdefABCDEF0123456789' };
/** The env.sample Rocket eCommerce ships (its README), in its order. */
const VENDOR_SAMPLE: [string, string][] = [
  ['DEBUG', 'True'],
  ['SECRET_KEY', '<STRONG_KEY_HERE>'],
  ['DEMO_MODE', 'True'],
  ['STRIPE_SECRET_KEY', '<YOUR_KEY_HERE>'],
  ['STRIPE_PUBLISHABLE_KEY', '<YOUR_KEY_HERE>'],
  ['EMAIL_HOST', 'smtp.gmail.com'],
  ['EMAIL_PORT', '587'],
  ['EMAIL_USE_TLS', 'True'],
  ['EMAIL_HOST_USER', ''],
  ['EMAIL_HOST_PASSWORD', ''],
];
const input = (kept = { secretKey: 'S'.repeat(64), dbPassword: 'p'.repeat(32) }, more: { sample?: [string, string][]; allowedHosts?: string[] } = { sample: VENDOR_SAMPLE }) => ({
  kept,
  stripe,
  db: { host: 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com', port: 3306, name: 'shop', user: 'shop' },
  ...more,
});

describe('the shop .env', () => {
  it("is the vendor's env.sample in its order, ours filled in under the vendor's names, DEBUG and DEMO_MODE off, the shop user (not the master)", () => {
    const text = buildShopEnv(input());
    const env = parseEnvFile(text);
    expect([...env]).toEqual([
      ['DEBUG', 'False'],
      ['SECRET_KEY', 'S'.repeat(64)],
      ['DEMO_MODE', 'False'],
      ['STRIPE_SECRET_KEY', stripe.secretKey],
      ['STRIPE_PUBLISHABLE_KEY', stripe.publishableKey],
      ['EMAIL_HOST', 'smtp.gmail.com'],
      ['EMAIL_PORT', '587'],
      ['EMAIL_USE_TLS', 'True'],
      ['EMAIL_HOST_USER', ''],
      ['EMAIL_HOST_PASSWORD', ''],
      ['DB_ENGINE', 'mysql'],
      ['DB_HOST', 'database-1-bfhk.abc.us-east-2.rds.amazonaws.com'],
      ['DB_NAME', 'shop'],
      ['DB_USERNAME', 'shop'],
      ['DB_PASS', 'p'.repeat(32)],
      ['DB_PORT', '3306'],
    ]);
    // The names Rocket eCommerce does not read never appear: it would silently use SQLite with them.
    expect(text).not.toMatch(/^(DB_USER|DB_PASSWORD|SHOP_PORT|ALLOWED_HOSTS)=/m);
    expect(text).not.toContain('<');
  });

  it('without a sample holds our names only; ALLOWED_HOSTS only for an app that reads it, each host once', () => {
    const bare = parseEnvFile(buildShopEnv(input(undefined, {})));
    expect([...bare.keys()]).toEqual(['DEBUG', 'SECRET_KEY', 'STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'DB_ENGINE', 'DB_HOST', 'DB_NAME', 'DB_USERNAME', 'DB_PASS', 'DB_PORT']);
    const reads = parseEnvFile(buildShopEnv(input(undefined, { allowedHosts: ['198.51.100.11', 'localhost', 'localhost'] })));
    expect(reads.get('ALLOWED_HOSTS')).toBe('198.51.100.11,localhost');
  });

  it('empties a shipped value an env line cannot hold unquoted instead of failing', () => {
    const env = parseEnvFile(buildShopEnv(input(undefined, { sample: [['EMAIL_HOST_USER', 'me and you'], ['EMAIL_HOST', 'smtp.example.com']] })));
    expect(env.get('EMAIL_HOST_USER')).toBe('');
    expect(env.get('EMAIL_HOST')).toBe('smtp.example.com');
  });

  it('lists the names the preview shows (never values)', () => {
    const names = shopEnvNames({ sample: VENDOR_SAMPLE });
    expect(names).toContain('DB_USERNAME');
    expect(names).toContain('EMAIL_HOST');
    expect(names).not.toContain('ALLOWED_HOSTS');
  });

  it('is byte-identical for the same inputs (a rerun uploads nothing)', () => {
    expect(buildShopEnv(input())).toBe(buildShopEnv(input()));
  });

  it('keeps SECRET_KEY and DB_PASS read back from the host, and generates only what is missing', () => {
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
    expect(keptShopSecrets('DB_PASS=has space inside and more\n').generated).toContain('dbPassword');
    expect(keptShopSecrets('DB_PASS=short\n').generated).toContain('dbPassword');
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
