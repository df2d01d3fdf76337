import { describe, expect, it } from 'vitest';
import { REDACTED, SecretRedactor } from '../../src/state/redact.js';

describe('SecretRedactor', () => {
  it('replaces every occurrence of every secret', () => {
    const redactor = new SecretRedactor();
    redactor.add('hunter22');
    redactor.add('sk_live_abc123');
    expect(redactor.redact('pw=hunter22 again hunter22, key sk_live_abc123')).toBe(`pw=${REDACTED} again ${REDACTED}, key ${REDACTED}`);
  });

  it('ignores secrets shorter than 6 characters', () => {
    const redactor = new SecretRedactor();
    redactor.add('abc12');
    redactor.add('');
    expect(redactor.redact('abc12 stays')).toBe('abc12 stays');
  });

  it('leaves text without secrets alone', () => {
    const redactor = new SecretRedactor();
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
    redactor.add('topsecret');
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
  });

  it('replaces a secret containing another one whole', () => {
    const redactor = new SecretRedactor();
    redactor.add('secret');
    redactor.add('secret-and-more');
    expect(redactor.redact('x secret-and-more y secret')).toBe(`x ${REDACTED} y ${REDACTED}`);
  });

  it('also catches the JSON-escaped and URL-encoded forms', () => {
    const redactor = new SecretRedactor();
    const secret = 'p@ss"w/rd\\1';
    redactor.add(secret);
    expect(redactor.redact(JSON.stringify({ password: secret }))).toBe(`{"password":"${REDACTED}"}`);
    expect(redactor.redact(`mysql://app:${encodeURIComponent(secret)}@db:3306/shop`)).toBe(`mysql://app:${REDACTED}@db:3306/shop`);
  });
});
