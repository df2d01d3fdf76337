import { createHash, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { expandHome } from '../../config/load.js';

/**
 * The operator's OpenSSH public key, imported as the instances' key pair, and the fingerprints that
 * identify it. How fingerprints are computed for an imported key:
 * - AWS: ED25519 → base64 of SHA-256 over the SSH key blob (OpenSSH's `SHA256:` form, AWS keeps the
 *   `=` padding); RSA → MD5 over the DER (SubjectPublicKeyInfo) public key, hex pairs with colons.
 * - moto 5.2: hex-with-colons over the DER public key for both types (SHA-256 for ED25519, MD5 for RSA).
 * A fingerprint shown by either, in any of these spellings, means the same key; DescribeKeyPairs'
 * PublicKey (when AWS includes it) is compared too.
 */

export type PublicKeyType = 'ed25519' | 'rsa';

export interface OperatorPublicKey {
  /** The path as written in the config, and expanded. */
  configPath: string;
  path: string;
  type: PublicKeyType;
  /** The `ssh-ed25519 AAAA… comment` line, what ImportKeyPair is given. */
  material: string;
  /** The decoded SSH key blob. */
  blob: Buffer;
  /** The fingerprint as AWS shows it for this imported key. */
  awsFingerprint: string;
  /** Every spelling of this key's fingerprint that AWS or an emulator may show. */
  fingerprints: string[];
}

/** The public key file is missing, unreadable or not an RSA/ED25519 OpenSSH public key. */
export class PublicKeyFileError extends Error {
  override readonly name = 'InvalidPublicKeyFile';
  readonly hint: string;
  constructor(
    readonly path: string,
    problem: string,
  ) {
    const hint =
      'Create a key with `ssh-keygen -t ed25519` (it writes ~/.ssh/id_ed25519.pub), or point access.publicKeyPath in the config ' +
      '(or `aws-runbook init --public-key FILE`) at your OpenSSH public key; then rerun.';
    super(`The public key for the instances' key pair, ${path}, ${problem}. ${hint}`);
    this.hint = hint;
  }
}

const SSH_TYPES: Record<string, PublicKeyType> = { 'ssh-ed25519': 'ed25519', 'ssh-rsa': 'rsa' };
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Reads the SSH wire format: uint32 length + bytes, repeated. */
function sshStrings(blob: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < blob.length; ) {
    if (at + 4 > blob.length) throw new Error('truncated');
    const length = blob.readUInt32BE(at);
    if (at + 4 + length > blob.length) throw new Error('truncated');
    parts.push(blob.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return parts;
}

function base64url(unsigned: Buffer): string {
  let start = 0;
  while (start < unsigned.length - 1 && unsigned[start] === 0) start += 1;
  return unsigned.subarray(start).toString('base64url');
}

function spkiDer(type: PublicKeyType, fields: Buffer[]): Buffer {
  if (type === 'ed25519') {
    const key = fields[1];
    if (fields.length !== 2 || key?.length !== 32) throw new Error('bad ed25519 blob');
    return Buffer.concat([ED25519_SPKI_PREFIX, key]);
  }
  const [, e, n] = fields;
  if (fields.length !== 3 || !e || !n) throw new Error('bad rsa blob');
  return createPublicKey({ key: { kty: 'RSA', e: base64url(e), n: base64url(n) }, format: 'jwk' }).export({ type: 'spki', format: 'der' });
}

const colonHex = (digest: Buffer) => (digest.toString('hex').match(/../g) ?? []).join(':');

/** Parses the text of a `.pub` file; throws PublicKeyFileError naming `path` when it is not one EC2 imports. */
export function parsePublicKey(text: string, path: string, configPath = path): OperatorPublicKey {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new PublicKeyFileError(path, 'is a private key (give the matching .pub file; the private key never leaves this machine)');
  }
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  const [sshType, encoded] = line?.split(/\s+/) ?? [];
  if (!sshType || !encoded) throw new PublicKeyFileError(path, 'is not an OpenSSH public key (expected one line like "ssh-ed25519 AAAA… comment")');
  const type = SSH_TYPES[sshType];
  if (!type) throw new PublicKeyFileError(path, `holds a ${sshType} key; EC2 imports only ED25519 (ssh-ed25519) and RSA (ssh-rsa) keys`);
  const blob = Buffer.from(encoded, 'base64');
  let der: Buffer;
  try {
    const fields = sshStrings(blob);
    if (fields[0]?.toString('latin1') !== sshType) throw new Error('type mismatch');
    der = spkiDer(type, fields);
  } catch {
    throw new PublicKeyFileError(path, `is not a valid ${sshType} public key (its base64 key data does not decode)`);
  }
  const fingerprints =
    type === 'ed25519'
      ? [createHash('sha256').update(blob).digest('base64'), colonHex(createHash('sha256').update(der).digest())]
      : [colonHex(createHash('md5').update(der).digest()), colonHex(createHash('md5').update(blob).digest())];
  return { configPath, path, type, material: line as string, blob, awsFingerprint: fingerprints[0] as string, fingerprints };
}

function readProblem(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EISDIR') return 'is a directory, not a file';
  if (code === 'EACCES') return 'cannot be read (permission denied)';
  return `cannot be read (${code ?? String(error)})`;
}

/** Reads and parses `access.publicKeyPath` (`~` expanded). */
export async function readOperatorPublicKey(configPath: string): Promise<OperatorPublicKey> {
  const path = expandHome(configPath);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PublicKeyFileError(path, readProblem(error));
  }
  return parsePublicKey(text, path, configPath);
}

/** The same, synchronously, for previews (which are pure and synchronous). */
export function readOperatorPublicKeySync(configPath: string): OperatorPublicKey {
  const path = expandHome(configPath);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PublicKeyFileError(path, readProblem(error));
  }
  return parsePublicKey(text, path, configPath);
}

const normalised = (fingerprint: string) => {
  const bare = fingerprint.trim().replace(/^SHA256:/, '');
  return /^([0-9a-f]{2}:)+[0-9a-f]{2}$/i.test(bare) ? bare.toLowerCase() : bare.replace(/=+$/, '');
};

/** Whether a key pair AWS describes holds this key: by any fingerprint spelling, or by its public key. */
export function holdsKey(pair: { KeyFingerprint?: string; PublicKey?: string }, key: OperatorPublicKey): boolean {
  if (pair.KeyFingerprint && key.fingerprints.some((f) => normalised(f) === normalised(pair.KeyFingerprint as string))) return true;
  const remoteBlob = pair.PublicKey?.trim().split(/\s+/)[1];
  return remoteBlob !== undefined && Buffer.from(remoteBlob, 'base64').equals(key.blob);
}
