import { useCallback, useEffect, useState } from 'react';
import type { ClassifiedError } from '../errors/error-kinds.js';
import type { RunbookController } from '../app/controller.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { toClassified } from './use-apply.js';

export type PlanState =
  | { kind: 'planning'; since: number }
  | { kind: 'ready'; steps: PlannedStep[] }
  | { kind: 'error'; error: ClassifiedError }
  /** A step needs what another section builds, not done yet: that section first. */
  | { kind: 'needs'; section: SectionId; stepId: string; missing: string };

/** The engine's MissingPrerequisiteError, by shape (screens do not import the engine's classes). */
function needsOf(error: unknown): { missingSection: SectionId; stepId: string; missing: string } | undefined {
  if (!error || typeof error !== 'object' || !('missingSection' in error) || !('stepId' in error) || !('missing' in error)) return undefined;
  const { missingSection, stepId, missing } = error as { missingSection: unknown; stepId: unknown; missing: unknown };
  return typeof missingSection === 'string' && typeof stepId === 'string' && typeof missing === 'string' ? { missingSection: missingSection as SectionId, stepId, missing } : undefined;
}

/** The plan of one section (a read-only look at AWS), and `reload` to look again. */
export function useSectionPlan(controller: RunbookController, section: SectionId, alongWith?: SectionId[]): { plan: PlanState; reload: () => void } {
  const [plan, setPlan] = useState<PlanState>(() => ({ kind: 'planning', since: Date.now() }));
  const load = useCallback(() => {
    let live = true;
    setPlan({ kind: 'planning', since: Date.now() });
    controller.plan([section], alongWith && alongWith.length > 0 ? { alongWith } : undefined).then(
      (steps) => {
        if (live) setPlan({ kind: 'ready', steps: steps.filter((s) => s.section === section) });
      },
      (error: unknown) => {
        if (!live) return;
        const needs = needsOf(error);
        setPlan(needs ? { kind: 'needs', section: needs.missingSection, stepId: needs.stepId, missing: needs.missing } : { kind: 'error', error: toClassified(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [controller, section, alongWith]);
  useEffect(load, [load]);
  return { plan, reload: load };
}
