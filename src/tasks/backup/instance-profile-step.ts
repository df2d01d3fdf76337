import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  DeleteInstanceProfileCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { isAwsErrorCode } from '../../aws/errors.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { mutate } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { cliIamTags, createOrAdoptIamEntity, destroyIamEntity, findIamEntity, removeFromIam, type IamEntity } from './iam-entity.js';
import { readInstanceProfile, type ProfileFacts } from './iam-lookup.js';
import { BACKUP_STEP_IDS, backupRoleName, IAM_PATH } from './names.js';
import { inventoryOf } from '../inventory/of-context.js';

/** What apply still has to change on an existing profile of ours: hold exactly our role. */
export function profileUnfinished(facts: ProfileFacts, role: string): string[] {
  return [
    ...facts.roles.filter((name) => name !== role).map((name) => `remove the role ${name}`),
    ...(facts.roles.includes(role) ? [] : [`add the role ${role}`]),
  ];
}

const removeRole = (ctx: StepContext, profile: string, role: string) =>
  removeFromIam(ctx, 'RemoveRoleFromInstanceProfile', (abortSignal) =>
    ctx.aws.iamOnce.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role }), { abortSignal }),
  );

/** The instance profile as an IAM entity: found, created, emptied and deleted as iam-entity.ts says. */
const backupInstanceProfile: IamEntity<ProfileFacts> = {
  stepId: BACKUP_STEP_IDS.profile,
  kind: 'instance profile',
  nameKey: 'profileName',
  arnKey: 'profileArn',
  inPlan: (ctx, name) => inventoryOf(ctx).iam.profile(name),
  live: (ctx, name) => readInstanceProfile(ctx.aws, name, ctx.signal),
  // Same name as the role it holds.
  unfinished: (_ctx, facts, name) => profileUnfinished(facts, name),
  createAction: 'CreateInstanceProfile',
  create: (ctx, name, abortSignal) =>
    ctx.aws.iamOnce.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: IAM_PATH, Tags: ctx.tags(name) }), { abortSignal }),
  whenTaken: 'Delete or rename that instance profile (aws iam delete-instance-profile), or change the suffix in the config.',
  async empty(ctx, facts, name) {
    for (const role of facts.roles) await removeRole(ctx, name, role);
  },
  deleteAction: 'DeleteInstanceProfile',
  delete: (ctx, name, abortSignal) => ctx.aws.iamOnce.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name }), { abortSignal }),
};

/**
 * `backup.instance-profile` — outputs `profileName`, `profileArn`. What EC2 attaches to an instance to
 * hand it the backup role's credentials. Same name as the role; tagged in CreateInstanceProfile.
 */
export function instanceProfileStep(config: Config): Step {
  const id = BACKUP_STEP_IDS.profile;
  const roleStep = BACKUP_STEP_IDS.role;

  return {
    id,
    section: 'backup',
    title: 'Instance profile carrying the backup role',
    needs: [roleStep],

    async find(ctx): Promise<FindResult> {
      return findIamEntity(ctx, backupInstanceProfile, backupRoleName(config, ctx.aws.region));
    },

    preview(ctx, found) {
      const name = backupRoleName(config, ctx.aws.region);
      const add = `aws iam add-role-to-instance-profile --instance-profile-name ${name} --role-name ${name}`;
      return stepPreview(found, {
        what: `instance profile ${name} holding the role ${name}`,
        ...(found.kind === 'present' && found.outputs.profileArn ? { id: found.outputs.profileArn } : {}),
        create: [`aws iam create-instance-profile --instance-profile-name ${name} --path ${IAM_PATH} ${cliIamTags(ctx.tags(name))}`, add],
        finish: () => [add],
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const name = backupRoleName(config, ctx.aws.region);
      const role = ctx.need(roleStep, 'roleName');
      const { facts, outputs } = await createOrAdoptIamEntity(ctx, backupInstanceProfile, found, name);
      // A profile holds at most one role: make room before adding ours.
      for (const other of facts.roles.filter((r) => r !== role)) await removeRole(ctx, name, other);
      if (!facts.roles.includes(role)) {
        await mutate(
          ctx,
          'AddRoleToInstanceProfile',
          async (abortSignal) => {
            await ctx.aws.iamOnce.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: role }), { abortSignal });
            return true as const;
          },
          { refind: async () => ((await readInstanceProfile(ctx.aws, name, ctx.signal))?.roles.includes(role) ? true : undefined) },
        ).catch(async (error: unknown) => {
          // LimitExceeded: the role is already in (an earlier send whose answer was lost).
          if (isAwsErrorCode(error, 'LimitExceeded', 'LimitExceededException') && (await readInstanceProfile(ctx.aws, name, ctx.signal))?.roles.includes(role)) return;
          throw error;
        });
      }
      return outputs;
    },

    async destroy(ctx, outputs) {
      await destroyIamEntity(ctx, backupInstanceProfile, outputs.profileName ?? backupRoleName(config, ctx.aws.region));
    },

    destroyPreview(ctx, outputs) {
      const name = outputs.profileName ?? backupRoleName(config, ctx.aws.region);
      return {
        summary: `Delete instance profile ${name}`,
        cli: [`aws iam remove-role-from-instance-profile --instance-profile-name ${name} --role-name ${name}`, `aws iam delete-instance-profile --instance-profile-name ${name}`],
      };
    },
  };
}
