import { classifyAwsError } from './errors.js';

export interface MutateOnceOptions<T> {
  /** The mutating call, sent through a no-retry (`*Once`) client. */
  send: () => Promise<T>;
  /**
   * Looks for what the call would have made (by tags, ClientToken, or the relation it creates).
   * Runs after every failure whose outcome is unknown, before anything is sent again.
   */
  refind?: () => Promise<T | undefined>;
  signal?: AbortSignal;
  /** Sends at most this many times (default 8: throttling comes in bursts; each resend waits longer). */
  attempts?: number;
  /** First backoff ceiling, ms (default 250); doubles each attempt, capped by maxDelayMs (default 8000). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** For tests: the random source of the jitter. */
  random?: () => number;
}

/** The abort reason as an Error the classifier recognises as `aborted`. */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'The operation was aborted');
  error.name = 'AbortError';
  return error;
}

/** Wait `ms`, or reject as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Full-jitter exponential backoff: a random delay in [0, min(max, base·2^(attempt-1))]. */
export function backoffDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * Send a mutating call at most once per outcome we know of. When it fails in a way that leaves its
 * outcome unknown (throttling, a 5xx, a reset connection, a timeout: the request MAY have been
 * applied), `refind` looks for the result first; if it is there it is returned and nothing is sent
 * again, so a lost answer never creates a second copy. Otherwise it waits (jittered exponential
 * backoff, cut short by the signal) and sends again. An error of unknown kind is looked for too,
 * but not resent. Other errors (permission, invalid, conflict, ...) are thrown as they are.
 */
export async function mutateOnce<T>(options: MutateOnceOptions<T>): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 8);
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 8000;
  for (let attempt = 1; ; attempt += 1) {
    if (options.signal?.aborted) throw abortError(options.signal);
    try {
      return await options.send();
    } catch (error) {
      const classified = classifyAwsError(error);
      const outcomeUnknown = classified.retryable || classified.kind === 'unknown';
      if (!outcomeUnknown) throw error;
      if (options.refind) {
        const found = await options.refind();
        if (found !== undefined) return found;
      }
      if (!classified.retryable || attempt >= attempts) throw error;
      await sleep(backoffDelay(attempt, base, max, options.random), options.signal);
    }
  }
}
