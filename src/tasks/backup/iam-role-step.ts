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
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { mutate } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { bucketNamePlaceholder, STORAGE_STEP_IDS } from '../storage/names.js';
import { cliIamTags, createOrAdoptIamEntity, destroyIamEntity, findIamEntity, removeFromIam, type IamEntity } from './iam-entity.js';
import { readRole, type RoleFacts } from './iam-lookup.js';
import { BACKUP_PREFIX, BACKUP_STEP_IDS, backupRoleName, IAM_PATH, PUT_POLICY_NAME } from './names.js';
import { putDumpsPolicy, samePolicy, trustPolicy } from './policy.js';
import { ROLE_NOTES } from './seed-notes.js';
import { inventoryOf } from '../inventory/of-context.js';

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

const deleteInlinePolicy = (ctx: StepContext, role: string, policyName: string) =>
  removeFromIam(ctx, 'DeleteRolePolicy', (abortSignal) => ctx.aws.iamOnce.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: policyName }), { abortSignal }));
const detachManagedPolicy = (ctx: StepContext, role: string, arn: string) =>
  removeFromIam(ctx, 'DetachRolePolicy', (abortSignal) => ctx.aws.iamOnce.send(new DetachRolePolicyCommand({ RoleName: role, PolicyArn: arn }), { abortSignal }));

/** The role as an IAM entity: found, created, emptied and deleted as iam-entity.ts says. */
const backupRole: IamEntity<RoleFacts> = {
  stepId: BACKUP_STEP_IDS.role,
  kind: 'IAM role',
  nameKey: 'roleName',
  arnKey: 'roleArn',
  inPlan: (ctx, name) => inventoryOf(ctx).iam.role(name),
  live: (ctx, name) => readRole(ctx.aws, name, ctx.signal),
  unfinished: (ctx, facts) => roleUnfinished(facts, ctx.output(STORAGE_STEP_IDS.bucket, 'bucketName')),
  createAction: 'CreateRole',
  create: (ctx, name, abortSignal) =>
    ctx.aws.iamOnce.send(
      new CreateRoleCommand({
        RoleName: name,
        Path: IAM_PATH,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy()),
        Description: `aws-runbook ${ctx.project}: the shop instance writes database dumps to S3`,
        Tags: ctx.tags(name),
      }),
      { abortSignal },
    ),
  whenTaken: 'Delete or rename that role (aws iam delete-role), or change the suffix in the config.',
  async empty(ctx, facts, name) {
    for (const policyName of facts.inline.keys()) await deleteInlinePolicy(ctx, name, policyName);
    for (const arn of facts.attached) await detachManagedPolicy(ctx, name, arn);
    // DeleteRole refuses while an instance profile holds the role (ours is emptied by its own step first).
    const profiles = await ctx.aws.iam.send(new ListInstanceProfilesForRoleCommand({ RoleName: name }), { abortSignal: ctx.signal });
    for (const profile of profiles.InstanceProfiles ?? []) {
      const profileName = profile.InstanceProfileName;
      if (!profileName) continue;
      await removeFromIam(ctx, 'RemoveRoleFromInstanceProfile', (abortSignal) =>
        ctx.aws.iamOnce.send(new RemoveRoleFromInstanceProfileCommand({ InstanceProfileName: profileName, RoleName: name }), { abortSignal }),
      );
    }
  },
  deleteAction: 'DeleteRole',
  delete: (ctx, name, abortSignal) => ctx.aws.iamOnce.send(new DeleteRoleCommand({ RoleName: name }), { abortSignal }),
};

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

  return {
    id,
    section: 'backup',
    title: 'IAM role for the shop host: s3:PutObject on backups/ only',
    needs: [bucketStep],

    async find(ctx): Promise<FindResult> {
      return findIamEntity(ctx, backupRole, backupRoleName(config, ctx.aws.region));
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
      const { facts, outputs } = await createOrAdoptIamEntity(ctx, backupRole, found, name);
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
      for (const policyName of facts.inline.keys()) if (policyName !== PUT_POLICY_NAME) await deleteInlinePolicy(ctx, name, policyName);
      for (const arn of facts.attached) await detachManagedPolicy(ctx, name, arn);
      return outputs;
    },

    async destroy(ctx, outputs) {
      await destroyIamEntity(ctx, backupRole, outputs.roleName ?? backupRoleName(config, ctx.aws.region));
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
