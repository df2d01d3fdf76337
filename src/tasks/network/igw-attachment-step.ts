import { AttachInternetGatewayCommand, DetachInternetGatewayCommand, type InternetGateway } from '@aws-sdk/client-ec2';
import { internetGatewayById } from '../../aws/ec2-describe.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { inventoryOf } from '../inventory/of-context.js';
import { relationHolder } from '../relation-find.js';

export interface IgwAttachmentStepSpec {
  id: string;
  igwStepId: string;
  vpcStepId: string;
  igwName: string;
  vpcName: string;
  igwPlaceholder: string;
  vpcPlaceholder: string;
  notes?: string[];
}

const LIVE = (state: string | undefined) => state !== 'detaching' && state !== 'detached';

function attachedTo(igw: InternetGateway | undefined, vpcId: string): boolean {
  return igw?.Attachments?.some((a) => a.VpcId === vpcId && LIVE(a.State)) ?? false;
}

/** The gateway as the attach (or detach) left it, for the finds that follow. */
function withAttachment(igw: InternetGateway, vpcId: string, attached: boolean): InternetGateway {
  const others = (igw.Attachments ?? []).filter((a) => a.VpcId !== vpcId);
  return { ...igw, Attachments: attached ? [...others, { VpcId: vpcId, State: 'attached' }] : others };
}

/** Outputs: `internetGatewayId`, `vpcId`. Ours when the gateway is ours. */
export function igwAttachmentStep(spec: IgwAttachmentStepSpec): Step {
  async function isAttached(ctx: StepContext, igwId: string, vpcId: string): Promise<boolean> {
    return attachedTo(await internetGatewayById(ctx.aws.ec2, igwId, ctx.signal), vpcId);
  }

  return {
    id: spec.id,
    section: 'network',
    title: `Attach ${spec.igwName} to ${spec.vpcName}`,
    needs: [spec.igwStepId, spec.vpcStepId],

    async find(ctx): Promise<FindResult> {
      const start = await relationHolder(
        ctx,
        { igwId: [spec.igwStepId, 'internetGatewayId'], vpcId: [spec.vpcStepId, 'vpcId'] },
        (network, { igwId }) => network.internetGateway(igwId),
      );
      if (!start) return ABSENT;
      const { ids: { igwId, vpcId }, holder: igw, ours, network: gateways } = start;
      const mine = igw.Attachments?.find((a) => a.VpcId === vpcId && LIVE(a.State));
      if (mine) {
        const unfinished = mine.State === 'attaching' ? ['wait until the attachment is done (attaching)'] : [];
        return present({ internetGatewayId: igwId, vpcId }, ours, [], unfinished);
      }
      const elsewhere = igw.Attachments?.find((a) => LIVE(a.State));
      if (elsewhere) {
        return present({}, ours, [`${igwId} is attached to ${elsewhere.VpcId ?? '?'}, wanted ${vpcId}`]);
      }
      // A VPC takes one internet gateway: another one there makes the attach fail.
      const others = (await gateways.internetGateways.all()).filter((g) => g.InternetGatewayId !== igwId && attachedTo(g, vpcId));
      if (others.length > 0) {
        const ids = others.map((g) => g.InternetGatewayId ?? '?').join(', ');
        return present({}, false, [`${vpcId} already has internet gateway ${ids} attached (a VPC takes only one); detach it or adopt it by hand`]);
      }
      return ABSENT;
    },

    preview(ctx, found) {
      const igwRef = ctx.ref(spec.igwStepId, 'internetGatewayId', spec.igwPlaceholder);
      const vpcRef = ctx.ref(spec.vpcStepId, 'vpcId', spec.vpcPlaceholder);
      return stepPreview(found, {
        what: `attachment of ${spec.igwName} to ${spec.vpcName}`,
        create: [`aws ec2 attach-internet-gateway --internet-gateway-id ${igwRef} --vpc-id ${vpcRef}`],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const igwId = ctx.need(spec.igwStepId, 'internetGatewayId');
      const vpcId = ctx.need(spec.vpcStepId, 'vpcId');
      if (found.kind === 'present') {
        adoptableOutputs(found, spec.id, 'internetGatewayId', 'vpcId');
        return { internetGatewayId: igwId, vpcId };
      }
      await mutate(
        ctx,
        'AttachInternetGateway',
        async (abortSignal) => {
          try {
            await ctx.aws.ec2Once.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }), { abortSignal });
          } catch (error) {
            // "Already associated" is success when it is this gateway on this VPC.
            if (isAwsErrorCode(error, 'Resource.AlreadyAssociated') && (await isAttached(ctx, igwId, vpcId))) return true;
            if (isAwsErrorCode(error, 'Resource.AlreadyAssociated')) {
              throw new RunbookConflictError(
                `cannot attach ${igwId} to ${vpcId}: ${(error as Error).message}`,
                `The gateway is attached elsewhere, or the VPC already has another internet gateway: \`aws ec2 describe-internet-gateways --filters Name=attachment.vpc-id,Values=${vpcId}\` shows which; detach it, then rerun.`,
              );
            }
            throw error;
          }
          return true;
        },
        { refind: async () => ((await isAttached(ctx, igwId, vpcId)) ? true : undefined) },
      );
      inventoryOf(ctx).network.internetGateways.update(igwId, (igw) => withAttachment(igw, vpcId, true));
      await ctx.recordOutputs({ internetGatewayId: igwId, vpcId });
      return { internetGatewayId: igwId, vpcId };
    },

    async destroy(ctx, outputs) {
      const igwId = outputs.internetGatewayId ?? ctx.output(spec.igwStepId, 'internetGatewayId');
      const vpcId = outputs.vpcId ?? ctx.output(spec.vpcStepId, 'vpcId');
      if (!igwId || !vpcId) return;
      await removeIdempotently(
        ctx,
        'DetachInternetGateway',
        (abortSignal) => ctx.aws.ec2Once.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }), { abortSignal }),
        ['Gateway.NotAttached', 'InvalidInternetGatewayID.NotFound', 'InvalidVpcID.NotFound'],
      );
      inventoryOf(ctx).network.internetGateways.update(igwId, (igw) => withAttachment(igw, vpcId, false));
    },

    destroyPreview(ctx, outputs) {
      const igwId = outputs.internetGatewayId ?? ctx.ref(spec.igwStepId, 'internetGatewayId', spec.igwPlaceholder);
      const vpcId = outputs.vpcId ?? ctx.ref(spec.vpcStepId, 'vpcId', spec.vpcPlaceholder);
      return {
        summary: `Detach ${spec.igwName} (${igwId}) from ${spec.vpcName} (${vpcId})`,
        cli: [`aws ec2 detach-internet-gateway --internet-gateway-id ${igwId} --vpc-id ${vpcId}`],
      };
    },
  };
}
