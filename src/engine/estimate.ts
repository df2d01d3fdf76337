import { remainingWork, topologicalOrder } from './graph.js';
import { planOffline } from './plan.js';
import type { PlannedStep, Section, SectionId, Step, StepContext } from './types.js';

/** What a section (or the whole runbook) costs once built, and how long building it takes on AWS. */
export interface Estimate {
  /** USD a month, at the prices the cost table gives (usage-based charges not included); undefined: no priced step. */
  monthlyUsd?: number;
  /** The longest chain of steps, by their typical time on AWS (waits included: RDS ~15 min, a NAT gateway a few). */
  seconds: number;
}

export interface RunbookEstimate {
  sections: Partial<Record<SectionId, Estimate>>;
  /** Everything: costs add up; the time is the longest chain across sections (they overlap when applied together). */
  total: Estimate;
}

/** The longest chain of `steps` (needs outside them ignored), by their typical seconds on AWS. */
function longestChain(steps: readonly Step[]): number {
  return Math.max(0, ...remainingWork(steps).values());
}

function monthly(planned: readonly PlannedStep[]): number | undefined {
  const costs = planned.map((step) => step.preview.monthlyCostUsd).filter((cost): cost is number => cost !== undefined);
  return costs.length === 0 ? undefined : Math.round(costs.reduce((sum, cost) => sum + cost, 0) * 100) / 100;
}

/**
 * What each section costs a month once built and how long it takes on AWS, from the config alone: every
 * step previewed as a create (what `plan` shows for a new account, no AWS call), its monthly cost added up;
 * the time is the section's longest chain of typical step times, since independent steps run together.
 */
export function estimateRunbook(runbook: readonly Section[], contextFor: (stepId: string) => StepContext): RunbookEstimate {
  const all = runbook.flatMap((section) => section.steps);
  const planned = planOffline(topologicalOrder(all), undefined, contextFor);
  const sections: RunbookEstimate['sections'] = {};
  for (const section of runbook) {
    const estimate: Estimate = { seconds: longestChain(section.steps) };
    const cost = monthly(planned.filter((step) => step.section === section.id));
    if (cost !== undefined) estimate.monthlyUsd = cost;
    sections[section.id] = estimate;
  }
  const total: Estimate = { seconds: longestChain(all) };
  const cost = monthly(planned);
  if (cost !== undefined) total.monthlyUsd = cost;
  return { sections, total };
}
