import { describe, expect, it } from 'vitest';
import { requireStripeKeys, stripeKeyProblems, stripeKeysFrom } from '../../../src/tasks/hosts/shop/stripe-keys.js';

const PK = 'pk_test_51AbCdEfGhIjKlMnOpQrStUv';
const SK = 'sk_test_51ZyXwVuTsRqPoNmLkJiHgFe';

describe('Stripe key validation (by prefix, never quoting the value)', () => {
  it('accepts test and live pairs, and restricted keys', () => {
    expect(stripeKeyProblems({ STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: SK })).toEqual([]);
    expect(stripeKeyProblems({ STRIPE_PUBLISHABLE_KEY: PK.replace('_test_', '_live_'), STRIPE_SECRET_KEY: SK.replace('_test_', '_live_') })).toEqual([]);
    expect(stripeKeyProblems({ STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: SK.replace('sk_', 'rk_') })).toEqual([]);
    expect(stripeKeysFrom({ STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: SK })).toEqual({ publishableKey: PK, secretKey: SK });
  });

  it('names each missing variable', () => {
    const problems = stripeKeyProblems({});
    expect(problems.map((p) => p.variable)).toEqual(['STRIPE_PUBLISHABLE_KEY', 'STRIPE_SECRET_KEY']);
    expect(problems[0]?.message).toMatch(/is not set/);
    expect(problems[1]?.fix).toMatch(/export STRIPE_SECRET_KEY=sk_test_/);
    expect(stripeKeyProblems({ STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: '  ' }).map((p) => p.variable)).toEqual(['STRIPE_SECRET_KEY']);
  });

  it('refuses malformed and swapped keys without showing any of the value', () => {
    const cases: Record<string, string>[] = [
      { STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: 'mysecretvalue1234567890' },
      { STRIPE_PUBLISHABLE_KEY: SK, STRIPE_SECRET_KEY: PK }, // swapped
      { STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: `${SK}\n` },
      { STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: 'sk_test_short' },
      { STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: `${SK}!` },
    ];
    for (const env of cases) {
      const problems = stripeKeyProblems(env);
      expect(problems.length, JSON.stringify(env)).toBeGreaterThan(0);
      const text = JSON.stringify(problems);
      for (const value of Object.values(env)) expect(text).not.toContain(value.trim().slice(8));
    }
    const swapped = stripeKeyProblems({ STRIPE_PUBLISHABLE_KEY: SK, STRIPE_SECRET_KEY: PK });
    expect(swapped).toHaveLength(1);
    expect(swapped[0]?.variable).toBe('STRIPE_PUBLISHABLE_KEY and STRIPE_SECRET_KEY');
    expect(swapped[0]?.message).toMatch(/^are swapped: .*browser/);
    expect(swapped[0]?.fix).toMatch(/exchange the two values/);
  });

  it('a secret key in the publishable variable alone is called out as one that would be public', () => {
    const [problem, ...rest] = stripeKeyProblems({ STRIPE_PUBLISHABLE_KEY: SK, STRIPE_SECRET_KEY: SK });
    expect(rest).toEqual([]);
    expect(problem?.variable).toBe('STRIPE_PUBLISHABLE_KEY');
    expect(problem?.message).toMatch(/it starts with sk_test_; the publishable key is sent to every visitor's browser/);
  });

  it('names a webhook signing secret given as the secret key, without quoting it', () => {
    const webhook = 'whsec_0123456789abcdefABCDEF0123';
    const problems = stripeKeyProblems({ STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: webhook });
    expect(problems.map((p) => p.message)).toEqual([expect.stringMatching(/webhook signing secret \(whsec_…\), not an API key/)]);
    expect(JSON.stringify(problems)).not.toContain(webhook.slice(6));
  });

  it('refuses a test publishable key with a live secret key', () => {
    const problems = stripeKeyProblems({ STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: SK.replace('_test_', '_live_') });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/live-mode key but STRIPE_PUBLISHABLE_KEY is a test-mode key/);
  });

  it('requireStripeKeys throws a StripeKeyError with a hint and without the value', () => {
    const secret = 'sk_tset_typo0123456789abcdef';
    let caught: (Error & { hint?: string }) | undefined;
    try {
      requireStripeKeys({ STRIPE_PUBLISHABLE_KEY: PK, STRIPE_SECRET_KEY: secret });
    } catch (error) {
      caught = error as Error & { hint?: string };
    }
    expect(caught?.name).toBe('StripeKeyError');
    expect(caught?.message).toMatch(/STRIPE_SECRET_KEY does not look like a Stripe secret key/);
    expect(caught?.hint).toMatch(/export STRIPE_SECRET_KEY/);
    expect(`${caught?.message} ${caught?.hint}`).not.toContain('typo0123');
  });
});
