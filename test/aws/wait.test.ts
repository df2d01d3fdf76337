import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../src/aws/errors.js';
import { pollUntil } from '../../src/aws/wait.js';

describe('pollUntil', () => {
  it('returns the first defined value, polling in between', async () => {
    let calls = 0;
    const value = await pollUntil(async () => (++calls === 3 ? 'ready' : undefined), { what: 'x', intervalMs: 1 });
    expect(value).toBe('ready');
    expect(calls).toBe(3);
  });

  it('a Ctrl-C that lands while an answer is read (the SDK throws a transport or parse error) is the stop, not that error', async () => {
    const controller = new AbortController();
    const failure = pollUntil(
      async () => {
        controller.abort();
        // What the SDK throws when the body stream is cut mid-read: a reset, plus its deserialization note.
        throw Object.assign(new Error('aborted\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.'), { code: 'ECONNRESET' });
      },
      { what: 'x', signal: controller.signal, intervalMs: 1 },
    );
    await expect(failure).rejects.toSatisfy((e: unknown) => classifyAwsError(e).kind === 'aborted');
  });

  it('without a stop, the error of the check is the error', async () => {
    const failure = pollUntil(
      async () => {
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      },
      { what: 'x', signal: new AbortController().signal, intervalMs: 1 },
    );
    await expect(failure).rejects.toSatisfy((e: unknown) => classifyAwsError(e).kind === 'transient');
  });
});
