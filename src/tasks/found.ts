import { RunbookConflictError } from '../aws/errors.js';
import type { FindResult, Outputs } from '../engine/types.js';

/** Helpers to build and read `FindResult`s, shared by every task. */

export const ABSENT: FindResult = { kind: 'absent' };

export type Present = Extract<FindResult, { kind: 'present' }>;

export function present(outputs: Outputs, ours: boolean, differences: string[] = [], unfinished: string[] = []): Present {
  return { kind: 'present', outputs, ours, differences, unfinished };
}

/** Something is there that apply must not take over: not ours, or not what we want. */
export function isConflict(found: FindResult): found is Present {
  return found.kind === 'present' && (!found.ours || found.differences.length > 0);
}

/**
 * The outputs of a found resource that apply may adopt (ours, no differences), with the keys it
 * needs; otherwise a conflict error (apply is never meant to be called for a conflict, but if it is,
 * it refuses instead of touching someone else's resource).
 */
export function adoptableOutputs(found: Present, stepId: string, ...keys: string[]): Outputs {
  if (!found.ours || found.differences.length > 0) {
    throw new RunbookConflictError(
      `step ${stepId}: what exists is not ours to adopt: ${found.differences.join('; ') || 'not tagged for this project'}`,
      'Run `aws-runbook plan` to see the conflict; rename, retag or delete the resource in the way, then rerun.',
    );
  }
  for (const key of keys) {
    if (!found.outputs[key]) {
      throw new Error(`step ${stepId}: find reported a resource of ours without its ${key} (a bug in the task)`);
    }
  }
  return found.outputs;
}

/** A value an AWS answer must carry. */
export function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`AWS answered without ${what}`);
  return value;
}
