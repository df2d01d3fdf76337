/** The terms the state file records a step in: its section, its outputs, the plan's verdict (the engine speaks them too). */

/** Section ids, in runbook order (docs/design.md#section-ids). Names are a contract: `--only` takes them. */
export const SECTION_IDS = ['network', 'peering', 'security', 'database', 'storage', 'compute', 'hosts', 'backup'] as const;
export type SectionId = (typeof SECTION_IDS)[number];

/** What a step produced: resource ids and the like. Never a secret. */
export type Outputs = Record<string, string>;

/**
 * The plan's verdict for a step.
 * create: nothing there; adopt: ours but not (fully) recorded, apply finishes it without creating a copy;
 * no-change: there, recorded, as wanted; conflict: something is there that is not what we want.
 */
export type PlanAction = 'create' | 'adopt' | 'no-change' | 'conflict';
