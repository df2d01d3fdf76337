import { CreateDBSubnetGroupCommand, DeleteDBSubnetGroupCommand, type DBSubnetGroup } from '@aws-sdk/client-rds';
import { shellQuote } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { pollUntil } from '../../aws/wait.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate } from '../mutation.js';
import { networkNames, networkPlaceholders, networkStepIds } from '../network.js';
import { stepPreview } from '../preview.js';
import { cliRdsTags, databaseNames, DATABASE_STEP_IDS } from './names.js';
import { tagOwnership } from './ownership.js';
import { describeSubnetGroup, listTags } from './rds-describe.js';
import { SUBNET_GROUP_NOTES } from './seed-notes.js';
import { inventoryOf } from '../inventory/of-context.js';

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/**
 * `database.subnet-group` — outputs `dbSubnetGroupName`. The DB subnet group on the MVP private
 * subnets only (two AZs), under the deterministic name `rds-private-<suffix>`.
 */
export function subnetGroupStep(config: Config): Step {
  const id = DATABASE_STEP_IDS.subnetGroup;
  const name = databaseNames(config).subnetGroup;
  const mvp = networkStepIds('mvp');
  const placeholders = networkPlaceholders('mvp');
  const privateSteps = config.network.mvp.private.map((_, index) => ({ stepId: mvp.subnetPrivate(index + 1), placeholder: placeholders.subnetPrivateId(index + 1) }));
  const description = `Private subnets of ${networkNames(config.suffix, 'mvp').vpc} for the database (aws-runbook)`;

  /** The private subnet ids, when every one is known. */
  function knownSubnetIds(ctx: StepContext): string[] | undefined {
    const ids = privateSteps.map((p) => ctx.output(p.stepId, 'subnetId'));
    return ids.every((i): i is string => i !== undefined) ? ids : undefined;
  }

  function subnetProblems(ctx: StepContext, group: DBSubnetGroup, wanted: readonly string[]): string[] {
    const live = (group.Subnets ?? []).flatMap((s) => (s.SubnetIdentifier ? [s.SubnetIdentifier] : []));
    if (sameSet(live, wanted)) return [];
    const publicId = ctx.output(mvp.subnetPublic, 'subnetId');
    const why = publicId && live.includes(publicId) ? ` (${publicId} is the MVP PUBLIC subnet: the database must not be placed there)` : '';
    return [`DB subnet group ${name} has subnets ${live.join(', ') || '(none)'}, wanted exactly the MVP private subnets ${wanted.join(', ')}${why}`];
  }

  /** What exists under our name, checked: its name if it is ours and as wanted, undefined if there is none, else a conflict. */
  async function existing(ctx: StepContext, wanted: readonly string[]): Promise<string | undefined> {
    const group = await describeSubnetGroup(ctx.aws.rds, name, ctx.signal);
    if (!group) return undefined;
    const tags = group.DBSubnetGroupArn ? await listTags(ctx.aws.rds, group.DBSubnetGroupArn, ctx.signal) : [];
    const problems = [...tagOwnership('DB subnet group', name, tags, ctx.project, id).problems, ...subnetProblems(ctx, group, wanted)];
    if (problems.length > 0) {
      throw new RunbookConflictError(problems.join('; '), 'Run `aws-runbook plan` to see it; delete or rename the group in the way (aws rds delete-db-subnet-group), then rerun.');
    }
    return group.DBSubnetGroupName ?? name;
  }

  async function create(ctx: StepContext, subnetIds: string[]): Promise<string> {
    return mutate(
      ctx,
      'CreateDBSubnetGroup',
      async (abortSignal) => {
        try {
          const command = new CreateDBSubnetGroupCommand({
            DBSubnetGroupName: name,
            DBSubnetGroupDescription: description,
            SubnetIds: subnetIds,
            Tags: ctx.tags(name),
          });
          const group = required((await ctx.aws.rdsOnce.send(command, { abortSignal })).DBSubnetGroup, 'a DBSubnetGroup (CreateDBSubnetGroup)');
          // moto answers a duplicate create with the existing group instead of DBSubnetGroupAlreadyExists: check what came back.
          const problems = subnetProblems(ctx, group, subnetIds);
          if (problems.length > 0) throw new RunbookConflictError(problems.join('; '), 'Delete or fix the group in the way, then rerun.');
          inventoryOf(ctx).database.subnetGroupSeen(name, group, ctx.tags(name));
          return group.DBSubnetGroupName ?? name;
        } catch (error) {
          if (!isAwsErrorCode(error, 'DBSubnetGroupAlreadyExists')) throw error;
          const adopted = await existing(ctx, subnetIds);
          if (adopted === undefined) throw error;
          ctx.progress(`DB subnet group ${adopted} already exists as wanted: adopted`);
          return adopted;
        }
      },
      { refind: () => existing(ctx, subnetIds) },
    );
  }

  return {
    id,
    section: 'database',
    title: `DB subnet group ${name} (MVP private subnets)`,
    needs: privateSteps.map((p) => p.stepId),

    async find(ctx): Promise<FindResult> {
      const database = inventoryOf(ctx).database;
      const group = await database.subnetGroup(name);
      if (!group) return ABSENT;
      const actual = group.DBSubnetGroupName ?? name;
      // A group the state file records this step made (or adopted, tags checked) under this name is ours:
      // its tags are not read again (RDS names are unique in an account and region).
      const owner =
        ctx.recordedAsDone()?.dbSubnetGroupName === actual
          ? { ours: true, problems: [] }
          : tagOwnership('DB subnet group', actual, await database.subnetGroupTags(name), ctx.project, id);
      const wanted = knownSubnetIds(ctx);
      const differences = [...owner.problems, ...(wanted ? subnetProblems(ctx, group, wanted) : [])];
      return present(owner.ours ? { dbSubnetGroupName: actual } : {}, owner.ours, differences);
    },

    preview(ctx, found) {
      const subnets = privateSteps.map((p) => ctx.ref(p.stepId, 'subnetId', p.placeholder)).join(' ');
      const zones = config.network.mvp.private.map((s) => `${config.region}${s.az}`).join(', ');
      return stepPreview(found, {
        what: `DB subnet group ${name} on the MVP private subnets (${zones})`,
        ...(found.kind === 'present' && found.outputs.dbSubnetGroupName ? { id: found.outputs.dbSubnetGroupName } : {}),
        create: [
          `aws rds create-db-subnet-group --db-subnet-group-name ${name} --db-subnet-group-description ${shellQuote(description)} --subnet-ids ${subnets} ${cliRdsTags(ctx.tags(name))}`,
        ],
        notes: SUBNET_GROUP_NOTES,
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      if (found.kind === 'present') {
        return { dbSubnetGroupName: adoptableOutputs(found, id, 'dbSubnetGroupName').dbSubnetGroupName as string };
      }
      const subnetIds = privateSteps.map((p) => ctx.need(p.stepId, 'subnetId'));
      const dbSubnetGroupName = await create(ctx, subnetIds);
      await ctx.recordOutputs({ dbSubnetGroupName });
      return { dbSubnetGroupName };
    },

    async destroy(ctx, outputs) {
      const groupName = outputs.dbSubnetGroupName ?? name;
      // Right after its instance is gone, RDS may still call the group "in use" for a moment.
      await pollUntil(
        () =>
          mutate(ctx, 'DeleteDBSubnetGroup', async (abortSignal) => {
            try {
              await ctx.aws.rdsOnce.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: groupName }), { abortSignal });
              inventoryOf(ctx).database.subnetGroupSeen(groupName, undefined);
              return true;
            } catch (error) {
              if (isAwsErrorCode(error, 'DBSubnetGroupNotFound')) {
                ctx.progress('DeleteDBSubnetGroup: already gone');
                return true;
              }
              if (isAwsErrorCode(error, 'InvalidDBSubnetGroupState')) {
                ctx.progress(`DB subnet group ${groupName} is still in use; retrying`);
                return undefined;
              }
              throw error;
            }
          }),
        { what: `DB subnet group ${groupName} to be deletable`, signal: ctx.signal, intervalMs: 1000, timeoutMs: 300_000 },
      );
    },

    destroyPreview(_ctx, outputs) {
      const groupName = outputs.dbSubnetGroupName ?? name;
      return { summary: `Delete DB subnet group ${groupName}`, cli: [`aws rds delete-db-subnet-group --db-subnet-group-name ${groupName}`] };
    },
  };
}
