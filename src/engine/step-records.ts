import type { ClassifiedError } from '../aws/error-kinds.js';
import type { PersistedState } from '../state/schema.js';
import type { Outputs, PlanAction } from './types.js';

/** Pure edits of a state draft for one step's lifecycle (the engine wraps them in `store.update`). */

export function markRunning(draft: PersistedState, stepId: string, mode: 'up' | 'down', outputs: Outputs): void {
  draft.steps[stepId] = { status: 'running', mode, startedAt: new Date().toISOString(), outputs };
}

export function markDone(draft: PersistedState, stepId: string, action: PlanAction, outputs: Outputs): void {
  draft.steps[stepId] = { status: 'done', action, finishedAt: new Date().toISOString(), outputs };
}

/** Failed, keeping the outputs learned so far and the operation that was in flight (for resume and status). */
export function markFailed(draft: PersistedState, stepId: string, mode: 'up' | 'down', error: ClassifiedError, fallbackOutputs: Outputs): void {
  const current = draft.steps[stepId];
  const pending = current && current.status !== 'done' ? current.pendingOperation : undefined;
  draft.steps[stepId] = {
    status: 'failed',
    mode,
    finishedAt: new Date().toISOString(),
    outputs: current?.outputs ?? fallbackOutputs,
    error,
    ...(pending ? { pendingOperation: pending } : {}),
  };
}

/** A step whose resource is gone leaves the state. */
export function forget(draft: PersistedState, stepId: string): void {
  delete draft.steps[stepId];
}
