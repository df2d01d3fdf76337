import type { NatGateway } from '@aws-sdk/client-ec2';
import { RunbookConflictError } from '../../aws/errors.js';
import { pollUntil } from '../../aws/wait.js';
import type { StepContext } from '../../engine/types.js';
import { natGatewayById } from './describe.js';
import { inventoryOf } from '../inventory/of-context.js';

/** A NAT gateway takes a few minutes to become available, and as long to be deleted, on AWS. */
const NAT_TIMEOUT_MS = 15 * 60_000;
/** A progress line at least this often while waiting (and whenever the state changes). */
const PROGRESS_EVERY_MS = 10_000;

/** "45s", "2m 05s" */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

function failedError(nat: NatGateway): RunbookConflictError {
  const reason = [nat.FailureCode, nat.FailureMessage].filter(Boolean).join(': ') || 'no reason given';
  return new RunbookConflictError(
    `NAT gateway ${nat.NatGatewayId ?? '?'} failed: ${reason}`,
    'Fix what the message names (the Elastic IP or the subnet), then rerun: AWS deletes the failed NAT gateway by itself and the step creates a new one.',
  );
}

/**
 * Our own poll (1 s) of one NAT gateway until `until` says it is done, with progress lines carrying
 * the state and the elapsed time. `onState` may throw to stop on a state that will never lead there.
 */
async function waitForNat(
  ctx: StepContext,
  natGatewayId: string,
  what: string,
  done: (nat: NatGateway | undefined) => boolean,
  onState: (nat: NatGateway | undefined) => void = () => undefined,
): Promise<void> {
  const started = Date.now();
  let lastState: string | undefined;
  let lastReport = 0;
  await pollUntil(
    async () => {
      const nat = await natGatewayById(ctx.aws.ec2, natGatewayId, ctx.signal);
      if (nat) inventoryOf(ctx).nat.natGateways.put(nat);
      else inventoryOf(ctx).nat.natGateways.drop(natGatewayId);
      if (done(nat)) return true;
      onState(nat);
      const state = nat?.State ?? 'not visible yet';
      const now = Date.now();
      if (state !== lastState || now - lastReport >= PROGRESS_EVERY_MS) {
        ctx.progress(`NAT gateway ${natGatewayId} is ${state}, waiting for it to be ${what} (${formatElapsed(now - started)})`);
        lastState = state;
        lastReport = now;
      }
      return undefined;
    },
    { what: `NAT gateway ${natGatewayId} to be ${what}`, signal: ctx.signal, intervalMs: 1000, timeoutMs: NAT_TIMEOUT_MS },
  );
}

/**
 * Until `available`; `failed` (with AWS's FailureMessage) or a deletion stops the wait with an error. No
 * call when the plan's read saw it available already; after a create, always a look (a NAT gateway
 * becomes available in AWS's own time).
 */
export async function waitUntilNatAvailable(ctx: StepContext, natGatewayId: string): Promise<void> {
  if (inventoryOf(ctx).nat.natGateways.peek(natGatewayId)?.State === 'available') return;
  return waitForNat(
    ctx,
    natGatewayId,
    'available',
    (nat) => nat?.State === 'available',
    (nat) => {
      if (nat?.State === 'failed') throw failedError(nat);
      if (nat?.State === 'deleting' || nat?.State === 'deleted') {
        throw new RunbookConflictError(
          `NAT gateway ${natGatewayId} is ${nat.State} (deleted outside the tool?)`,
          'Rerun: the step creates a new NAT gateway once this one is gone.',
        );
      }
    },
  );
}

/** Until `deleted` (or no longer listed), so its Elastic IP can be released. */
export function waitUntilNatDeleted(ctx: StepContext, natGatewayId: string): Promise<void> {
  return waitForNat(ctx, natGatewayId, 'deleted', (nat) => nat === undefined || nat.State === 'deleted');
}
