import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { RunbookConflictError } from './errors.js';
import { nameTagFilter, stepTagFilters, TAG_PROJECT, TAG_STEP, tagValue } from './tags.js';

/** How to read the id, tags and VPC of one kind of taggable resource (matching needs nothing else). */
export interface TagView<T> {
  /** For messages: "VPC", "subnet", "internet gateway", "route table". */
  readonly kind: string;
  id(item: T): string | undefined;
  tags(item: T): Tag[] | undefined;
  /** The VPC the item belongs to (attached to, for an internet gateway). */
  vpcId?(item: T): string | undefined;
}

/** How to list one kind of taggable resource. */
export interface TagLookup<T> extends TagView<T> {
  /** Describe with these filters, all pages. Emulators may ignore some filters: results are re-checked. */
  describe(filters: Filter[]): Promise<T[]>;
  /** The filter name selecting by VPC: `vpc-id`, or `attachment.vpc-id` for internet gateways. */
  readonly vpcFilter?: string;
}

export interface TagQuery {
  project: string;
  stepId: string;
  /** Also look for things named like ours but not tagged as ours (a conflict the operator must see). */
  name?: string;
  /** Only within this VPC. */
  vpcId?: string;
}

export type TagMatch<T> =
  | { kind: 'none' }
  /** ours: tagged aws-runbook:project = project (found by the step's tags, or by Name with our project tag). */
  | { kind: 'one'; item: T; id: string; ours: boolean }
  /** More than one candidate: never pick one, report them all. */
  | { kind: 'many'; ids: string[]; ours: boolean };

function inVpc<T>(lookup: TagView<T>, item: T, vpcId: string | undefined): boolean {
  return vpcId === undefined || lookup.vpcId?.(item) === vpcId;
}

function vpcFilters<T>(lookup: TagLookup<T>, vpcId: string | undefined): Filter[] {
  return vpcId !== undefined && lookup.vpcFilter ? [{ Name: lookup.vpcFilter, Values: [vpcId] }] : [];
}

function toMatch<T>(lookup: TagView<T>, items: T[], project: string): TagMatch<T> {
  const withIds = items.flatMap((item) => {
    const id = lookup.id(item);
    return id ? [{ item, id }] : [];
  });
  const first = withIds[0];
  if (!first) return { kind: 'none' };
  const ours = withIds.every(({ item }) => tagValue(lookup.tags(item), TAG_PROJECT) === project);
  if (withIds.length > 1) return { kind: 'many', ids: withIds.map((w) => w.id).sort(), ours };
  return { kind: 'one', item: first.item, id: first.id, ours };
}

const carriesStepTags = <T>(lookup: TagView<T>, item: T, query: TagQuery) =>
  tagValue(lookup.tags(item), TAG_PROJECT) === query.project && tagValue(lookup.tags(item), TAG_STEP) === query.stepId && inVpc(lookup, item, query.vpcId);

const carriesName = <T>(lookup: TagView<T>, item: T, query: TagQuery & { name: string }) =>
  tagValue(lookup.tags(item), 'Name') === query.name && inVpc(lookup, item, query.vpcId);

/**
 * The same match as `findByTags`, over items already read (the plan's inventory: every item of the kind
 * that carries our project tag or a Name, in scope): those carrying the step's tags (in the VPC when
 * given); when there are none and a `name` is given, those with that Name.
 */
export function matchByTags<T>(lookup: TagView<T>, items: readonly T[], query: TagQuery): TagMatch<T> {
  const tagged = items.filter((item) => carriesStepTags(lookup, item, query));
  if (tagged.length > 0 || query.name === undefined) return toMatch(lookup, tagged, query.project);
  const named = { ...query, name: query.name };
  return toMatch(
    lookup,
    items.filter((item) => carriesName(lookup, item, named)),
    query.project,
  );
}

/**
 * Find a step's resource by its tags, and re-check every item returned (tag values, and the VPC
 * where given) instead of trusting the filter. When nothing carries the step's tags and a `name` is
 * given, look for things with that Name: what is found there is reported (usually not ours).
 * A live read (two describes at most): the double-check after a lost answer; finds use `matchByTags`.
 */
export async function findByTags<T>(lookup: TagLookup<T>, query: TagQuery): Promise<TagMatch<T>> {
  const byStep = await lookup.describe([...stepTagFilters(query.project, query.stepId), ...vpcFilters(lookup, query.vpcId)]);
  const tagged = byStep.filter((item) => carriesStepTags(lookup, item, query));
  if (tagged.length > 0 || query.name === undefined) return toMatch(lookup, tagged, query.project);
  const named = { ...query, name: query.name };
  const byName = await lookup.describe([nameTagFilter(named.name), ...vpcFilters(lookup, query.vpcId)]);
  return toMatch(
    lookup,
    byName.filter((item) => carriesName(lookup, item, named)),
    query.project,
  );
}

/**
 * For `mutateOnce`'s refind: the id of the one resource carrying the step's tags, undefined when
 * there is none, and a conflict error when there are several (never pick one).
 */
export async function refindIdByTags<T>(lookup: TagLookup<T>, query: Omit<TagQuery, 'name'>): Promise<string | undefined> {
  // By the step's tags only, never by Name: a same-named resource of someone else is not the one we made.
  const match = await findByTags(lookup, { project: query.project, stepId: query.stepId, ...(query.vpcId ? { vpcId: query.vpcId } : {}) });
  if (match.kind === 'none') return undefined;
  if (match.kind === 'many') throw duplicatesError(lookup.kind, query.stepId, match.ids);
  return match.id;
}

export function duplicatesError(kind: string, stepId: string, ids: string[]): RunbookConflictError {
  return new RunbookConflictError(
    `${ids.length} ${kind}s carry the tags of step ${stepId}: ${ids.join(', ')}`,
    `Keep one and delete the others (or remove their aws-runbook tags), then rerun; the tool never picks one at random.`,
  );
}

/** What is wrong with who owns a match, as lines for `differences` (empty when it is ours and for this step). */
export function ownershipProblems<T>(lookup: TagView<T>, match: TagMatch<T>, query: TagQuery): string[] {
  if (match.kind === 'none') return [];
  if (match.kind === 'many') {
    const what = query.name ? `named ${query.name} or tagged for step ${query.stepId}` : `tagged for step ${query.stepId}`;
    return [`${match.ids.length} ${lookup.kind}s are ${what}: ${match.ids.join(', ')}; keep one and delete the others`];
  }
  const tags = lookup.tags(match.item);
  const project = tagValue(tags, TAG_PROJECT);
  if (!match.ours) {
    return [
      `${lookup.kind} ${match.id} is named ${tagValue(tags, 'Name') ?? '(no Name)'} but its ${TAG_PROJECT} tag is ` +
        `${project === undefined ? 'missing' : `"${project}"`}, not "${query.project}": it was not made by aws-runbook for this project ` +
        `(rename or delete it, or change the suffix in the config)`,
    ];
  }
  const step = tagValue(tags, TAG_STEP);
  return step === query.stepId ? [] : [`${lookup.kind} ${match.id} is ours but tagged for step ${step ?? '(none)'}, not ${query.stepId}`];
}
