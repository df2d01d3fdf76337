import type { HostKeyFingerprint, HostKeyType } from '../../ssh/fingerprints.js';

/**
 * Host key fingerprints as a step output (outputs are flat strings): `ED25519=SHA256:…,ECDSA=SHA256:…`.
 * Fingerprints are public; they are what SSH trusts for the host.
 */
export function fingerprintsToOutput(fingerprints: readonly HostKeyFingerprint[]): string {
  return fingerprints.map((fp) => `${fp.type}=${fp.sha256}`).join(',');
}

export function fingerprintsFromOutput(value: string | undefined): HostKeyFingerprint[] {
  if (!value) return [];
  return value
    .split(',')
    .map((part) => part.split('='))
    .filter((pair): pair is [string, string] => pair.length === 2 && pair[1] !== undefined && pair[1].startsWith('SHA256:'))
    .map(([type, sha256]) => ({ type: type as HostKeyType, sha256 }));
}
