/**
 * The shop's Stripe keys come from the operator's environment (STRIPE_PUBLISHABLE_KEY,
 * STRIPE_SECRET_KEY) and go to the shop host's 0600 `.env` only: never into the state, outputs, logs or
 * errors. Checked by prefix before a run starts, so a typo stops the run before anything changes.
 * Messages name the variable and what is expected, never the value (not even a part of it).
 * `aws-runbook up` in a terminal asks for missing ones in a masked prompt (src/screens/StripeKeysPrompt.tsx).
 */

export const STRIPE_ENV = {
  publishable: 'STRIPE_PUBLISHABLE_KEY',
  secret: 'STRIPE_SECRET_KEY',
} as const;

export interface StripeKeys {
  publishableKey: string;
  /** A secret key (sk_…) or a restricted key (rk_…). */
  secretKey: string;
}

export interface StripeKeyProblem {
  /** The environment variable. */
  variable: string;
  message: string;
  fix: string;
}

// Stripe keys are the prefix then letters and digits (dozens of them); nothing else may follow.
const BODY = '[A-Za-z0-9]{16,}';
const PUBLISHABLE = new RegExp(`^pk_(test|live)_${BODY}$`);
const SECRET = new RegExp(`^(sk|rk)_(test|live)_${BODY}$`);

const WHERE = 'Stripe dashboard → Developers → API keys';
const HOW = (variable: string, example: string) => `export ${variable}=${example} (${WHERE}) before running \`aws-runbook up\``;

/** The publishable key is served to every visitor's browser: a secret key there would be public. */
const PUBLIC_WARNING = "the publishable key is sent to every visitor's browser, so a secret key there would be made public";

/** What starts a value, safe to show: only the known prefixes, never the rest. */
function describePrefix(value: string): string {
  const known = /^(pk|sk|rk)_(test|live)_/.exec(value);
  if (known) return `it starts with ${known[0]}`;
  if (value.startsWith('whsec_')) return 'it is a webhook signing secret (whsec_…), not an API key';
  return 'it does not start with a Stripe key prefix';
}

function checkOne(
  variable: string,
  value: string | undefined,
  pattern: RegExp,
  expected: string,
  example: string,
  /** Said after what the value starts with, when it is wrong. */
  warning?: string,
): StripeKeyProblem | undefined {
  if (value === undefined || value.trim() === '') {
    return { variable, message: `is not set; the shop's .env needs it (${expected})`, fix: HOW(variable, example) };
  }
  if (pattern.test(value)) return undefined;
  const hasSpace = value !== value.trim() || /\s/.test(value);
  return {
    variable,
    message: `does not look like a Stripe ${expected}: ${hasSpace ? 'it contains spaces or a line break' : describePrefix(value)}${warning ? `; ${warning}` : ''} (the value is not shown)`,
    fix: HOW(variable, example),
  };
}

/** Keys given in each other's variable: one problem that says so, rather than two "wrong prefix" ones. */
function swappedProblem(publishable: string | undefined, secret: string | undefined): StripeKeyProblem | undefined {
  const secretInPublishable = publishable !== undefined && SECRET.test(publishable);
  const publishableInSecret = secret !== undefined && PUBLISHABLE.test(secret);
  if (!secretInPublishable || !publishableInSecret) return undefined;
  return {
    variable: `${STRIPE_ENV.publishable} and ${STRIPE_ENV.secret}`,
    message: `are swapped: ${STRIPE_ENV.publishable} holds a secret key (sk_/rk_…) and ${STRIPE_ENV.secret} a publishable key (pk_…); ${PUBLIC_WARNING} (the values are not shown)`,
    fix: `exchange the two values: ${STRIPE_ENV.publishable} gets the pk_… key, ${STRIPE_ENV.secret} the sk_… key (${WHERE})`,
  };
}

/** Every problem with the two keys in `env`; empty when both are well-formed and of the same mode. */
export function stripeKeyProblems(env: NodeJS.ProcessEnv): StripeKeyProblem[] {
  const publishable = env[STRIPE_ENV.publishable];
  const secret = env[STRIPE_ENV.secret];
  const swapped = swappedProblem(publishable, secret);
  if (swapped) return [swapped];
  const problems = [
    checkOne(STRIPE_ENV.publishable, publishable, PUBLISHABLE, 'publishable key: pk_test_… or pk_live_…', 'pk_test_…', publishable && SECRET.test(publishable) ? PUBLIC_WARNING : undefined),
    checkOne(STRIPE_ENV.secret, secret, SECRET, 'secret key: sk_test_…, sk_live_… or a restricted rk_test_…/rk_live_…', 'sk_test_…'),
  ].filter((problem): problem is StripeKeyProblem => problem !== undefined);
  if (problems.length === 0 && publishable && secret) {
    const mode = (key: string) => (key.includes('_live_') ? 'live' : 'test');
    if (mode(publishable) !== mode(secret)) {
      problems.push({
        variable: STRIPE_ENV.secret,
        message: `is a ${mode(secret)}-mode key but ${STRIPE_ENV.publishable} is a ${mode(publishable)}-mode key; payments would fail`,
        fix: `use both keys of the same mode (${WHERE}; the "Test mode" switch shows the test pair)`,
      });
    }
  }
  return problems;
}

/** The keys when both are well-formed, else undefined. */
export function stripeKeysFrom(env: NodeJS.ProcessEnv): StripeKeys | undefined {
  if (stripeKeyProblems(env).length > 0) return undefined;
  return { publishableKey: env[STRIPE_ENV.publishable] as string, secretKey: env[STRIPE_ENV.secret] as string };
}

/** Apply without usable keys: `up` checks them first, so this is a run that skipped that check. */
export class StripeKeyError extends Error {
  override readonly name = 'StripeKeyError';
  readonly hint: string;
  constructor(problems: readonly StripeKeyProblem[]) {
    super(`Stripe keys for the shop: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.hint = problems[0]?.fix ?? HOW(STRIPE_ENV.secret, 'sk_test_…');
  }
}

export function requireStripeKeys(env: NodeJS.ProcessEnv): StripeKeys {
  const problems = stripeKeyProblems(env);
  if (problems.length > 0) throw new StripeKeyError(problems);
  return stripeKeysFrom(env) as StripeKeys;
}
