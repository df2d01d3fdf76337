import { generateKeyPairSync, randomBytes } from 'node:crypto';

/**
 * Fresh ed25519 key pairs in OpenSSH's formats (what ssh2 and OpenSSH read), made with Node's crypto.
 * Not ssh2's own keygen: about one key in 256 comes out of it malformed (a public key whose first byte
 * is zero is written 31 bytes long, and its private key does not parse back).
 */

export interface KeyPair {
  /** `-----BEGIN OPENSSH PRIVATE KEY-----…`, unencrypted. */
  privateKey: string;
  /** `ssh-ed25519 AAAA… comment` */
  publicKey: string;
}

function sshString(data: Buffer | string): Buffer {
  const bytes = typeof data === 'string' ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);
  return buffer;
}

export function ed25519KeyPair(comment = 'aws-runbook-sandbox'): KeyPair {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const publicRaw = Buffer.from(jwk.x ?? '', 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(publicRaw)]);
  const check = uint32(randomBytes(4).readUInt32BE(0));
  let secret = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(publicRaw), sshString(Buffer.concat([seed, publicRaw])), sshString(comment)]);
  // Padded to the cipher's block size (8 for "none") with 1, 2, 3, …
  const padding = (8 - (secret.length % 8)) % 8;
  secret = Buffer.concat([secret, Buffer.from(Array.from({ length: padding }, (_, i) => i + 1))]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(publicBlob), sshString(secret)]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return {
    privateKey: ['-----BEGIN OPENSSH PRIVATE KEY-----', ...lines, '-----END OPENSSH PRIVATE KEY-----', ''].join('\n'),
    publicKey: `ssh-ed25519 ${publicBlob.toString('base64')} ${comment}`,
  };
}
