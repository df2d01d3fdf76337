import { createHash } from 'node:crypto';

/**
 * Host key fingerprints as an EC2 instance prints them to its console (GetConsoleOutput) at first boot.
 *
 * cloud-init writes two blocks (Ubuntu AMIs, Amazon Linux):
 *
 *   <14>Mar  4 09:12:41 ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----
 *   <14>Mar  4 09:12:41 ec2: 256 SHA256:1vBq…/qk root@ip-10-3-1-10 (ED25519)
 *   <14>Mar  4 09:12:41 ec2: -----END SSH HOST KEY FINGERPRINTS-----
 *   -----BEGIN SSH HOST KEY KEYS-----
 *   ssh-ed25519 AAAAC3Nz… root@ip-10-3-1-10
 *   -----END SSH HOST KEY KEYS-----
 *
 * The line prefix varies (`ec2: `, `ec2[1215]: `, a syslog date and host, `<14>`), kernel messages can
 * land inside a block, and a long line can be wrapped, so entries are matched by their shape inside
 * the block rather than line by line. Only the first complete block of each kind is read: a
 * fingerprint-looking string elsewhere on the console (or printed later) is never trusted.
 */

export type HostKeyType = 'ED25519' | 'ECDSA' | 'RSA' | 'DSA' | 'ED25519-SK' | 'ECDSA-SK';

export interface HostKeyFingerprint {
  type: HostKeyType | (string & {});
  /** OpenSSH form: `SHA256:` + unpadded base64 of the SHA-256 of the key blob. */
  sha256: string;
}

const FINGERPRINTS = ['-----BEGIN SSH HOST KEY FINGERPRINTS-----', '-----END SSH HOST KEY FINGERPRINTS-----'] as const;
const KEYS = ['-----BEGIN SSH HOST KEY KEYS-----', '-----END SSH HOST KEY KEYS-----'] as const;

/** Key algorithm name (first field of a public key line) → the type ssh-keygen prints in parentheses. */
const ALGORITHM_TYPES: Record<string, HostKeyType> = {
  'ssh-ed25519': 'ED25519',
  'ecdsa-sha2-nistp256': 'ECDSA',
  'ecdsa-sha2-nistp384': 'ECDSA',
  'ecdsa-sha2-nistp521': 'ECDSA',
  'ssh-rsa': 'RSA',
  'ssh-dss': 'DSA',
  'sk-ssh-ed25519@openssh.com': 'ED25519-SK',
  'sk-ecdsa-sha2-nistp256@openssh.com': 'ECDSA-SK',
};

/** The OpenSSH `SHA256:` fingerprint of a raw public key blob (what ssh2's `hostVerifier` receives). */
export function sha256Fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Two spellings of one fingerprint compare equal (padding, optional `SHA256:` prefix). */
export function normalizeFingerprint(value: string): string {
  const bare = value.trim().replace(/^SHA256:/i, '').replace(/=+$/, '');
  return `SHA256:${bare}`;
}

/**
 * The host key fingerprints in an instance's console text. An empty list means cloud-init has not
 * printed them yet (the instance is still booting, or the console output lags a few minutes): poll again.
 */
export function parseConsoleFingerprints(consoleText: string): HostKeyFingerprint[] {
  const found = new Map<string, HostKeyFingerprint>();
  const add = (entry: HostKeyFingerprint) => {
    if (!found.has(entry.sha256)) found.set(entry.sha256, entry);
  };
  const fingerprintBlock = firstBlock(consoleText, FINGERPRINTS);
  if (fingerprintBlock !== undefined) fingerprintEntries(fingerprintBlock).forEach(add);
  const keysBlock = firstBlock(consoleText, KEYS);
  if (keysBlock !== undefined) publicKeyEntries(keysBlock).forEach(add);
  return [...found.values()];
}

function firstBlock(text: string, [begin, end]: readonly [string, string]): string | undefined {
  const start = text.indexOf(begin);
  if (start < 0) return undefined;
  const stop = text.indexOf(end, start + begin.length);
  // A BEGIN without its END is a console still being written: treat it as not there yet.
  return stop < 0 ? undefined : text.slice(start + begin.length, stop);
}

// SHA-256 is 32 bytes: 43 base64 characters without padding.
const SHA256_TOKEN = /SHA256:([A-Za-z0-9+/]{43})=?/g;
const TYPE_TOKEN = /\(([A-Z0-9-]+)\)/;

function fingerprintEntries(block: string): HostKeyFingerprint[] {
  const entries: HostKeyFingerprint[] = [];
  const tokens = [...block.matchAll(SHA256_TOKEN)];
  tokens.forEach((token, i) => {
    const from = (token.index ?? 0) + token[0].length;
    const to = tokens[i + 1]?.index ?? block.length;
    // The type closes the entry (`root@host (ED25519)`), possibly after a wrapped line break.
    const type = TYPE_TOKEN.exec(block.slice(from, to))?.[1];
    if (type !== undefined) entries.push({ type, sha256: `SHA256:${token[1]}` });
  });
  return entries;
}

const PUBLIC_KEY = /(?:^|\s)((?:ssh|ecdsa|sk)-[a-z0-9@.-]+)\s+(AAAA[A-Za-z0-9+/]+={0,2})/gm;

function publicKeyEntries(block: string): HostKeyFingerprint[] {
  const entries: HostKeyFingerprint[] = [];
  for (const [, algorithm, base64] of block.matchAll(PUBLIC_KEY)) {
    const type = ALGORITHM_TYPES[algorithm as string];
    if (type === undefined) continue;
    const blob = Buffer.from(base64 as string, 'base64');
    // The blob starts with its own algorithm name: a line cut by console noise fails this and is skipped.
    if (blobAlgorithm(blob) !== algorithm) continue;
    entries.push({ type, sha256: sha256Fingerprint(blob) });
  }
  return entries;
}

function blobAlgorithm(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length > 64 || blob.length < 4 + length) return undefined;
  return blob.subarray(4, 4 + length).toString('latin1');
}
