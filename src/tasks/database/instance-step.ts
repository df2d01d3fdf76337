import { CreateDBInstanceCommand, ModifyDBInstanceCommand, StartDBInstanceCommand, type DBInstance } from '@aws-sdk/client-rds';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext, StepPreview } from '../../engine/types.js';
import { formatMonthly, pricesFor, pricesNote, rdsInstanceMonthly } from '../costs.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { destroyInstance, destroyInstancePreview } from './instance-destroy.js';
import {
  createCliLines,
  createInput,
  instanceOutputs,
  modifyCliLine,
  reviewInstance,
  UNFINISHED,
  waitAvailableLine,
  wantedInstance,
  type WantedInstance,
} from './instance-spec.js';
import { waitUntilGone, waitUntilSettled } from './instance-wait.js';
import { DATABASE_STEP_IDS, RDS_SECURITY_GROUP_STEP } from './names.js';
import { tagOwnership } from './ownership.js';
import { describeInstance } from './rds-describe.js';
import { INSTANCE_NOTES } from './seed-notes.js';
import { inventoryOf } from '../inventory/of-context.js';

const SUBNET_GROUP_PLACEHOLDER = '$DB_SUBNET_GROUP_NAME';
const SECURITY_GROUP_PLACEHOLDER = '$RDS_SG_ID';

function costNotes(wanted: WantedInstance, region: string): { monthly: number | undefined; notes: string[] } {
  const monthly = rdsInstanceMonthly(region, wanted.instanceClass, wanted.storageGb, true);
  const what = `${wanted.instanceClass} Multi-AZ with ${wanted.storageGb} GB gp3 (stored twice) and its Secrets Manager secret`;
  return {
    monthly,
    notes: [
      monthly === undefined
        ? pricesFor(region)
          ? `Cost: ${wanted.instanceClass} has no price in ${region}; see the AWS Pricing Calculator for ${what}.`
          : `Cost: unknown: ${pricesNote(region)}.`
        : `Cost: about ${formatMonthly(monthly)} for ${what} (${pricesNote(region)}); backup storage beyond the database size, I/O and data transfer are not included.`,
    ],
  };
}

/**
 * `database.instance` — outputs `dbInstanceIdentifier`, `endpointAddress`, `endpointPort`,
 * `masterUserSecretArn`. MariaDB, Multi-AZ, private, encrypted, password managed by RDS.
 */
export function instanceStep(config: Config): Step {
  const id = DATABASE_STEP_IDS.instance;
  const wanted = wantedInstance(config);

  /** The instance under our identifier if it is ours and as wanted (creating is fine), undefined if none, else a conflict. */
  async function refind(ctx: StepContext, securityGroupId: string): Promise<DBInstance | undefined> {
    const instance = await describeInstance(ctx.aws.rds, wanted.identifier, ctx.signal);
    if (!instance || instance.DBInstanceStatus === 'deleting') return undefined;
    const problems = [
      ...tagOwnership('DB instance', wanted.identifier, instance.TagList ?? [], ctx.project, id).problems,
      ...reviewInstance(instance, wanted, securityGroupId).differences,
    ];
    if (problems.length > 0) {
      throw new RunbookConflictError(problems.join('; '), 'Run `aws-runbook plan` to see it; the tool never takes over an instance that is not the one it would create.');
    }
    return instance;
  }

  async function create(ctx: StepContext, subnetGroup: string, securityGroupId: string): Promise<DBInstance> {
    const input = createInput(wanted, subnetGroup, securityGroupId, ctx.tags(wanted.identifier));
    return mutate(
      ctx,
      'CreateDBInstance',
      async (abortSignal) => {
        try {
          // Its status is for the wait to see (RDS answers creating; an emulator may say available).
          return required((await ctx.aws.rdsOnce.send(new CreateDBInstanceCommand(input), { abortSignal })).DBInstance, 'a DBInstance (CreateDBInstance)');
        } catch (error) {
          if (!isAwsErrorCode(error, 'DBInstanceAlreadyExists')) throw error;
          const adopted = await refind(ctx, securityGroupId);
          if (!adopted) throw error;
          ctx.progress(`DB instance ${wanted.identifier} already exists as wanted: adopted`);
          return adopted;
        }
      },
      { refind: () => refind(ctx, securityGroupId) },
    );
  }

  /** Wait until available, starting it if it is stopped. */
  async function settle(ctx: StepContext): Promise<DBInstance> {
    let instance = await waitUntilSettled(ctx, wanted.identifier);
    if (instance.DBInstanceStatus === 'stopped') {
      await mutate(ctx, 'StartDBInstance', (abortSignal) =>
        ctx.aws.rdsOnce.send(new StartDBInstanceCommand({ DBInstanceIdentifier: wanted.identifier }), { abortSignal }),
      );
      instance = await waitUntilSettled(ctx, wanted.identifier);
    }
    return instance;
  }

  return {
    id,
    section: 'database',
    typicalSeconds: 900, // Multi-AZ creation: 15-20 minutes on AWS
    title: `RDS MariaDB ${wanted.engineVersion} ${wanted.identifier} (${wanted.instanceClass}, ${wanted.storageGb} GB, Multi-AZ)`,
    needs: [DATABASE_STEP_IDS.subnetGroup, RDS_SECURITY_GROUP_STEP],

    async find(ctx): Promise<FindResult> {
      const instance = await inventoryOf(ctx).database.instance(wanted.identifier);
      if (!instance) return ABSENT;
      const owner = tagOwnership('DB instance', wanted.identifier, instance.TagList ?? [], ctx.project, id);
      if (instance.DBInstanceStatus === 'deleting') return present({}, owner.ours, owner.problems, [UNFINISHED.deleting]);
      const review = reviewInstance(instance, wanted, ctx.output(RDS_SECURITY_GROUP_STEP, 'groupId'));
      const differences = [...owner.problems, ...review.differences];
      if (!owner.ours) return present({}, false, differences);
      return present(instanceOutputs(instance, wanted.identifier), true, differences, review.unfinished);
    },

    preview(ctx, found): StepPreview {
      const subnetGroupRef = ctx.ref(DATABASE_STEP_IDS.subnetGroup, 'dbSubnetGroupName', SUBNET_GROUP_PLACEHOLDER);
      const securityGroupRef = ctx.ref(RDS_SECURITY_GROUP_STEP, 'groupId', SECURITY_GROUP_PLACEHOLDER);
      const createLines = createCliLines(wanted, subnetGroupRef, securityGroupRef, ctx.tags(wanted.identifier));
      const cost = costNotes(wanted, ctx.config.region);
      const creates = found.kind === 'absent' || (found.kind === 'present' && found.unfinished.includes(UNFINISHED.deleting));
      const preview = stepPreview(found, {
        what: `MariaDB ${wanted.engineVersion} instance ${wanted.identifier} (${wanted.instanceClass}, ${wanted.storageGb} GB gp3, Multi-AZ, encrypted, private, backups ${wanted.retentionDays} days, password in Secrets Manager)`,
        ...(found.kind === 'present' && found.outputs.dbInstanceIdentifier ? { id: found.outputs.dbInstanceIdentifier } : {}),
        create: createLines,
        finish: (unfinished) => {
          if (unfinished.includes(UNFINISHED.deleting)) return [`aws rds wait db-instance-deleted --db-instance-identifier ${wanted.identifier}`, ...createLines];
          const modify = modifyCliLine(wanted.identifier, unfinished, wanted, securityGroupRef);
          return [
            ...(unfinished.includes(UNFINISHED.start) ? [`aws rds start-db-instance --db-instance-identifier ${wanted.identifier}`] : []),
            ...(modify ? [modify] : []),
            waitAvailableLine(wanted.identifier),
          ];
        },
        notes: [
          ...INSTANCE_NOTES,
          `EngineVersion ${wanted.engineVersion} is pinned at creation; RDS may apply patch upgrades of the ${wanted.engineVersion.split('.').slice(0, 2).join('.')} line in the maintenance window, which is not a conflict.`,
          ...(creates ? cost.notes : []),
        ],
      });
      if (!creates) return preview;
      return cost.monthly !== undefined ? { ...preview, monthlyCostUsd: cost.monthly } : { ...preview, costUnknown: true };
    },

    async apply(ctx, found): Promise<Outputs> {
      const subnetGroup = ctx.need(DATABASE_STEP_IDS.subnetGroup, 'dbSubnetGroupName');
      const securityGroupId = ctx.need(RDS_SECURITY_GROUP_STEP, 'groupId');
      let exists = false;
      if (found.kind === 'present') {
        adoptableOutputs(found, id);
        if (found.unfinished.includes(UNFINISHED.deleting)) await waitUntilGone(ctx, wanted.identifier);
        else exists = true;
      }
      if (!exists) await create(ctx, subnetGroup, securityGroupId);
      await ctx.recordOutputs({ dbInstanceIdentifier: wanted.identifier });

      let instance = await settle(ctx);
      const { modify } = reviewInstance(instance, wanted, securityGroupId);
      if (Object.keys(modify).length > 0) {
        await mutate(ctx, 'ModifyDBInstance', (abortSignal) =>
          ctx.aws.rdsOnce.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: wanted.identifier, ...modify, ApplyImmediately: true }), { abortSignal }),
        );
        instance = await settle(ctx);
      }
      const outputs = instanceOutputs(instance, wanted.identifier);
      await ctx.recordOutputs(outputs);
      return outputs;
    },

    async destroy(ctx, outputs) {
      await destroyInstance(ctx, outputs.dbInstanceIdentifier ?? wanted.identifier);
    },

    destroyPreview(_ctx, outputs) {
      return destroyInstancePreview(outputs.dbInstanceIdentifier ?? wanted.identifier);
    },
  };
}
