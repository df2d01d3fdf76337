import type { ClassifiedError } from '../errors/error-kinds.js';
import type { PersistedState } from '../state/schema.js';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { RunOutcome } from './events.js';
import type { Outputs, PlanAction, SectionId } from './types.js';

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

/** A run begins: which command, which sections, which process on which host (what the lock and resume show). */
export function markRunStarted(draft: PersistedState, command: 'up' | 'down', sections: SectionId[]): void {
  draft.lastRun = { id: randomUUID(), command, sections, startedAt: new Date().toISOString(), pid: process.pid, host: hostname() };
}

/** A run ends with its outcome (a run killed before this is "interrupted" on resume). */
export function markRunFinished(draft: PersistedState, outcome: RunOutcome): void {
  if (draft.lastRun && !draft.lastRun.finishedAt) {
    draft.lastRun.finishedAt = new Date().toISOString();
    draft.lastRun.outcome = outcome;
  }
}
