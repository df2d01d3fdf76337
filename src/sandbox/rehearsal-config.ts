import { generateKeyPairSync } from 'node:crypto';
import { access, constants, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expandHome } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { privateKeyPathOf } from '../tasks/hosts/names.js';
import { STRIPE_ENV } from '../tasks/hosts/shop/stripe-keys.js';
import { fillRehearsalStripeKeys, writeShopStandIn } from './simulated/shop-stand-in.js';
import { ed25519KeyPair } from './simulated/keys.js';
import { ssh2 } from './simulated/ssh2-server.js';

/** A documentation address range (RFC 5737): never anyone's real network. */
export const REHEARSAL_ADMIN_CIDR = '203.0.113.7/32';

function sshString(data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

/** A fresh ed25519 public key in OpenSSH format (`ssh-ed25519 AAAA… comment`); the private half is dropped. */
export function throwawayPublicKey(comment = 'aws-runbook-sandbox'): string {
  const { publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x ?? '', 'base64url');
  const blob = Buffer.concat([sshString(Buffer.from('ssh-ed25519')), sshString(raw)]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

/** Both halves of a fresh ed25519 key in `dir` (sandbox-key, sandbox-key.pub); returns their paths. */
async function writeThrowawayKeyPair(dir: string): Promise<{ publicKeyPath: string; privateKeyPath: string }> {
  const pair = ed25519KeyPair();
  const privateKeyPath = join(dir, 'sandbox-key');
  await mkdir(dir, { recursive: true });
  await writeFile(privateKeyPath, pair.privateKey, { mode: 0o600 });
  await writeFile(`${privateKeyPath}.pub`, `${pair.publicKey}\n`, { mode: 0o600 });
  return { publicKeyPath: `${privateKeyPath}.pub`, privateKeyPath };
}

const readable = (path: string) =>
  access(expandHome(path), constants.R_OK).then(
    () => true,
    () => false,
  );

/**
 * A rehearsal needs what a real run asks the operator for: an admin CIDR and a public key. Where the
 * config has none, the sandbox fills in a documentation range and a throwaway key pair (written in the
 * rehearsal's own directory), and says so — so `aws-runbook --sandbox` walks every section on any machine.
 */
export async function rehearsalConfig(config: Config, dir: string, write: (line: string) => void): Promise<Config> {
  let access_ = config.access;
  if (!access_.adminCidr) {
    access_ = { ...access_, adminCidr: REHEARSAL_ADMIN_CIDR };
    write(`SANDBOX — access.adminCidr is not set: the rehearsal uses ${REHEARSAL_ADMIN_CIDR} (a documentation range).`);
  }
  if (!(await readable(access_.publicKeyPath))) {
    const pair = await writeThrowawayKeyPair(dir);
    write(`SANDBOX — ${access_.publicKeyPath} cannot be read: the rehearsal imports a throwaway key (${pair.publicKeyPath}).`);
    access_ = { ...access_, ...pair };
  }
  return access_ === config.access ? config : { ...config, access: access_ };
}

/** Whether the private key can sign for the public key (readable, no passphrase, the same key). */
async function usablePair(config: Config): Promise<boolean> {
  try {
    const privateKey = ssh2().utils.parseKey(await readFile(expandHome(privateKeyPathOf(config)), 'utf8'));
    const publicKey = ssh2().utils.parseKey(await readFile(expandHome(config.access.publicKeyPath), 'utf8'));
    if (privateKey instanceof Error || publicKey instanceof Error || Array.isArray(privateKey) || Array.isArray(publicKey)) return false;
    return privateKey.getPublicSSH().equals(publicKey.getPublicSSH());
  } catch {
    return false;
  }
}

/**
 * What the rehearsal's hosts section needs besides: a key pair the simulated hosts accept (the operator's,
 * when its private half is usable without a passphrase), the shop's source (a stand-in written here when
 * shop.source is not set) and Stripe keys (obviously fake test keys, in this process only, when none are
 * set). Each substitution is said.
 */
export async function rehearsalHostInputs(config: Config, dir: string, write: (line: string) => void): Promise<Config> {
  let result = config;
  if (!(await usablePair(result))) {
    const pair = await writeThrowawayKeyPair(dir);
    write(`SANDBOX — the private key ${privateKeyPathOf(result)} cannot sign for ${result.access.publicKeyPath} here (missing, passphrase, or another key): the rehearsal uses a throwaway key pair (${pair.publicKeyPath}).`);
    result = { ...result, access: { ...result.access, ...pair } };
  }
  if (!result.shop.source) {
    const source = await writeShopStandIn(dir);
    write(`SANDBOX — shop.source is not set: the rehearsal installs a stand-in shop (${source}), not Rocket eCommerce.`);
    result = { ...result, shop: { ...result.shop, source } };
  }
  if (fillRehearsalStripeKeys()) {
    write(`SANDBOX — ${STRIPE_ENV.publishable} and ${STRIPE_ENV.secret} are not set: the rehearsal uses fake test keys (pk_test_…/sk_test_…), in this process only.`);
  }
  return result;
}
