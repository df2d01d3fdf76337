import { abortError, sleep } from './with-retry.js';

export interface PollOptions {
  /** What is awaited, for the timeout message ("VPC vpc-123 to be available"). */
  what: string;
  signal?: AbortSignal;
  /** Between checks, ms; at most 1000 (default 500). */
  intervalMs?: number;
  /** Give up after this long, ms (default 120000). */
  timeoutMs?: number;
}

/**
 * Our own short poll (never the SDK waiters, whose minimum delay is 15 s): calls `check` until it
 * returns a value other than undefined, honouring the signal.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const interval = Math.min(1000, options.intervalMs ?? 500);
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (options.signal?.aborted) throw abortError(options.signal);
    const value = await check().catch((error: unknown) => {
      // Ctrl-C landing while an answer is read surfaces as a transport or parse error: it is the stop.
      throw options.signal?.aborted ? abortError(options.signal) : error;
    });
    if (value !== undefined) return value;
    if (Date.now() >= deadline) {
      throw new Error(`Timed out waiting for ${options.what}; rerun to continue waiting (nothing is created twice).`);
    }
    await sleep(interval, options.signal);
  }
}
