import {
  AssociateIamInstanceProfileCommand,
  DescribeIamInstanceProfileAssociationsCommand,
  DisassociateIamInstanceProfileCommand,
  type IamInstanceProfileAssociation,
} from '@aws-sdk/client-ec2';
import { pollUntil } from '../../aws/wait.js';
import { isAwsErrorCode } from '../../aws/errors.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { instanceName, instanceStepId } from '../hosts/names.js';
import { BACKUP_HOST, BACKUP_STEP_IDS, backupRoleName } from './names.js';

/** IAM is eventually consistent: EC2 may not know a new instance profile for a few seconds (AWS says up to a minute or so). */
const PROPAGATION_TIMEOUT_MS = 120_000;

/** The live association of an instance (associating or associated), if any. */
async function liveAssociation(ctx: StepContext, instanceId: string): Promise<IamInstanceProfileAssociation | undefined> {
  const answer = await ctx.aws.ec2.send(
    new DescribeIamInstanceProfileAssociationsCommand({
      Filters: [
        { Name: 'instance-id', Values: [instanceId] },
        { Name: 'state', Values: ['associating', 'associated'] },
      ],
    }),
    { abortSignal: ctx.signal },
  );
  // Filters are double-checked: emulators do not all honour them.
  return (answer.IamInstanceProfileAssociations ?? []).find(
    (a) => a.InstanceId === instanceId && (a.State === 'associating' || a.State === 'associated'),
  );
}

/** `arn:aws:iam::123:instance-profile/aws-runbook/NAME` names the profile NAME (paths included or not). */
export function profileNameOfArn(arn: string | undefined): string | undefined {
  return arn?.split('/').at(-1);
}

/** EC2 has not heard of the new profile yet (IAM propagation), as opposed to a real mistake. */
function notPropagatedYet(error: unknown): boolean {
  return isAwsErrorCode(error, 'InvalidParameterValue') && /instance profile/i.test(error instanceof Error ? error.message : '');
}

/**
 * `backup.profile-association` — outputs `associationId`, `instanceId`, `profileArn`. Attaches the
 * backup instance profile to the shop instance (AssociateIamInstanceProfile: no restart). An instance
 * carries at most one profile: one that is not ours is a conflict, never replaced.
 */
export function associationStep(config: Config): Step {
  const id = BACKUP_STEP_IDS.association;
  const profileStep = BACKUP_STEP_IDS.profile;
  const instanceStep = instanceStepId(BACKUP_HOST);
  const host = instanceName(config, BACKUP_HOST);

  return {
    id,
    section: 'backup',
    title: `Backup instance profile attached to ${host}`,
    needs: [profileStep, instanceStep],

    async find(ctx): Promise<FindResult> {
      const instanceId = ctx.output(instanceStep, 'instanceId');
      if (!instanceId) return ABSENT;
      const association = await liveAssociation(ctx, instanceId);
      if (!association) return ABSENT;
      const ours = backupRoleName(config, ctx.aws.region);
      const arn = association.IamInstanceProfile?.Arn;
      if (profileNameOfArn(arn) !== ours) {
        return present({}, false, [
          `${host} (${instanceId}) already has the instance profile ${arn ?? '(unknown)'}; an instance carries one profile, and aws-runbook does not replace someone else's. ` +
            `Add s3:PutObject on the bucket's backups/ prefix to that profile's role, or disassociate it (aws ec2 disassociate-iam-instance-profile --association-id ${association.AssociationId ?? '$ID'}) and rerun`,
        ]);
      }
      return present({ associationId: required(association.AssociationId, 'an association id'), instanceId, profileArn: arn ?? '' }, true);
    },

    preview(ctx, found) {
      const instanceId = ctx.ref(instanceStep, 'instanceId', '$ECOMMERCE_INSTANCE_ID');
      const name = backupRoleName(config, ctx.aws.region);
      return stepPreview(found, {
        what: `instance profile ${name} on ${host}`,
        ...(found.kind === 'present' && found.outputs.associationId ? { id: found.outputs.associationId } : {}),
        create: [`aws ec2 associate-iam-instance-profile --instance-id ${instanceId} --iam-instance-profile Name=${name}`],
        notes: ['Attached to the running instance: no restart. The instance metadata service (IMDSv2) hands the role\'s short-lived credentials to the daily upload on the host (curl --aws-sigv4).'],
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      if (found.kind === 'present') return adoptableOutputs(found, id, 'associationId');
      const instanceId = ctx.need(instanceStep, 'instanceId');
      const profileArn = ctx.need(profileStep, 'profileArn');
      const refind = async () => {
        const association = await liveAssociation(ctx, instanceId);
        return profileNameOfArn(association?.IamInstanceProfile?.Arn) === profileNameOfArn(profileArn) ? association : undefined;
      };
      const started = Date.now();
      const association = await pollUntil(
        async () => {
          try {
            return await mutate(
              ctx,
              'AssociateIamInstanceProfile',
              async (abortSignal) =>
                (await ctx.aws.ec2Once.send(new AssociateIamInstanceProfileCommand({ InstanceId: instanceId, IamInstanceProfile: { Arn: profileArn } }), { abortSignal }))
                  .IamInstanceProfileAssociation,
              { refind },
            );
          } catch (error) {
            // Already associated: by an earlier send whose answer was lost, after the look that preceded the resend.
            if (isAwsErrorCode(error, 'IncorrectState')) {
              const existing = await refind();
              if (existing) return existing;
            }
            if (!notPropagatedYet(error)) throw error;
            ctx.progress(`EC2 does not see the new instance profile yet (IAM propagation, ${Math.round((Date.now() - started) / 1000)} s)`);
            return undefined;
          }
        },
        { what: `EC2 to accept the instance profile ${profileArn}`, signal: ctx.signal, intervalMs: 1000, timeoutMs: PROPAGATION_TIMEOUT_MS },
      );
      return { associationId: required(association.AssociationId, 'an association id'), instanceId, profileArn };
    },

    async destroy(ctx, outputs) {
      const associationId = outputs.associationId;
      if (!associationId) return;
      await removeIdempotently(
        ctx,
        'DisassociateIamInstanceProfile',
        (abortSignal) => ctx.aws.ec2Once.send(new DisassociateIamInstanceProfileCommand({ AssociationId: associationId }), { abortSignal }),
        ['InvalidAssociationID.NotFound'],
      );
    },

    destroyPreview(_ctx, outputs) {
      return {
        summary: `Detach the backup instance profile from ${host}`,
        cli: [`aws ec2 disassociate-iam-instance-profile --association-id ${outputs.associationId ?? '$ASSOCIATION_ID'}`],
      };
    },
  };
}
