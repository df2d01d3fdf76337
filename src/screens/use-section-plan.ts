import { useCallback, useEffect, useState } from 'react';
import type { ClassifiedError } from '../aws/error-kinds.js';
import type { RunbookController } from '../engine/controller.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { toClassified } from './use-apply.js';

export type PlanState = { kind: 'planning'; since: number } | { kind: 'ready'; steps: PlannedStep[] } | { kind: 'error'; error: ClassifiedError };

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
        if (live) setPlan({ kind: 'error', error: toClassified(error) });
      },
    );
    return () => {
      live = false;
    };
  }, [controller, section, alongWith]);
  useEffect(load, [load]);
  return { plan, reload: load };
}
