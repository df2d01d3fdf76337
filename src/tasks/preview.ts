import type { FindResult, StepPreview } from '../engine/types.js';
import { pricesNote } from './costs.js';

export interface PreviewParts {
  /** The resource in a few words: "VPC VPC-MVP-BFHK 10.1.0.0/16". */
  what: string;
  /** Its id when it exists. */
  id?: string;
  /** CLI lines creating it from nothing. */
  create: string[];
  /** CLI lines finishing an existing one, given find's `unfinished`. */
  finish?: (unfinished: string[]) => string[];
  notes?: string[];
}

/** The preview of a step from what find saw: create, finish, nothing to do, or conflict. */
export function stepPreview(found: FindResult, parts: PreviewParts): StepPreview {
  const notes = parts.notes ?? [];
  if (found.kind === 'absent') {
    return { summary: `Create ${parts.what}`, cli: parts.create, notes };
  }
  const at = parts.id ? ` (${parts.id})` : '';
  if (!found.ours || found.differences.length > 0) {
    const why = found.differences.length > 0 ? found.differences.join('; ') : 'it is not tagged for this project';
    return {
      summary: `Conflict: ${parts.what}${at}: ${why}`,
      cli: parts.create,
      notes: [...found.differences.map((d) => `Conflict: ${d}`), ...notes],
    };
  }
  if (found.unfinished.length > 0) {
    return {
      summary: `${parts.what}${at} exists; to finish: ${found.unfinished.join('; ')}`,
      cli: parts.finish?.(found.unfinished) ?? [],
      notes,
    };
  }
  return { summary: `${parts.what}${at} exists as wanted`, cli: [], notes };
}

/**
 * A preview with the monthly cost its step adds: the amount when the region has prices, otherwise a note
 * saying the cost is unknown there (never another region's price).
 */
export function withMonthlyCost(preview: StepPreview, usd: number | undefined, region: string): StepPreview {
  if (usd !== undefined) return { ...preview, monthlyCostUsd: usd };
  return { ...preview, costUnknown: true, notes: [...(preview.notes ?? []), `Cost: unknown: ${pricesNote(region)}.`] };
}
