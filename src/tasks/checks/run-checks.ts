import pLimit from 'p-limit';
import { classifyAwsError } from '../../aws/errors.js';
import { CHECK_GROUPS, type Check, type CheckContext, type CheckOutcome, type CheckResult, type CheckStatus } from './types.js';

/** Checks run this many at a time: the describes are shared (LiveInventory), SSH sessions are pooled. */
export const CHECK_CONCURRENCY = 8;
/** A check that takes longer than this (a host that stopped answering) fails instead of hanging `verify`. */
export const CHECK_TIMEOUT_MS = 60_000;

export interface CheckRunOptions {
  concurrency?: number;
  timeoutMs?: number;
  onStart?(check: Check): void;
  onFinish?(outcome: CheckOutcome): void;
}

/** `verify`'s answer: every outcome in checklist order, and the verdict. */
export interface CheckReport {
  startedAt: string;
  finishedAt: string;
  /** True when no required check failed (verify exits 0). */
  ok: boolean;
  counts: Record<CheckStatus, number>;
  checks: CheckOutcome[];
}

const HOSTS_UNREACHABLE =
  'the hosts cannot be reached over SSH in this run (an emulator without a lab: its addresses are invented, nothing connects to them)';

async function runOne(check: Check, ctx: CheckContext, timeoutMs: number): Promise<CheckResult> {
  if (check.needsHosts && !ctx.hosts.reachable) return { status: 'skip', evidence: HOSTS_UNREACHABLE };
  if (ctx.signal.aborted) return { status: 'skip', evidence: 'not run: verify was stopped' };
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(timeoutMs)]);
  try {
    return await check.run({ ...ctx, signal, output: ctx.output, live: ctx.live });
  } catch (error) {
    if (ctx.signal.aborted) return { status: 'skip', evidence: 'not finished: verify was stopped' };
    if (signal.aborted) {
      return { status: 'fail', evidence: `no answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`, hint: 'check that the hosts and AWS answer, then rerun this check' };
    }
    const classified = classifyAwsError(error, { region: ctx.config.region, ...(ctx.aws.endpoint ? { endpoint: ctx.aws.endpoint } : {}) });
    return { status: 'fail', evidence: `could not check: ${classified.message}`, hint: classified.hint };
  }
}

/** Run checks concurrently; outcomes come back in checklist order (group order, then definition order). */
export async function runChecks(checks: readonly Check[], ctx: CheckContext, options: CheckRunOptions = {}): Promise<CheckReport> {
  const started = new Date();
  const limit = pLimit(options.concurrency ?? CHECK_CONCURRENCY);
  const outcomes = await Promise.all(
    checks.map((check) =>
      limit(async () => {
        options.onStart?.(check);
        const t0 = Date.now();
        const result = await runOne(check, ctx, options.timeoutMs ?? CHECK_TIMEOUT_MS);
        const outcome: CheckOutcome = { id: check.id, group: check.group, title: check.title, required: check.required ?? true, ...result, elapsedMs: Date.now() - t0 };
        options.onFinish?.(outcome);
        return outcome;
      }),
    ),
  );
  return reportOf(outcomes, started, new Date());
}

export function reportOf(outcomes: readonly CheckOutcome[], started: Date, finished: Date): CheckReport {
  const sorted = [...outcomes].sort((a, b) => CHECK_GROUPS.indexOf(a.group) - CHECK_GROUPS.indexOf(b.group));
  const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const o of sorted) counts[o.status] += 1;
  return {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    ok: !sorted.some((o) => o.required && o.status === 'fail'),
    counts,
    checks: sorted,
  };
}
