import type { DBInstance } from '@aws-sdk/client-rds';
import { RunbookConflictError } from '../../aws/errors.js';
import { abortError, sleep } from '../../aws/with-retry.js';
import type { StepContext } from '../../engine/types.js';
import { describeInstance } from './rds-describe.js';
import { inventoryOf } from '../inventory/of-context.js';

/**
 * How the long RDS waits poll (our own loop: `pollUntil` caps its interval at 1 s, which is far too
 * chatty for a 20-minute create). Against AWS a check every 15 s; against an emulator
 * (--endpoint-url) every second. `setDatabaseWait` overrides both (tests, benches).
 */
export interface DatabaseWaitSettings {
  /** Between checks, ms; undefined = 15 s on AWS, 1 s against an endpoint. */
  intervalMs?: number;
  /** Give up after this long, ms (the run can be resumed: the wait starts again). */
  timeoutMs: number;
}

const AWS_INTERVAL_MS = 15_000;
const EMULATOR_INTERVAL_MS = 1_000;
const settings: DatabaseWaitSettings = { timeoutMs: 90 * 60_000 };

export function setDatabaseWait(next: Partial<DatabaseWaitSettings>): void {
  Object.assign(settings, next);
}

/** Statuses RDS does not leave by itself. */
export const BROKEN_STATUSES = new Set([
  'failed',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'insufficient-capacity',
  'restore-error',
  'storage-full',
]);

export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes > 0 ? `${minutes}m ${String(seconds % 60).padStart(2, '0')}s` : `${seconds}s`;
}

/** Whether a known instance is what `done` awaits; a state `done` refuses is left to the live check. */
function alreadyDone(done: (instance: DBInstance | undefined) => boolean, instance: DBInstance): boolean {
  try {
    return done(instance);
  } catch {
    return false;
  }
}

/**
 * Poll DescribeDBInstances until `done(instance)` (the instance is undefined once it is gone),
 * reporting the status and the elapsed time at every check, honouring Ctrl-C.
 */
export async function waitForInstance(
  ctx: StepContext,
  identifier: string,
  what: string,
  done: (instance: DBInstance | undefined) => boolean,
): Promise<DBInstance | undefined> {
  const interval = settings.intervalMs ?? (ctx.aws.endpoint ? EMULATOR_INTERVAL_MS : AWS_INTERVAL_MS);
  const started = Date.now();
  // What the create's answer (or the plan's read) showed: when it is what is awaited already, no call.
  const known = await inventoryOf(ctx).database.knownInstance(identifier);
  let first = known !== undefined && alreadyDone(done, known);
  for (;;) {
    if (ctx.signal.aborted) throw abortError(ctx.signal);
    const instance = first
      ? known
      : await describeInstance(ctx.aws.rds, identifier, ctx.signal).catch((error: unknown) => {
          // Ctrl-C landing while the answer is read surfaces as a transport or parse error: it is the stop.
          throw ctx.signal.aborted ? abortError(ctx.signal) : error;
        });
    if (!first) inventoryOf(ctx).database.instanceSeen(identifier, instance);
    first = false;
    const elapsed = Date.now() - started;
    ctx.progress(`${identifier}: ${instance?.DBInstanceStatus ?? 'gone'}; waiting for it ${what} (${formatElapsed(elapsed)} elapsed)`);
    if (done(instance)) return instance;
    if (elapsed >= settings.timeoutMs) {
      throw new Error(`Timed out after ${formatElapsed(elapsed)} waiting for ${identifier} ${what}; rerun to continue waiting (nothing is created twice).`);
    }
    await sleep(interval, ctx.signal);
  }
}

/** Until the instance is `available` or `stopped` (the caller starts it); a broken status is a conflict. */
export async function waitUntilSettled(ctx: StepContext, identifier: string): Promise<DBInstance> {
  const instance = await waitForInstance(ctx, identifier, 'to be available', (i) => {
    const status = i?.DBInstanceStatus ?? 'gone';
    if (status === 'gone' || status === 'deleting' || BROKEN_STATUSES.has(status)) {
      throw new RunbookConflictError(
        `DB instance ${identifier} is ${status} while waiting for it to be available`,
        status === 'gone' || status === 'deleting'
          ? 'Something deleted it meanwhile: run `aws-runbook plan` to see the state, then `aws-runbook up` to create it again.'
          : 'RDS cannot bring it back on its own: see the RDS console (Events) for why, fix or delete the instance, then rerun.',
      );
    }
    return status === 'available' || status === 'stopped';
  });
  if (!instance) throw new Error(`DB instance ${identifier} vanished while waiting for it`);
  return instance;
}

export async function waitUntilGone(ctx: StepContext, identifier: string): Promise<void> {
  await waitForInstance(ctx, identifier, 'to be deleted', (i) => i === undefined);
}
