import type { ClassifiedError } from '../errors/error-kinds.js';
import type { RunOutcome } from '../engine/events.js';
import type { ResumeInfo } from '../app/controller.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { formatDuration } from '../render/format-units.js';
import type { FinishedEntry } from './use-finished-log.js';

/** A run: `up` of sections (some confirmed step by step), or the rehearsal's teardown. */
export interface RunCtx {
  kind: 'up' | 'down';
  sections: SectionId[];
  plan: PlannedStep[];
  /** Sections whose steps are confirmed one by one. */
  stepSections: SectionId[];
}

/** A run that ended well, for the Overview to say so. */
export interface RunDone {
  run: number;
  sections: SectionId[];
  elapsedMs: number;
}

/** What the Overview says after a run that ended well. */
export function doneNotice(done: RunDone, log: readonly FinishedEntry[], titles: Map<SectionId, string>): string {
  const finished = log.filter((entry) => entry.run === done.run && entry.status.kind === 'done').length;
  const what = done.sections.map((id) => titles.get(id) ?? id).join(', ');
  return `✓ ${what}: ${finished} finished in ${formatDuration(done.elapsedMs)} (s: the Summary, with what was made).`;
}

export type Screen =
  | { name: 'welcome' }
  | { name: 'overview'; notice?: string; done?: RunDone }
  | { name: 'summary' }
  | { name: 'checklist'; back: 'overview' | 'summary' }
  | { name: 'map'; back: 'overview' | 'summary' }
  | { name: 'preview'; section: SectionId }
  | { name: 'stripe'; section: SectionId }
  | ({ name: 'progress'; run: number; outcome?: RunOutcome } & RunCtx)
  | ({ name: 'failure'; applyError?: ClassifiedError } & RunCtx);


/** What the Overview says after the operator stopped a run: where (the state's word), and how to go on. */
export function stoppedNotice(where: ResumeInfo | undefined): string {
  const at = where?.stepId ? ` at ${where.stepTitle ?? where.stepId}` : '';
  return `Stopped${at}: the state records where. Open its section again to resume; nothing is created twice.`;
}
