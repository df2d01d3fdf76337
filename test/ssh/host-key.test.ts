import { describe, expect, it } from 'vitest';
import { sha256Fingerprint } from '../../src/ssh/fingerprints.js';
import { hostKeyCheck, HostKeyMismatchError, HostKeyUnknownError } from '../../src/ssh/host-key.js';

const presented = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIPHkeyPHkeyPHkeyPHkeyPHkeyPHkeyPHkeyPHkey', 'base64');
const other = Buffer.from('AAAAC3NzaC1lZDI1NTE5AAAAIOtherOtherOtherOtherOtherOtherOtherOther', 'base64');

describe('hostKeyCheck', () => {
  it('accepts a key whose fingerprint the console listed (padding tolerated)', () => {
    const check = hostKeyCheck('shop (10.3.1.10)', [{ type: 'ED25519', sha256: `${sha256Fingerprint(presented)}=` }]);
    expect(check.verify(presented)).toBe(true);
    expect(check.error).toBeUndefined();
  });

  it('refuses any other key and explains the mismatch without offering to accept it', () => {
    const expected = sha256Fingerprint(other);
    const check = hostKeyCheck('shop (10.3.1.10)', [{ type: 'ED25519', sha256: expected }]);
    expect(check.verify(presented)).toBe(false);
    const error = check.error;
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect(error?.name).toBe('HostKeyMismatchError');
    expect(error?.message).toContain('shop (10.3.1.10)');
    expect(error?.message).toContain(sha256Fingerprint(presented));
    expect(error?.message).toContain(expected);
    expect(error?.fix).toMatch(/replaced/);
    expect(error?.fix).toMatch(/middle/);
    expect(`${error?.message} ${error?.fix}`).not.toMatch(/accept (it|anyway)|yes\/no|known_hosts/i);
  });

  it('refuses every key when no fingerprint is known yet', () => {
    const check = hostKeyCheck('gitlab (3.14.15.92)', []);
    expect(check.verify(presented)).toBe(false);
    expect(check.error).toBeInstanceOf(HostKeyUnknownError);
    expect(check.error?.name).toBe('HostKeyUnknownError');
    expect(check.error?.message).toContain('gitlab (3.14.15.92)');
  });
});
