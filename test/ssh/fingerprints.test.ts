import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeFingerprint, parseConsoleFingerprints, sha256Fingerprint } from '../../src/ssh/fingerprints.js';
import { makeKeyPair } from '../helpers/sshd.js';

const ED = 'SHA256:6ZnAE12MifYiPKDUERsr5/oTnE04XBsgGq3PNe7GOqY';
const EC = 'SHA256:NKhdA817D0+vBWOpXS7R8zEgn1qslxwxMWKtjcZD1eQ';
const RSA = 'SHA256:mhAYpzYqwD56A4dSW12SoDClJlRIV2LAFqdci7Im+FI';

/** ssh-keygen's own fingerprint of a public key line: the reference the parser must agree with. */
function keygenFingerprint(publicKey: string): string {
  const dir = mkdtempSync(join(tmpdir(), `awsrb-fp-${process.pid}-`));
  try {
    writeFileSync(join(dir, 'k.pub'), `${publicKey}\n`);
    return execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'k.pub')], { encoding: 'utf8' }).split(' ')[1] as string;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('parseConsoleFingerprints', () => {
  it('reads a modern Ubuntu console (<14> syslog prefix, ec2: tag) and ignores look-alikes outside the block', () => {
    const console = [
      '[    9.871203] cloud-init[612]: Cloud-init v. 24.4 running init',
      `[   10.113011] cloud-init[612]: ${RSA.slice(0, -4)}ABCD root@ip-10-3-1-10`,
      '<14>Mar  4 09:12:41 ec2:',
      '<14>Mar  4 09:12:41 ec2: #############################################################',
      '<14>Mar  4 09:12:41 ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----',
      `<14>Mar  4 09:12:41 ec2: 256 ${EC} root@ip-10-3-1-10 (ECDSA)`,
      `<14>Mar  4 09:12:41 ec2: 256 ${ED} root@ip-10-3-1-10 (ED25519)`,
      `<14>Mar  4 09:12:41 ec2: 3072 ${RSA} root@ip-10-3-1-10 (RSA)`,
      '<14>Mar  4 09:12:41 ec2: -----END SSH HOST KEY FINGERPRINTS-----',
      '<14>Mar  4 09:12:41 ec2: #############################################################',
      'login: SHA256:PLANTEDPLANTEDPLANTEDPLANTEDPLANTEDPLANTED0 (ED25519)',
    ].join('\n');
    expect(parseConsoleFingerprints(console)).toEqual([
      { type: 'ECDSA', sha256: EC },
      { type: 'ED25519', sha256: ED },
      { type: 'RSA', sha256: RSA },
    ]);
  });

  it('reads the syslog-style prefix, a comment with spaces, a wrapped line and a kernel line inside the block', () => {
    const p = 'Nov 29 06:09:14 ubuntu-bionic ec2:';
    const console = [
      `${p} -----BEGIN SSH HOST KEY FINGERPRINTS-----`,
      `${p} 1024 SHA256:gooHNyf3s2ICFX0v6oEbT8PvLjzA/76BaMDGxpr3HkQ root@ubuntu-bionic (DSA)`,
      `${p} 256 ${EC}`,
      'root@ubuntu-bionic (ECDSA)',
      '[   16.595477] IPv6: ADDRCONF(NETDEV_UP): eth0: link is not ready',
      `${p} 256 ${ED} no comment (ED25519)`,
      `${p} -----END SSH HOST KEY FINGERPRINTS-----`,
    ].join('\n');
    expect(parseConsoleFingerprints(console)).toEqual([
      { type: 'DSA', sha256: 'SHA256:gooHNyf3s2ICFX0v6oEbT8PvLjzA/76BaMDGxpr3HkQ' },
      { type: 'ECDSA', sha256: EC },
      { type: 'ED25519', sha256: ED },
    ]);
  });

  it('returns nothing while the instance is still booting (no block, or a block not finished yet)', () => {
    expect(parseConsoleFingerprints('')).toEqual([]);
    expect(parseConsoleFingerprints('[    1.0] Linux version 6.8\n[    2.0] cloud-init[612]: running init\n')).toEqual([]);
    expect(parseConsoleFingerprints(`ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----\nec2: 256 ${ED} root@h (ED25519)\n`)).toEqual([]);
  });

  it('does not take old MD5 fingerprints for SHA256 ones', () => {
    const console = [
      'ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----',
      'ec2: 256 8a:99:81:cd:62:44:57:af:66:1d:81:e9:ac:3a:73:db  root@ip-172-31-70-225 (ED25519)',
      'ec2: -----END SSH HOST KEY FINGERPRINTS-----',
    ].join('\n');
    expect(parseConsoleFingerprints(console)).toEqual([]);
  });

  it('computes fingerprints from the SSH HOST KEY KEYS block exactly as ssh-keygen does', () => {
    const keys = [makeKeyPair('root@ip-10-3-1-11').publicKey, makeKeyPair('root@ip-10-3-1-11').publicKey];
    const console = [
      'ec2: #############################################################',
      '-----BEGIN SSH HOST KEY KEYS-----',
      ...keys,
      'ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ root@mislabelled', // blob says ssh-rsa: skipped
      '-----END SSH HOST KEY KEYS-----',
    ].join('\n');
    expect(parseConsoleFingerprints(console)).toEqual(keys.map((key) => ({ type: 'ED25519', sha256: keygenFingerprint(key) })));
  });

  it('merges both blocks without duplicates', () => {
    const key = makeKeyPair('root@h').publicKey;
    const fingerprint = keygenFingerprint(key);
    const console = [
      'ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----',
      `ec2: 256 ${fingerprint} root@h (ED25519)`,
      `ec2: 256 ${EC} root@h (ECDSA)`,
      'ec2: -----END SSH HOST KEY FINGERPRINTS-----',
      '-----BEGIN SSH HOST KEY KEYS-----',
      key,
      '-----END SSH HOST KEY KEYS-----',
    ].join('\n');
    expect(parseConsoleFingerprints(console)).toEqual([
      { type: 'ED25519', sha256: fingerprint },
      { type: 'ECDSA', sha256: EC },
    ]);
  });
});

describe('sha256Fingerprint', () => {
  it('is the OpenSSH form of the raw key blob: SHA256: + base64 without padding', () => {
    const key = makeKeyPair().publicKey;
    const blob = Buffer.from(key.split(' ')[1] as string, 'base64');
    const fingerprint = sha256Fingerprint(blob);
    expect(fingerprint).toBe(keygenFingerprint(key));
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('normalizes padding and a missing prefix', () => {
    expect(normalizeFingerprint(`${ED}=`)).toBe(ED);
    expect(normalizeFingerprint(ED.slice('SHA256:'.length))).toBe(ED);
  });
});
