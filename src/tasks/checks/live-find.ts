import type { Tag, Vpc } from '@aws-sdk/client-ec2';
import { TAG_STEP, tagValue } from '../../aws/tags.js';
import type { VpcKey } from '../../config/schema.js';
import type { SectionId } from '../../engine/types.js';
import { networkNames, networkStepIds } from '../network/names.js';
import { fail, type CheckContext, type CheckResult } from './types.js';

/**
 * Finding one step's resource among what LiveInventory described, for the checks: by the
 * aws-runbook:step tag (the state file only names things; what AWS holds decides).
 */

export type Tagged = { Tags?: Tag[] };

export type StepMatch<T> = { kind: 'one'; item: T } | { kind: 'none' } | { kind: 'many'; items: T[] };

export function matchStep<T extends Tagged>(items: readonly T[], stepId: string): StepMatch<T> {
  const found = items.filter((item) => tagValue(item.Tags, TAG_STEP) === stepId);
  if (found.length === 0) return { kind: 'none' };
  if (found.length === 1) return { kind: 'one', item: found[0] as T };
  return { kind: 'many', items: found };
}

/** The one resource of a step, or undefined (none, or several: `problemOf` says which). */
export function oneOf<T extends Tagged>(items: readonly T[], stepId: string): T | undefined {
  const match = matchStep(items, stepId);
  return match.kind === 'one' ? match.item : undefined;
}

/** "VPC-MVP-BFHK (vpc-0abc)" */
export function named(tags: readonly Tag[] | undefined, id: string | undefined, fallback = '?'): string {
  const name = tagValue(tags, 'Name');
  return name ? `${name} (${id ?? '?'})` : (id ?? fallback);
}

/** The hint for a resource missing from AWS (deleted by hand, or its section not applied yet). */
export function recreateHint(section: SectionId): string {
  return `run \`aws-runbook up --only ${section}\` to create it again (\`aws-runbook plan\` shows what it would do)`;
}

/**
 * The one resource of a step, or the failing result saying why there is none: missing (deleted by
 * hand, or its section not applied) or several (made outside the runbook).
 */
export function resolveStep<T extends Tagged>(
  items: readonly T[],
  stepId: string,
  what: string,
  section: SectionId,
  idOf: (item: T) => string | undefined,
): { item: T } | { result: CheckResult } {
  const match = matchStep(items, stepId);
  if (match.kind === 'one') return { item: match.item };
  if (match.kind === 'none') return { result: fail(`${what} is missing (nothing tagged aws-runbook:step=${stepId})`, recreateHint(section)) };
  return {
    result: fail(
      `${match.items.length} resources are tagged as ${what}: ${match.items.map(idOf).join(', ')}`,
      'keep the one in use and delete the others (made outside the runbook), then rerun verify',
    ),
  };
}

/** The VPC of a key as AWS holds it, or the failing result (missing, several). */
export async function liveVpc(ctx: CheckContext, vpc: VpcKey): Promise<{ item: Vpc } | { result: CheckResult }> {
  const name = networkNames(ctx.config.suffix, vpc).vpc;
  return resolveStep(await ctx.live.vpcs(), networkStepIds(vpc).vpc, `VPC ${name}`, 'network', (v) => v.VpcId);
}
