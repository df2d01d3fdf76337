import pLimit, { type LimitFunction } from 'p-limit';

/**
 * OpenSSH's sshd refuses more than MaxSessions (default 10) session channels at once on one
 * connection; hosts are set up in parallel over one pooled connection, so the commands and SFTP
 * sessions beyond this wait for a free slot instead of failing with "open failed".
 */
export const MAX_SESSIONS_PER_CONNECTION = 8;

export function sessionLimiter(): LimitFunction {
  return pLimit(MAX_SESSIONS_PER_CONNECTION);
}

/** Wait for a free session slot; call the returned function to free it. */
export function acquireSession(limit: LimitFunction, signal: AbortSignal | undefined, abortError: () => Error): Promise<() => void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    let abandoned = false;
    const onAbort = () => {
      abandoned = true;
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    void limit(
      () =>
        new Promise<void>((release) => {
          signal?.removeEventListener('abort', onAbort);
          if (abandoned) release();
          else resolve(() => release());
        }),
    );
  });
}

/**
 * Retry opening a session channel that sshd refused with "open failed". sshd frees a closed session
 * only in its main loop, after handling every packet already read: a new session requested right
 * behind a close can find the old one still counted against MaxSessions.
 */
export async function retryRefusedOpen<T>(open: () => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await open();
    } catch (error) {
      const refused = error instanceof Error && /open failed/i.test(error.message);
      if (!refused || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    }
  }
}
