import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  DeleteInstanceProfileCommand,
  RemoveRoleFromInstanceProfileCommand,
} from '@aws-sdk/client-iam';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { tagOwnership } from '../database/ownership.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { readInstanceProfile, type ProfileFacts } from './iam-lookup.js';
import { cliIamTags } from './iam-role-step.js';
import { BACKUP_STEP_IDS, backupRoleName, IAM_PATH } from './names.js';
import { inventoryOf } from '../inventory/of-context.js';

const GONE = ['NoSuchEntity', 'NoSuchEntityException'];

/** What apply still has to change on an existing profile of ours: hold exactly our role. */
export function profileUnfinished(facts: ProfileFacts, role: string): string[] {
  return [
    ...facts.roles.filter((name) => name !== role).map((name) => `remove the role ${name}`),
    ...(facts.roles.includes(role) ? [] : [`add the role ${role}`]),
  ];
}

/**
 * `backup.instance-profile` — outputs `profileName`, `profileArn`. What EC2 attaches to an instance to
 * hand it the backup role's credentials. Same name as the role; tagged in CreateInstanceProfile.
 */
export function instanceProfileStep(config: Config): Step {
  const id = BACKUP_STEP_IDS.profile;
  const roleStep = BACKUP_STEP_IDS.role;

  async function create(ctx: StepContext, name: string): Promise<void> {
    await mutate(
      ctx,
      'CreateInstanceProfile',
      async (abortSignal) => {
        try {
          await ctx.aws.iamOnce.send(new CreateInstanceProfileCommand({ InstanceProfileName: name, Path: IAM_PATH, Tags: ctx.tags(name) }), { abortSignal });
        } catch (error) {
          if (!isAwsErrorCode(error, 'EntityAlreadyExists', 'EntityAlreadyExistsException')) throw error;
          const facts = await readInstanceProfile(ctx.aws, name, ctx.signal);
          const owner = tagOwnership('instance profile', name, facts?.tags ?? [], ctx.project, id);
          if (!owner.ours || owner.problems.length > 0) {
            throw new RunbookConflictError(owner.problems.join('; '), 'Delete or rename that instance profile (aws iam delete-instance-profile), or change the suffix in the config.');
          }
        }
        return true;
      },
      { refind: async () => ((await readInstanceProfile(ctx.aws, name, ctx.signal)) ? true : undefined) },
    );
  }

  async function removeRole(ctx: StepContext, profile: string, role: string): Promise<void> {
    await removeIdempotently(
      ctx,
      'RemoveRoleFromInstanceProfile',
      (abortSignal) => ctx.aws.iamOnce.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role }), { abortSignal }),
      GONE,
    );
  }

  return {
    id,
    section: 'backup',
    title: 'Instance profile carrying the backup role',
    needs: [roleStep],

    async find(ctx): Promise<FindResult> {
      const name = backupRoleName(config, ctx.aws.region);
      const facts = await inventoryOf(ctx).iam.profile(name);
      if (!facts) return ABSENT;
      const owner = tagOwnership('instance profile', name, facts.tags, ctx.project, id);
      if (!owner.ours) return present({}, false, owner.problems);
      return present({ profileName: name, profileArn: facts.arn }, true, owner.problems, profileUnfinished(facts, name));
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
      if (found.kind === 'present') adoptableOutputs(found, id, 'profileArn');
      else await create(ctx, name);
      const facts = required(await readInstanceProfile(ctx.aws, name, ctx.signal), `the instance profile ${name} just created`);
      const outputs = { profileName: name, profileArn: facts.arn };
      await ctx.recordOutputs(outputs);
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
      const name = outputs.profileName ?? backupRoleName(config, ctx.aws.region);
      const facts = await readInstanceProfile(ctx.aws, name, ctx.signal);
      if (!facts) return;
      for (const role of facts.roles) await removeRole(ctx, name, role);
      await removeIdempotently(ctx, 'DeleteInstanceProfile', (abortSignal) => ctx.aws.iamOnce.send(new DeleteInstanceProfileCommand({ InstanceProfileName: name }), { abortSignal }), GONE);
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
