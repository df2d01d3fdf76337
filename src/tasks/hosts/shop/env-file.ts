import { randomBytes } from 'node:crypto';
import { STRIPE_ENV, type StripeKeys } from './stripe-keys.js';

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

/**
 * The names Rocket eCommerce reads (its core/settings.py and env.sample): MySQL/MariaDB only when
 * DB_ENGINE, DB_NAME and DB_USERNAME are set (otherwise it falls back to SQLite without a word), the
 * password in DB_PASS; Django's SECRET_KEY and DEBUG; the Stripe keys.
 */
export const SHOP_ENV = {
  secretKey: 'SECRET_KEY',
  debug: 'DEBUG',
  demoMode: 'DEMO_MODE',
  dbEngine: 'DB_ENGINE',
  dbHost: 'DB_HOST',
  dbPort: 'DB_PORT',
  dbName: 'DB_NAME',
  dbUser: 'DB_USERNAME',
  dbPassword: 'DB_PASS',
  allowedHosts: 'ALLOWED_HOSTS',
} as const;

/** The kept secrets in an existing `.env` (those present and usable), generating the others. */
export function keptShopSecrets(existing: string | undefined): { secrets: ShopKeptSecrets; generated: (keyof ShopKeptSecrets)[] } {
  const values = existing ? parseEnvFile(existing) : new Map<string, string>();
  const usable = (value: string | undefined) => (value && SAFE_VALUE.test(value) && value.length >= 16 ? value : undefined);
  const secretKey = usable(values.get(SHOP_ENV.secretKey));
  const dbPassword = usable(values.get(SHOP_ENV.dbPassword));
  const generated: (keyof ShopKeptSecrets)[] = [];
  if (!secretKey) generated.push('secretKey');
  if (!dbPassword) generated.push('dbPassword');
  // Django's own generator makes 50 characters; 48 random bytes give 64.
  return { secrets: { secretKey: secretKey ?? generateSecret(48), dbPassword: dbPassword ?? generateSecret(24) }, generated };
}

export interface ShopEnvInput {
  kept: ShopKeptSecrets;
  stripe: StripeKeys;
  db: { host: string; port: number; name: string; user: string };
  /** The vendor's env sample, in its order: its keys are kept (their shipped values, placeholders emptied). */
  sample?: readonly (readonly [string, string])[] | undefined;
  /** Host names Django answers for, written only when the app's settings read ALLOWED_HOSTS from the environment. */
  allowedHosts?: readonly string[] | undefined;
}

/** A shipped value the file keeps: `<YOUR_KEY_HERE>`-style placeholders and values an env file cannot hold unquoted are emptied. */
function shippedValue(value: string): string {
  return /^<[^>]*>$/.test(value) || !SAFE_VALUE.test(value) ? '' : value;
}

/** Our values, by name, in the order they are added after the sample's own keys. */
function ownValues(input: ShopEnvInput): [string, string][] {
  const own: [string, string][] = [
    [SHOP_ENV.debug, 'False'],
    [SHOP_ENV.secretKey, input.kept.secretKey],
    [STRIPE_ENV.secret, input.stripe.secretKey],
    [STRIPE_ENV.publishable, input.stripe.publishableKey],
    [SHOP_ENV.dbEngine, 'mysql'],
    [SHOP_ENV.dbHost, input.db.host],
    [SHOP_ENV.dbName, input.db.name],
    [SHOP_ENV.dbUser, input.db.user],
    [SHOP_ENV.dbPassword, input.kept.dbPassword],
    [SHOP_ENV.dbPort, String(input.db.port)],
  ];
  if (input.sample?.some(([key]) => key === SHOP_ENV.demoMode)) own.push([SHOP_ENV.demoMode, 'False']);
  if (input.allowedHosts) own.push([SHOP_ENV.allowedHosts, [...new Set(input.allowedHosts)].join(',')]);
  return own;
}

/**
 * The `.env` Rocket eCommerce reads, made from its env.sample as its README says ("Create `.env` from
 * `env.sample`"): the sample's keys in its order with their shipped values (EMAIL_HOST and the like), ours
 * filled in (production: DEBUG=False, a generated SECRET_KEY, the MariaDB settings under the vendor's
 * names, the Stripe keys, DEMO_MODE off when the sample has it), then ours the sample lacks.
 */
export function buildShopEnv(input: ShopEnvInput): string {
  const own = new Map(ownValues(input));
  const entries: [string, string][] = [];
  for (const [key, value] of input.sample ?? []) {
    if (entries.some(([k]) => k === key)) continue;
    entries.push([key, own.get(key) ?? shippedValue(value)]);
  }
  for (const [key, value] of own) if (!entries.some(([k]) => k === key)) entries.push([key, value]);
  return formatEnvFile(entries);
}

/** The variable names the shop's `.env` gets (for previews: names, never values). */
export function shopEnvNames(input: Pick<ShopEnvInput, 'sample' | 'allowedHosts'>): string[] {
  const placeholder: ShopEnvInput = {
    kept: { secretKey: 'x', dbPassword: 'x' },
    stripe: { publishableKey: 'x', secretKey: 'x' },
    db: { host: 'x', port: 1, name: 'x', user: 'x' },
    ...input,
  };
  return [...parseEnvFile(buildShopEnv(placeholder)).keys()];
}

/** The secret values of a shop `.env`, to keep out of progress lines and errors. */
export function shopEnvSecrets(kept: ShopKeptSecrets, stripe: StripeKeys | undefined): string[] {
  return [kept.secretKey, kept.dbPassword, ...(stripe ? [stripe.secretKey] : [])];
}
