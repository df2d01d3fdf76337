import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  ListInstanceProfilesForRoleCommand,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { shellQuote } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import type { Config } from '../../config/schema.js';
import type { AwsTag, FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { tagOwnership } from '../database/ownership.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { bucketNamePlaceholder, STORAGE_STEP_IDS } from '../storage/names.js';
import { readRole, type RoleFacts } from './iam-lookup.js';
import { BACKUP_PREFIX, BACKUP_STEP_IDS, backupRoleName, IAM_PATH, PUT_POLICY_NAME } from './names.js';
import { putDumpsPolicy, samePolicy, trustPolicy } from './policy.js';
import { ROLE_NOTES } from './seed-notes.js';
import { inventoryOf } from '../inventory/of-context.js';

const GONE = ['NoSuchEntity', 'NoSuchEntityException'];

/** `--tags Key=Name,Value=x ...` as the IAM CLI takes them. */
export function cliIamTags(tags: readonly AwsTag[]): string {
  return `--tags ${tags.map((t) => shellQuote(`Key=${t.Key},Value=${t.Value}`)).join(' ')}`;
}

/** What apply still has to change on an existing role of ours (empty: as wanted). */
export function roleUnfinished(facts: RoleFacts, bucket: string | undefined): string[] {
  const unfinished: string[] = [];
  if (!samePolicy(facts.trust, trustPolicy())) unfinished.push('set the trust policy (only EC2 may assume the role)');
  if (bucket !== undefined && !samePolicy(facts.inline.get(PUT_POLICY_NAME), putDumpsPolicy(bucket))) {
    unfinished.push(`put the inline policy ${PUT_POLICY_NAME} (s3:PutObject on ${bucket}/${BACKUP_PREFIX}* only)`);
  }
  for (const name of facts.inline.keys()) if (name !== PUT_POLICY_NAME) unfinished.push(`remove the inline policy ${name}`);
  for (const arn of facts.attached) unfinished.push(`detach the managed policy ${arn}`);
  return unfinished;
}

/**
 * `backup.iam-role` — outputs `roleName`, `roleArn`. The shop instance's role: EC2 may assume it, and its
 * one inline policy allows `s3:PutObject` on `<bucket>/backups/*` and nothing else. Found by its
 * deterministic name, ours by its tags (set in CreateRole). Anything else granted to it is removed.
 */
export function iamRoleStep(config: Config): Step {
  const id = BACKUP_STEP_IDS.role;
  const bucketStep = STORAGE_STEP_IDS.bucket;

  const policyLines = (name: string, bucket: string) => [
    `aws iam put-role-policy --role-name ${name} --policy-name ${PUT_POLICY_NAME} --policy-document ${shellQuote(JSON.stringify(putDumpsPolicy(bucket)))}`,
  ];

  async function create(ctx: StepContext, name: string): Promise<void> {
    await mutate(
      ctx,
      'CreateRole',
      async (abortSignal) => {
        try {
          await ctx.aws.iamOnce.send(
            new CreateRoleCommand({
              RoleName: name,
              Path: IAM_PATH,
              AssumeRolePolicyDocument: JSON.stringify(trustPolicy()),
              Description: `aws-runbook ${ctx.project}: the shop instance writes database dumps to S3`,
              Tags: ctx.tags(name),
            }),
            { abortSignal },
          );
        } catch (error) {
          if (!isAwsErrorCode(error, 'EntityAlreadyExists', 'EntityAlreadyExistsException')) throw error;
          const facts = await readRole(ctx.aws, name, ctx.signal);
          const owner = tagOwnership('IAM role', name, facts?.tags ?? [], ctx.project, id);
          if (!owner.ours || owner.problems.length > 0) {
            throw new RunbookConflictError(owner.problems.join('; '), 'Delete or rename that role (aws iam delete-role), or change the suffix in the config.');
          }
        }
        return true;
      },
      { refind: async () => ((await readRole(ctx.aws, name, ctx.signal)) ? true : undefined) },
    );
  }

  return {
    id,
    section: 'backup',
    title: 'IAM role for the shop host: s3:PutObject on backups/ only',
    needs: [bucketStep],

    async find(ctx): Promise<FindResult> {
      const name = backupRoleName(config, ctx.aws.region);
      const facts = await inventoryOf(ctx).iam.role(name);
      if (!facts) return ABSENT;
      const owner = tagOwnership('IAM role', name, facts.tags, ctx.project, id);
      if (!owner.ours) return present({}, false, owner.problems);
      return present({ roleName: name, roleArn: facts.arn }, true, owner.problems, roleUnfinished(facts, ctx.output(bucketStep, 'bucketName')));
    },

    preview(ctx, found) {
      const name = backupRoleName(config, ctx.aws.region);
      const bucket = ctx.ref(bucketStep, 'bucketName', bucketNamePlaceholder(config, ctx.aws.region));
      return stepPreview(found, {
        what: `IAM role ${name} (EC2 may assume it; s3:PutObject on ${bucket}/${BACKUP_PREFIX}* only)`,
        ...(found.kind === 'present' && found.outputs.roleArn ? { id: found.outputs.roleArn } : {}),
        create: [
          `aws iam create-role --role-name ${name} --path ${IAM_PATH} --assume-role-policy-document ${shellQuote(JSON.stringify(trustPolicy()))} ${cliIamTags(ctx.tags(name))}`,
          ...policyLines(name, bucket),
        ],
        finish: () => policyLines(name, bucket),
        notes: ROLE_NOTES,
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const name = backupRoleName(config, ctx.aws.region);
      const bucket = ctx.need(bucketStep, 'bucketName');
      if (found.kind === 'present') adoptableOutputs(found, id, 'roleArn');
      else await create(ctx, name);
      const facts = required(await readRole(ctx.aws, name, ctx.signal), `the role ${name} just created`);
      const outputs = { roleName: name, roleArn: facts.arn };
      await ctx.recordOutputs(outputs);
      if (!samePolicy(facts.trust, trustPolicy())) {
        await mutate(ctx, 'UpdateAssumeRolePolicy', (abortSignal) =>
          ctx.aws.iamOnce.send(new UpdateAssumeRolePolicyCommand({ RoleName: name, PolicyDocument: JSON.stringify(trustPolicy()) }), { abortSignal }),
        );
      }
      const wanted = putDumpsPolicy(bucket);
      if (!samePolicy(facts.inline.get(PUT_POLICY_NAME), wanted)) {
        // PutRolePolicy replaces a policy of the same name: sending it twice is harmless.
        await mutate(ctx, 'PutRolePolicy', (abortSignal) =>
          ctx.aws.iamOnce.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: PUT_POLICY_NAME, PolicyDocument: JSON.stringify(wanted) }), { abortSignal }),
        );
      }
      for (const policyName of facts.inline.keys()) {
        if (policyName === PUT_POLICY_NAME) continue;
        await removeIdempotently(ctx, 'DeleteRolePolicy', (abortSignal) => ctx.aws.iamOnce.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName }), { abortSignal }), GONE);
      }
      for (const arn of facts.attached) {
        await removeIdempotently(ctx, 'DetachRolePolicy', (abortSignal) => ctx.aws.iamOnce.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }), { abortSignal }), GONE);
      }
      return outputs;
    },

    async destroy(ctx, outputs) {
      const name = outputs.roleName ?? backupRoleName(config, ctx.aws.region);
      const facts = await readRole(ctx.aws, name, ctx.signal);
      if (!facts) return;
      for (const policyName of facts.inline.keys()) {
        await removeIdempotently(ctx, 'DeleteRolePolicy', (abortSignal) => ctx.aws.iamOnce.send(new DeleteRolePolicyCommand({ RoleName: name, PolicyName: policyName }), { abortSignal }), GONE);
      }
      for (const arn of facts.attached) {
        await removeIdempotently(ctx, 'DetachRolePolicy', (abortSignal) => ctx.aws.iamOnce.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }), { abortSignal }), GONE);
      }
      // DeleteRole refuses while an instance profile holds the role (ours is emptied by its own step first).
      const profiles = await ctx.aws.iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: name }), { abortSignal: ctx.signal });
      for (const profile of profiles.InstanceProfiles ?? []) {
        const profileName = profile.InstanceProfileName;
        if (!profileName) continue;
        await removeIdempotently(
          ctx,
          'RemoveRoleFromInstanceProfile',
          (abortSignal) => ctx.aws.iamOnce.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: name }), { abortSignal }),
          GONE,
        );
      }
      await removeIdempotently(ctx, 'DeleteRole', (abortSignal) => ctx.aws.iamOnce.send(new DeleteRoleCommand({ RoleName: name }), { abortSignal }), GONE);
    },

    destroyPreview(ctx, outputs) {
      const name = outputs.roleName ?? backupRoleName(config, ctx.aws.region);
      return {
        summary: `Delete IAM role ${name} and its inline policy`,
        cli: [`aws iam delete-role-policy --role-name ${name} --policy-name ${PUT_POLICY_NAME}`, `aws iam delete-role --role-name ${name}`],
      };
    },
  };
}
