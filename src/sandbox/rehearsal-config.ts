import { generateKeyPairSync } from 'node:crypto';
import { access, constants, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expandHome } from '../config/load.js';
import type { Config } from '../config/schema.js';

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

/**
 * A rehearsal needs what a real run asks the operator for: an admin CIDR and a public key. Where the
 * config has none, the sandbox fills in a documentation range and a throwaway key (written in the
 * rehearsal's own directory), and says so — so `aws-runbook --sandbox` walks every section on any machine.
 */
export async function rehearsalConfig(config: Config, dir: string, write: (line: string) => void): Promise<Config> {
  let access_ = config.access;
  if (!access_.adminCidr) {
    access_ = { ...access_, adminCidr: REHEARSAL_ADMIN_CIDR };
    write(`SANDBOX — access.adminCidr is not set: the rehearsal uses ${REHEARSAL_ADMIN_CIDR} (a documentation range).`);
  }
  const readable = await access(expandHome(access_.publicKeyPath), constants.R_OK).then(
    () => true,
    () => false,
  );
  if (!readable) {
    const path = join(dir, 'sandbox-key.pub');
    await mkdir(dir, { recursive: true });
    await writeFile(path, `${throwawayPublicKey()}\n`, { mode: 0o600 });
    write(`SANDBOX — ${access_.publicKeyPath} cannot be read: the rehearsal imports a throwaway key (${path}).`);
    access_ = { ...access_, publicKeyPath: path };
  }
  return access_ === config.access ? config : { ...config, access: access_ };
}
