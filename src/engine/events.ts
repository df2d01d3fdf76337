import type { ClassifiedError } from '../errors/error-kinds.js';
import type { CheckMeta, CheckSelection } from './checklist-view.js';
import type { CheckOutcome } from './check-outcome.js';
import type { Identity, Outputs, PlanAction, PlannedStep, SectionId, StepPreview } from './types.js';

/** The one event stream both renderers (Ink and plain lines) consume. */
export type EngineEvent =
  | { type: 'identity'; identity: Identity }
  | { type: 'plan-started'; sections: SectionId[]; at: number }
  | { type: 'step-planned'; step: PlannedStep }
  | { type: 'plan-finished'; sections: SectionId[]; at: number }
  | { type: 'section-started'; section: SectionId; mode: 'up' | 'down'; at: number }
  | { type: 'step-started'; stepId: string; action: PlanAction | 'destroy'; at: number }
  | { type: 'step-progress'; stepId: string; message: string; at: number }
  | { type: 'step-done'; stepId: string; action: PlanAction | 'destroy'; outputs: Outputs; at: number }
  | { type: 'step-failed'; stepId: string; error: ClassifiedError; at: number }
  | { type: 'step-skipped'; stepId: string; reason: string; at: number }
  | { type: 'section-finished'; section: SectionId; outcome: RunOutcome; at: number }
  | { type: 'run-finished'; outcome: RunOutcome; at: number }
  | { type: 'notice'; level: 'info' | 'warn'; message: string; at: number }
  /** `verify`: the checks about to run (all, some groups, or a rerun of some ids). */
  | { type: 'checks-started'; checks: CheckMeta[]; selection: CheckSelection; at: number }
  | { type: 'check-started'; id: string; at: number }
  | { type: 'check-finished'; outcome: CheckOutcome; at: number }
  | { type: 'checks-finished'; ok: boolean; at: number };

export type RunOutcome = 'ok' | 'failed' | 'aborted' | 'declined';

export type { StepPreview };
