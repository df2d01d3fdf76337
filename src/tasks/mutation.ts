import { isAwsErrorCode } from '../aws/errors.js';
import { mutateOnce } from '../aws/with-retry.js';
import type { StepContext } from '../engine/types.js';

export interface MutationOptions<T> {
  /** Looks for the result of a call whose answer was lost (by tags, ClientToken or relation). */
  refind?: () => Promise<T | undefined>;
  clientToken?: string;
}

/**
 * One mutating AWS call of a step: recorded with `beginOperation` (in the state file) before every
 * send, sent through `mutateOnce` (a lost answer is looked for before anything is sent again), and
 * aborted with the run.
 */
export function mutate<T>(
  ctx: StepContext,
  action: string,
  send: (abortSignal: AbortSignal) => Promise<T>,
  options: MutationOptions<T> = {},
): Promise<T> {
  return mutateOnce({
    send: async () => {
      await ctx.beginOperation(action, options.clientToken);
      return send(ctx.signal);
    },
    ...(options.refind ? { refind: options.refind } : {}),
    signal: ctx.signal,
  });
}

/** A delete-like call: an answer meaning "already gone" (one of `goneCodes`) counts as done. */
export async function removeIdempotently(
  ctx: StepContext,
  action: string,
  send: (abortSignal: AbortSignal) => Promise<unknown>,
  goneCodes: string[],
): Promise<void> {
  await mutate(ctx, action, async (abortSignal) => {
    try {
      await send(abortSignal);
    } catch (error) {
      if (isAwsErrorCode(error, ...goneCodes)) {
        ctx.progress(`${action}: already gone`);
        return;
      }
      throw error;
    }
  });
}
