import type { FindResult, Outputs, PlanAction, PlannedStep, Step, StepContext } from './types.js';
import type { PersistedState } from '../state/schema.js';

/** A step with what its find saw and the verdict, kept so `apply` need not look twice. */
export interface PlanEntry {
  step: Step;
  found: FindResult;
  planned: PlannedStep;
  /** Every needed step's outputs were known when find ran (else find could not see the resource). */
  inputsKnown: boolean;
}

function sameOutputs(a: Outputs, b: Outputs): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** The verdict for a step from what find saw and what the state file records. Pure. */
export function decideAction(
  found: FindResult,
  recorded: PersistedState['steps'][string] | undefined,
  project: string,
  what = 'a resource with this name',
): { action: PlanAction; reason?: string } {
  if (found.kind === 'absent') return { action: 'create' };
  if (!found.ours) {
    const ids = Object.keys(found.outputs).length > 0 ? ` (${describeOutputs(found.outputs)})` : '';
    const differences = found.differences.length > 0 ? `: ${found.differences.join('; ')}` : '';
    return {
      action: 'conflict',
      reason: `${what} already exists${ids} and is not tagged aws-runbook:project=${project}${differences}; rename or remove it, or change the suffix in the config`,
    };
  }
  if (found.differences.length > 0) {
    return { action: 'conflict', reason: found.differences.join('; ') };
  }
  if (found.unfinished.length > 0) return { action: 'adopt', reason: `will finish: ${found.unfinished.join(', ')}` };
  if (recorded?.status === 'done' && sameOutputs(recorded.outputs, found.outputs)) return { action: 'no-change' };
  return { action: 'adopt', reason: 'exists and is tagged as ours; it will be recorded, not created again' };
}

export function describeOutputs(outputs: Outputs): string {
  const parts = Object.entries(outputs).map(([key, value]) => `${key}=${value}`);
  return parts.length > 0 ? parts.join(', ') : 'no id';
}

/** Find, decide, preview — read-only. */
export async function planStep(
  step: Step,
  ctx: StepContext,
  state: PersistedState | undefined,
  inputsKnown: boolean,
): Promise<PlanEntry> {
  const found = await step.find(ctx);
  const { action, reason } = decideAction(found, state?.steps[step.id], ctx.project, step.title);
  const preview = step.preview(ctx, found);
  const planned: PlannedStep = {
    stepId: step.id,
    section: step.section,
    title: step.title,
    ...(step.host ? { host: step.host } : {}),
    action,
    preview,
    ...(reason ? { reason } : {}),
  };
  return { step, found, planned, inputsKnown };
}

/**
 * The plan from config and state alone, without asking AWS (`plan --offline`, or when AWS does not
 * answer): a step recorded as done is taken as present, anything else as absent.
 */
export function planOffline(
  ordered: readonly Step[],
  state: PersistedState | undefined,
  contextFor: (stepId: string) => StepContext,
): PlannedStep[] {
  return ordered.map((step) => {
    const recorded = state?.steps[step.id];
    const found: FindResult =
      recorded?.status === 'done'
        ? { kind: 'present', outputs: recorded.outputs, ours: true, differences: [], unfinished: [] }
        : { kind: 'absent' };
    const ctx = contextFor(step.id);
    const { action, reason } = decideAction(found, recorded, ctx.project, step.title);
    return {
      stepId: step.id,
      section: step.section,
      title: step.title,
      ...(step.host ? { host: step.host } : {}),
      action,
      preview: step.preview(ctx, found),
      ...(reason && action !== 'no-change' ? { reason } : {}),
    };
  });
}
