import type { StepContext } from '../../engine/types.js';
import { Inventory } from './inventory.js';

/**
 * The plan's inventory, made by the runbook for each plan (the session hands the engine one: src/app/session.ts). Outside a plan (a
 * step run on its own, as the task tests do), a new one each time: every use reads AWS afresh.
 */
export function inventoryOf(ctx: StepContext): Inventory {
  if (ctx.inventory instanceof Inventory) return ctx.inventory;
  return new Inventory({ aws: ctx.aws, project: ctx.project, signal: ctx.signal });
}
