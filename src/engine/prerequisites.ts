import type { PersistedState } from '../state/schema.js';
import type { SectionId, Step } from './types.js';

/** Thrown by `checkOutsideNeeds` when a selected step needs a step that is neither selected nor recorded. */
export class MissingPrerequisiteError extends Error {
  constructor(
    readonly stepId: string,
    readonly missing: string,
    readonly missingSection: SectionId | undefined,
  ) {
    super(
      `step ${stepId} needs ${missing}, which is not done yet` +
        (missingSection ? `: run \`aws-runbook up --only ${missingSection}\` first (or include it in --only)` : ''),
    );
    this.name = 'MissingPrerequisiteError';
  }
}

/**
 * Selected steps needing a step outside the selection must find it recorded as done, or among `alsoApplied`:
 * steps confirmed in the same run that will be applied together with the selection (the TUI `up` flow
 * previews every section before applying them as one graph).
 */
export function checkOutsideNeeds(
  selected: readonly Step[],
  all: readonly Step[],
  recorded: PersistedState | undefined,
  alsoApplied: readonly Step[] = [],
): void {
  const selectedIds = new Set([...selected, ...alsoApplied].map((step) => step.id));
  for (const step of selected) {
    for (const need of step.needs) {
      if (selectedIds.has(need)) continue;
      if (recorded?.steps[need]?.status === 'done') continue;
      throw new MissingPrerequisiteError(step.id, need, all.find((s) => s.id === need)?.section);
    }
  }
}
