import type { Step } from './types.js';

/**
 * Steps in an order where every step comes after the steps it needs (stable: runbook order is kept
 * where `needs` allows). Needs outside `steps` are ignored here: the caller checks they are recorded.
 * Throws on a cycle — a bug in the runbook, not an operator error.
 */
export function topologicalOrder(steps: readonly Step[]): Step[] {
  const byId = new Map(steps.map((step) => [step.id, step]));
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const ordered: Step[] = [];
  const visit = (step: Step, path: string[]) => {
    if (placed.has(step.id)) return;
    if (visiting.has(step.id)) throw new Error(`runbook cycle: ${[...path, step.id].join(' → ')}`);
    visiting.add(step.id);
    for (const need of step.needs) {
      const dependency = byId.get(need);
      if (dependency) visit(dependency, [...path, step.id]);
    }
    visiting.delete(step.id);
    placed.add(step.id);
    ordered.push(step);
  };
  for (const step of steps) visit(step, []);
  return ordered;
}

/** For each step id, the ids of the selected steps that need it (the reverse edges, for teardown). */
export function dependentsOf(steps: readonly Step[]): Map<string, string[]> {
  const dependents = new Map<string, string[]>(steps.map((step) => [step.id, []]));
  for (const step of steps) {
    for (const need of step.needs) dependents.get(need)?.push(step.id);
  }
  return dependents;
}

/** Seconds a step is assumed to take when it does not say (one or two API calls). */
export const DEFAULT_TYPICAL_SECONDS = 1;

/**
 * For each step, the typical time from its start to the end of the longest chain of steps that need it
 * (its own `typicalSeconds` included): the scheduler starts the step with the most work behind it first,
 * so a free slot goes to the chain that ends with the RDS wait rather than to a route that ends nothing.
 */
export function remainingWork(steps: readonly Step[]): Map<string, number> {
  const dependents = dependentsOf(steps);
  const memo = new Map<string, number>();
  const ordered = topologicalOrder(steps);
  for (const step of [...ordered].reverse()) {
    const after = Math.max(0, ...(dependents.get(step.id) ?? []).map((id) => memo.get(id) ?? 0));
    memo.set(step.id, (step.typicalSeconds ?? DEFAULT_TYPICAL_SECONDS) + after);
  }
  return memo;
}
