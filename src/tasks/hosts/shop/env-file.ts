import { randomBytes } from 'node:crypto';
import type { StripeKeys } from './stripe-keys.js';

/**
 * The shop's `.env` (and WordPress's env file): `KEY=value` lines, as Docker Compose reads them for
 * interpolation and `env_file`. Built the same way from the same inputs every time, so a rerun that
 * changes nothing writes nothing (the upload compares hashes). Values are written unquoted; a value
 * Compose would read differently (spaces, quotes, `#`, `$`, a backslash or a line break) is refused
 * rather than quoted, since every value here is ours or a validated key.
 */

export const ENV_HEADER = '# Written by aws-runbook: edits are replaced on the next `aws-runbook up`. Mode 0600: it holds secrets.';

/** A secret for an env file: URL-safe base64 of `bytes` random bytes (no character Compose or a shell reads specially). */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

const KEY = /^[A-Z_][A-Z0-9_]*$/;
const SAFE_VALUE = /^[^\s'"#$\\`]*$/;

export function formatEnvFile(entries: readonly (readonly [string, string])[], header = ENV_HEADER): string {
  const lines = entries.map(([key, value]) => {
    if (!KEY.test(key)) throw new TypeError(`not an env file key: ${JSON.stringify(key)}`);
    // The value is never quoted in the error: it may be a secret.
    if (!SAFE_VALUE.test(value)) throw new TypeError(`the value of ${key} has a character an env file cannot hold unquoted`);
    return `${key}=${value}`;
  });
  return `${header}\n${lines.join('\n')}\n`;
}

/** `KEY=value` lines → map (comments, blanks and malformed lines skipped; surrounding quotes removed). */
export function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match) continue;
    const raw = (match[2] ?? '').trim();
    values.set(match[1] as string, raw.replace(/^(['"])(.*)\1$/, '$2'));
  }
  return values;
}

/** What a shop `.env` keeps from one run to the next: generated once, read back from the host. */
export interface ShopKeptSecrets {
  secretKey: string;
  dbPassword: string;
}

/** The kept secrets in an existing `.env` (those present and usable), generating the others. */
export function keptShopSecrets(existing: string | undefined): { secrets: ShopKeptSecrets; generated: (keyof ShopKeptSecrets)[] } {
  const values = existing ? parseEnvFile(existing) : new Map<string, string>();
  const usable = (value: string | undefined) => (value && SAFE_VALUE.test(value) && value.length >= 16 ? value : undefined);
  const secretKey = usable(values.get('SECRET_KEY'));
  const dbPassword = usable(values.get('DB_PASSWORD'));
  const generated: (keyof ShopKeptSecrets)[] = [];
  if (!secretKey) generated.push('secretKey');
  if (!dbPassword) generated.push('dbPassword');
  // Django's own generator makes 50 characters; 48 random bytes give 64.
  return { secrets: { secretKey: secretKey ?? generateSecret(48), dbPassword: dbPassword ?? generateSecret(24) }, generated };
}

export interface ShopEnvInput {
  kept: ShopKeptSecrets;
  stripe: StripeKeys;
  /** Host names Django answers for (DEBUG off refuses any other Host header). */
  allowedHosts: readonly string[];
  db: { host: string; port: number; name: string; user: string };
  /** The published port, read by the compose file as ${SHOP_PORT:-8000}. */
  port: number;
}

/** The `.env` Rocket eCommerce reads (Django settings from the environment). */
export function buildShopEnv(input: ShopEnvInput): string {
  return formatEnvFile([
    ['SECRET_KEY', input.kept.secretKey],
    ['DEBUG', 'False'],
    ['ALLOWED_HOSTS', [...new Set(input.allowedHosts)].join(',')],
    ['DB_ENGINE', 'mysql'],
    ['DB_HOST', input.db.host],
    ['DB_PORT', String(input.db.port)],
    ['DB_NAME', input.db.name],
    ['DB_USER', input.db.user],
    ['DB_PASSWORD', input.kept.dbPassword],
    ['STRIPE_PUBLISHABLE_KEY', input.stripe.publishableKey],
    ['STRIPE_SECRET_KEY', input.stripe.secretKey],
    ['SHOP_PORT', String(input.port)],
  ]);
}

/** The secret values of a shop `.env`, to keep out of progress lines and errors. */
export function shopEnvSecrets(kept: ShopKeptSecrets, stripe: StripeKeys | undefined): string[] {
  return [kept.secretKey, kept.dbPassword, ...(stripe ? [stripe.secretKey] : [])];
}
