import type { RunView } from '../engine/reducer.js';
import type { PlannedStep } from '../engine/types.js';
import type { FinishedEntry } from './use-finished-log.js';

/** Where the steps of one run are: they add up to the steps of the run. */
export interface RunCounts {
  finished: number;
  failed: number;
  /** Stopped while at work (q, Ctrl-C, a signal): the state says where; resuming starts there. */
  stopped: number;
  running: number;
  /** Declined in step-by-step mode. */
  skipped: number;
  /** Never started: the run was stopped, or an earlier step did not finish. */
  notStarted: number;
  toGo: number;
}

const NOT_STARTED = /^not started/;

/** The counts of the run whose finished steps are `finished` (that run's entries only), over its `plan`. */
export function runCounts(plan: readonly PlannedStep[], view: RunView, finished: readonly FinishedEntry[]): RunCounts {
  const ids = new Set(plan.map((step) => step.stepId));
  const mine = finished.filter((entry) => ids.has(entry.stepId));
  const count = (test: (entry: FinishedEntry) => boolean) => mine.filter(test).length;
  const counts = {
    finished: count((e) => e.status.kind === 'done'),
    failed: count((e) => e.status.kind === 'failed' && e.status.error.kind !== 'aborted'),
    stopped: count((e) => e.status.kind === 'failed' && e.status.error.kind === 'aborted'),
    skipped: count((e) => e.status.kind === 'skipped' && !NOT_STARTED.test(e.status.reason)),
    notStarted: count((e) => e.status.kind === 'skipped' && NOT_STARTED.test(e.status.reason)),
    running: plan.filter((step) => view.steps[step.stepId]?.kind === 'running').length,
  };
  const settled = counts.finished + counts.failed + counts.stopped + counts.skipped + counts.notStarted + counts.running;
  return { ...counts, toGo: Math.max(0, plan.length - settled) };
}

/** "12 finished · 6 running · 20 to go", with the failed, stopped, skipped and never started when there are any. */
export function formatCounts(c: RunCounts): string {
  const parts = [`${c.finished} finished`, `${c.running} running`, `${c.toGo} to go`];
  if (c.failed > 0) parts.push(`${c.failed} failed`);
  if (c.stopped > 0) parts.push(`${c.stopped} stopped`);
  if (c.skipped > 0) parts.push(`${c.skipped} skipped`);
  if (c.notStarted > 0) parts.push(`${c.notStarted} not started`);
  return parts.join(' · ');
}
