import type { Step } from '../../src/engine/types.js';

/** The step with this id; a missing one fails the test naming the id and the ids there are. */
export function stepById(steps: readonly Step[], id: string): Step {
  const step = steps.find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id} among ${steps.length} steps: ${steps.map((s) => s.id).join(', ') || '(none)'}`);
  return step;
}
