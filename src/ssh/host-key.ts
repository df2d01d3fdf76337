import { normalizeFingerprint, sha256Fingerprint, type HostKeyFingerprint } from './fingerprints.js';

/**
 * Host key verification for ssh2's `hostVerifier`: the presented key is accepted only when its SHA256
 * fingerprint is one the instance printed to its console. There is no "accept anyway": an unknown key
 * is exactly what a man in the middle presents.
 */

/** The host presented a key the instance's console does not list. */
export class HostKeyMismatchError extends Error {
  override readonly name = 'HostKeyMismatchError';
  readonly fix: string;
  constructor(
    readonly host: string,
    readonly presented: string,
    readonly expected: readonly string[],
  ) {
    super(
      `The SSH host key of ${host} is not the one its instance printed at boot: it presented ${presented}, ` +
        `the console lists ${expected.join(', ')}. The connection was refused.`,
    );
    this.fix =
      'The instance may have been replaced (a new instance has new keys: read its console output again), ' +
      'or someone is in the middle of the connection. Do not connect until you know which.';
  }
}

/** No fingerprint is known for the host yet, so no key can be trusted. */
export class HostKeyUnknownError extends Error {
  override readonly name = 'HostKeyUnknownError';
  readonly fix: string;
  constructor(
    readonly host: string,
    readonly presented: string,
  ) {
    super(`No host key fingerprint is known for ${host} (it presented ${presented}); unknown keys are never accepted.`);
    this.fix =
      "Wait until the instance's console output shows its SSH host key fingerprints (cloud-init prints them at " +
      'first boot; GetConsoleOutput can lag a few minutes), then retry.';
  }
}

export type HostKeyError = HostKeyMismatchError | HostKeyUnknownError;

export interface HostKeyCheck {
  /** Pass as ssh2's `hostVerifier` (without `hostHash`: it then receives the raw key blob). */
  readonly verify: (key: Buffer) => boolean;
  /** Why the last presented key was refused; the connect call surfaces this instead of ssh2's generic error. */
  readonly error: HostKeyError | undefined;
}

/** `host` is how errors name the host, e.g. `shop (10.3.1.10)`. */
export function hostKeyCheck(host: string, expected: readonly HostKeyFingerprint[]): HostKeyCheck {
  const allowed = new Set(expected.map((fingerprint) => normalizeFingerprint(fingerprint.sha256)));
  let error: HostKeyError | undefined;
  return {
    verify(key: Buffer): boolean {
      const presented = sha256Fingerprint(key);
      if (allowed.has(presented)) {
        error = undefined;
        return true;
      }
      error = allowed.size === 0 ? new HostKeyUnknownError(host, presented) : new HostKeyMismatchError(host, presented, [...allowed]);
      return false;
    },
    get error() {
      return error;
    },
  };
}
