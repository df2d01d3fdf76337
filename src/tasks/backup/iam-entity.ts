import type { Tag } from '@aws-sdk/client-iam';
import { shellQuote } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import type { AwsTag, FindResult, Outputs, StepContext } from '../../engine/types.js';
import { tagOwnership } from '../database/ownership.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';

/**
 * The shape the backup role and instance-profile steps share: an IAM entity found by its deterministic
 * name, ours by its tags (set in its create call), created with them, emptied then deleted on `down`.
 * Each step says what differs (its calls, what "as wanted" means, what it holds) in an `IamEntity`.
 */

/** What IAM answers when the entity (or what it holds) is gone already. */
export const IAM_GONE = ['NoSuchEntity', 'NoSuchEntityException'];

/** `--tags Key=Name,Value=x ...` as the IAM CLI takes them. */
export function cliIamTags(tags: readonly AwsTag[]): string {
  return `--tags ${tags.map((t) => shellQuote(`Key=${t.Key},Value=${t.Value}`)).join(' ')}`;
}

/** What the lookups of iam-lookup.ts give of any entity. */
export interface IamFacts {
  arn: string;
  tags: Tag[];
}

export interface IamEntity<F extends IamFacts> {
  stepId: string;
  /** 'IAM role', 'instance profile': how messages name it. */
  kind: string;
  /** The output keys of its name and its ARN. */
  nameKey: string;
  arnKey: string;
  /** Its facts as the plan's inventory read them (for find). */
  inPlan(ctx: StepContext, name: string): Promise<F | undefined>;
  /** Its facts asked of IAM now (after a create, on an "already exists", for destroy). */
  live(ctx: StepContext, name: string): Promise<F | undefined>;
  /** What apply still has to change on one of ours (empty: as wanted). */
  unfinished(ctx: StepContext, facts: F, name: string): string[];
  /** The create call, tags included, and what to tell the operator when the name is someone else's. */
  createAction: string;
  create(ctx: StepContext, name: string, abortSignal: AbortSignal): Promise<unknown>;
  whenTaken: string;
  /** What must go before IAM accepts the delete (its policies, its roles). */
  empty(ctx: StepContext, facts: F, name: string): Promise<void>;
  deleteAction: string;
  delete(ctx: StepContext, name: string, abortSignal: AbortSignal): Promise<unknown>;
}

/** A removal IAM may answer with "no such entity" (gone already: done). */
export function removeFromIam(ctx: StepContext, action: string, send: (abortSignal: AbortSignal) => Promise<unknown>): Promise<void> {
  return removeIdempotently(ctx, action, send, IAM_GONE);
}

/** Absent; someone else's (not our project's tag); or ours, with a wrong step tag as a difference, and what is unfinished. */
export async function findIamEntity<F extends IamFacts>(ctx: StepContext, entity: IamEntity<F>, name: string): Promise<FindResult> {
  const facts = await entity.inPlan(ctx, name);
  if (!facts) return ABSENT;
  const owner = tagOwnership(entity.kind, name, facts.tags, ctx.project, entity.stepId);
  if (!owner.ours) return present({}, false, owner.problems);
  return present({ [entity.nameKey]: name, [entity.arnKey]: facts.arn }, true, owner.problems, entity.unfinished(ctx, facts, name));
}

/** Create it, tagged; "already exists" is success only when what holds the name is ours, for this step. */
async function create<F extends IamFacts>(ctx: StepContext, entity: IamEntity<F>, name: string): Promise<void> {
  await mutate(
    ctx,
    entity.createAction,
    async (abortSignal) => {
      try {
        await entity.create(ctx, name, abortSignal);
      } catch (error) {
        if (!isAwsErrorCode(error, 'EntityAlreadyExists', 'EntityAlreadyExistsException')) throw error;
        const facts = await entity.live(ctx, name);
        const owner = tagOwnership(entity.kind, name, facts?.tags ?? [], ctx.project, entity.stepId);
        if (!owner.ours || owner.problems.length > 0) throw new RunbookConflictError(owner.problems.join('; '), entity.whenTaken);
      }
      return true;
    },
    { refind: async () => ((await entity.live(ctx, name)) ? true : undefined) },
  );
}

/**
 * Apply's common part: adopt the entity found (refusing one that is not ours to adopt) or create it, read
 * it back from IAM and record its outputs. The step then brings what it holds to what is wanted.
 */
export async function createOrAdoptIamEntity<F extends IamFacts>(
  ctx: StepContext,
  entity: IamEntity<F>,
  found: FindResult,
  name: string,
): Promise<{ facts: F; outputs: Outputs }> {
  if (found.kind === 'present') adoptableOutputs(found, entity.stepId, entity.arnKey);
  else await create(ctx, entity, name);
  const facts = required(await entity.live(ctx, name), `the ${entity.kind} ${name} just created`);
  const outputs = { [entity.nameKey]: name, [entity.arnKey]: facts.arn };
  await ctx.recordOutputs(outputs);
  return { facts, outputs };
}

/** Destroy: nothing when it is gone already; otherwise empty it, then delete it. */
export async function destroyIamEntity<F extends IamFacts>(ctx: StepContext, entity: IamEntity<F>, name: string): Promise<void> {
  const facts = await entity.live(ctx, name);
  if (!facts) return;
  await entity.empty(ctx, facts, name);
  await removeFromIam(ctx, entity.deleteAction, (abortSignal) => entity.delete(ctx, name, abortSignal));
}
