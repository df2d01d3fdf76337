import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import { classifyAwsError } from '../../src/aws/errors.js';
import { backoffDelay, mutateOnce, sleep } from '../../src/aws/with-retry.js';

const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
const throttled = () => new EC2ServiceException({ name: 'RequestLimitExceeded', $fault: 'client', $metadata: { httpStatusCode: 503 }, message: 'slow down' });
const denied = () => new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'no' });

describe('mutateOnce', () => {
  it('after a transient failure of a call that was applied, returns what refind finds and never sends again', async () => {
    const created: string[] = [];
    const send = vi.fn(async () => {
      created.push('vpc-1'); // the change lands...
      throw reset(); // ...and the answer is lost
    });
    const refind = vi.fn(async () => created[0]);
    await expect(mutateOnce({ send, refind, baseDelayMs: 1 })).resolves.toBe('vpc-1');
    expect(send).toHaveBeenCalledTimes(1);
    expect(refind).toHaveBeenCalledTimes(1);
    expect(created).toEqual(['vpc-1']);
  });

  it('sends again after backoff when refind finds nothing', async () => {
    const send = vi.fn<() => Promise<string>>().mockRejectedValueOnce(throttled()).mockResolvedValueOnce('vpc-2');
    const refind = vi.fn(async () => undefined);
    await expect(mutateOnce({ send, refind, baseDelayMs: 1 })).resolves.toBe('vpc-2');
    expect(send).toHaveBeenCalledTimes(2);
    expect(refind).toHaveBeenCalledTimes(1);
  });

  it('throws a non-retryable error as it is, without refind or resend', async () => {
    const error = denied();
    const send = vi.fn(async () => {
      throw error;
    });
    const refind = vi.fn(async () => 'x');
    await expect(mutateOnce({ send, refind })).rejects.toBe(error);
    expect(send).toHaveBeenCalledTimes(1);
    expect(refind).not.toHaveBeenCalled();
  });

  it('gives up after the attempts, with the last error', async () => {
    const send = vi.fn(async () => {
      throw reset();
    });
    const refind = vi.fn(async () => undefined);
    await expect(mutateOnce({ send, refind, attempts: 3, baseDelayMs: 1 })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(send).toHaveBeenCalledTimes(3);
    expect(refind).toHaveBeenCalledTimes(3);
  });

  it('looks for an unknown-outcome failure but does not resend it blindly', async () => {
    const odd = Object.assign(new Error('Deserialization error'), { $metadata: { httpStatusCode: 200 } });
    const send = vi.fn(async () => {
      throw odd;
    });
    const refind = vi.fn(async () => undefined);
    await expect(mutateOnce({ send, refind, baseDelayMs: 1 })).rejects.toBe(odd);
    expect(refind).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('stops waiting when the signal aborts during the backoff', async () => {
    const controller = new AbortController();
    const send = vi.fn(async () => {
      setTimeout(() => controller.abort(), 20);
      throw throttled();
    });
    const started = Date.now();
    const error = await mutateOnce({ send, signal: controller.signal, baseDelayMs: 60_000, random: () => 1 }).catch((e: unknown) => e);
    expect(classifyAwsError(error).kind).toBe('aborted');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('does not send at all when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const send = vi.fn(async () => 'x');
    await expect(mutateOnce({ send, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(send).not.toHaveBeenCalled();
  });
});

describe('backoff', () => {
  it('grows exponentially, is capped, and is jittered by the random source', () => {
    expect(backoffDelay(1, 100, 1000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 1000, () => 1)).toBe(400);
    expect(backoffDelay(10, 100, 1000, () => 1)).toBe(1000);
    expect(backoffDelay(3, 100, 1000, () => 0.5)).toBe(200);
    expect(backoffDelay(3, 100, 1000, () => 0)).toBe(0);
  });

  it('sleep rejects at once on an aborted signal', async () => {
    await expect(sleep(10_000, AbortSignal.abort())).rejects.toMatchObject({ name: 'AbortError' });
  });
});
