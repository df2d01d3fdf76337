import { TAG_PROJECT, TAG_STEP } from '../../aws/tags.js';

/** A tag as RDS and S3 answer it (both optional fields). */
export interface LooseTag {
  Key?: string | undefined;
  Value?: string | undefined;
}

export interface Ownership {
  /** aws-runbook:project is this project. */
  ours: boolean;
  /** Lines for `differences`: not ours, or ours but tagged for another step. */
  problems: string[];
}

function tag(tags: readonly LooseTag[], key: string): string | undefined {
  return tags.find((t) => t.Key === key)?.Value;
}

/**
 * Who a named resource (RDS, S3: found by its deterministic name, not by a tag filter) belongs to,
 * from its tags. Shared by the database and storage sections.
 */
export function tagOwnership(kind: string, id: string, tags: readonly LooseTag[], project: string, stepId: string): Ownership {
  const owner = tag(tags, TAG_PROJECT);
  if (owner !== project) {
    return {
      ours: false,
      problems: [
        `${kind} ${id} exists but its ${TAG_PROJECT} tag is ${owner === undefined ? 'missing' : `"${owner}"`}, not "${project}": ` +
          `it was not made by aws-runbook for this project (rename or delete it, or change the suffix in the config)`,
      ],
    };
  }
  const step = tag(tags, TAG_STEP);
  return { ours: true, problems: step === stepId ? [] : [`${kind} ${id} is ours but tagged for step ${step ?? '(none)'}, not ${stepId}`] };
}
