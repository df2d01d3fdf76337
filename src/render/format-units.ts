import type { ClassifiedError } from '../errors/error-kinds.js';
import type { Outputs, PlanAction, PlannedStep } from '../engine/types.js';

/** 0.4s, 12.3s, 2m05s, 1h02m: a duration with a tenth of a second below a minute. */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  return formatElapsed(safe);
}

/** 0s, 12s, 2m05s, 1h02m: whole seconds, for live counters. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** $32.85 */
export function formatUsd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** vpcId=vpc-123 subnetId=subnet-1, in the order the step gave them. */
export function formatOutputs(outputs: Outputs | undefined): string {
  if (!outputs) return '';
  return Object.entries(outputs)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

/** What an action is called on screen ("no change"); the text renderers use the raw token. */
export function actionLabel(action: PlanAction | 'destroy'): string {
  return action === 'no-change' ? 'no change' : action;
}

/** throttled (Throttling): Rate exceeded */
export function formatErrorLine(error: ClassifiedError): string {
  const code = error.code ? ` (${error.code})` : '';
  return `${error.kind}${code}: ${error.message}`;
}

/**
 * What the steps add to the monthly bill: the cost of the steps that create something (adopted and
 * unchanged resources are already billed), or undefined when none of them has a cost.
 * Same rule as `plan --json` totals.
 */
export function addedMonthlyCost(steps: readonly PlannedStep[]): number | undefined {
  const known = steps
    .filter((s) => s.action === 'create')
    .map((s) => s.preview.monthlyCostUsd)
    .filter((c): c is number => typeof c === 'number');
  if (known.length === 0) return undefined;
  return Math.round(known.reduce((sum, c) => sum + c, 0) * 100) / 100;
}

/** How long something takes on AWS, roughly: "<1 min", "≈2 min", "≈15 min", "≈1 h 05 min". */
export function formatTypical(seconds: number): string {
  if (seconds < 60) return '<1 min';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `≈${minutes} min`;
  return `≈${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
