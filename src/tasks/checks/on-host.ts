import type { HostName } from '../../engine/types.js';
import type { SshConnection } from '../../ssh/connect.js';
import { fail, type CheckContext, type CheckResult } from './types.js';

/**
 * Reaching a host from a check: the Fleet's verified connection (through the bastion), or a failed
 * result that says why and what to do. A check that cannot log in fails; it never guesses.
 */

/** `hosts.gitlab.ssh`: the check that logs in to a host (other checks on that host point at it). */
export function sshCheckId(host: HostName): string {
  return `hosts.${host}.ssh`;
}

export type HostConnection = { connection: SshConnection; result?: undefined } | { connection?: undefined; result: CheckResult };

/** The first line of an error, and the fix it carries (our SSH errors have `fix`, our task errors `hint`). */
export function errorParts(error: unknown): { message: string; fix?: string } {
  const e = error as { message?: unknown; fix?: unknown; hint?: unknown } | null;
  const message = (typeof e?.message === 'string' ? e.message : String(error)).split('\n')[0] ?? '';
  const fix = typeof e?.fix === 'string' ? e.fix : typeof e?.hint === 'string' ? e.hint : undefined;
  return { message, ...(fix ? { fix } : {}) };
}

/** A failed result for a host that could not be logged in to. */
export function unreachableHost(host: HostName, error: unknown): CheckResult {
  const { message, fix } = errorParts(error);
  return fail(`cannot log in to ${host} over SSH: ${message}`, fix ?? `see the check ${sshCheckId(host)}; \`aws-runbook up --only hosts\` records host keys and logs in first`);
}

/** Connect to `host`; an abort or a check timeout is rethrown (the runner reports those). */
export async function connectHost(ctx: CheckContext, host: HostName): Promise<HostConnection> {
  try {
    return { connection: await ctx.hosts.connect(host, ctx.signal) };
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return { result: unreachableHost(host, error) };
  }
}

/** Run `body` on `host`'s connection; a failure to connect, or a command that cannot run, is a failed check. */
export async function onHost(ctx: CheckContext, host: HostName, body: (connection: SshConnection) => Promise<CheckResult>): Promise<CheckResult> {
  const reached = await connectHost(ctx, host);
  if (reached.result) return reached.result;
  try {
    return await body(reached.connection);
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const { message, fix } = errorParts(error);
    return fail(`could not check on ${host}: ${message}`, fix ?? 'look at the host over SSH (through the bastion), then rerun `aws-runbook verify`');
  }
}
