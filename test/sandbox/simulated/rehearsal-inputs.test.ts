import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../../src/config/schema.js';
import { rehearsalHostInputs } from '../../../src/sandbox/rehearsal-config.js';
import { fillRehearsalStripeKeys, REHEARSAL_STRIPE_KEYS } from '../../../src/sandbox/simulated/shop-stand-in.js';
import { ed25519KeyPair } from '../../../src/sandbox/simulated/keys.js';
import { shopSourceProblem } from '../../../src/tasks/hosts/shop/source.js';
import { STRIPE_ENV, stripeKeyProblems } from '../../../src/tasks/hosts/shop/stripe-keys.js';

async function keyPair(dir: string, name: string) {
  const pair = ed25519KeyPair(name);
  await writeFile(join(dir, name), pair.privateKey, { mode: 0o600 });
  await writeFile(join(dir, `${name}.pub`), `${pair.publicKey}\n`);
  return join(dir, `${name}.pub`);
}

describe('what a rehearsal fills in for the hosts section', () => {
  it('keeps a usable operator key pair and shop source; replaces a public key without its private half', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'awsrb-inputs-'));
    const lines: string[] = [];
    const publicKeyPath = await keyPair(dir, 'mine');
    const kept = configSchema.parse({ access: { publicKeyPath }, shop: { source: '/srv/shop' } });
    const same = await rehearsalHostInputs(kept, dir, (l) => lines.push(l));
    expect(same.access).toEqual(kept.access);
    expect(same.shop.source).toBe('/srv/shop');

    const lonely = join(dir, 'lonely.pub');
    await writeFile(lonely, (await readFile(publicKeyPath, 'utf8')).replace(/\s\S*$/, ' other\n'));
    const otherPair = await keyPair(dir, 'other');
    // Its private half is another key's: it cannot sign for this public key.
    await writeFile(join(dir, 'lonely'), await readFile(otherPair.replace(/\.pub$/, ''), 'utf8'), { mode: 0o600 });
    const replaced = await rehearsalHostInputs(configSchema.parse({ access: { publicKeyPath: join(dir, 'nothing-here.pub') } }), dir, (l) => lines.push(l));
    expect(replaced.access.publicKeyPath).toBe(join(dir, 'sandbox-key.pub'));
    expect(replaced.access.privateKeyPath).toBe(join(dir, 'sandbox-key'));
    expect(lines.join('\n')).toMatch(/throwaway key pair/);
    const mismatched = await rehearsalHostInputs(configSchema.parse({ access: { publicKeyPath: lonely } }), dir, () => undefined);
    expect(mismatched.access.publicKeyPath).toBe(join(dir, 'sandbox-key.pub'));
  });

  it('writes a stand-in shop source the tool accepts when shop.source is not set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'awsrb-inputs-'));
    const lines: string[] = [];
    const config = await rehearsalHostInputs(configSchema.parse({ access: { publicKeyPath: await keyPair(dir, 'k') } }), dir, (l) => lines.push(l));
    expect(config.shop.source).toBe(join(dir, 'sandbox-shop'));
    expect(await shopSourceProblem(config)).toBeUndefined();
    expect(lines.join('\n')).toMatch(/stand-in shop .* not Rocket eCommerce/);
  });

  it('fake Stripe test keys only when none is set, and they pass the tool\'s own checks', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(fillRehearsalStripeKeys(env)).toBe(true);
    expect(env[STRIPE_ENV.secret]).toBe(REHEARSAL_STRIPE_KEYS.secretKey);
    expect(stripeKeyProblems(env)).toEqual([]);
    const wrong: NodeJS.ProcessEnv = { [STRIPE_ENV.secret]: 'not-a-key' };
    expect(fillRehearsalStripeKeys(wrong)).toBe(false);
    expect(wrong[STRIPE_ENV.secret]).toBe('not-a-key');
    expect(wrong[STRIPE_ENV.publishable]).toBeUndefined();
  });
});
