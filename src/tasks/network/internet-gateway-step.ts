import { CreateInternetGatewayCommand, DeleteInternetGatewayCommand } from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { internetGatewayLookup } from '../../aws/ec2-describe.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { shellVariable } from './names.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface InternetGatewayStepSpec {
  id: string;
  name: string;
  /** `$MVP_IGW_ID` */
  placeholder: string;
  notes?: string[];
}

/** Outputs: `internetGatewayId`. The gateway alone; attaching it is the next step. */
export function internetGatewayStep(spec: InternetGatewayStepSpec): Step {
  const query = (ctx: StepContext) => ({ project: ctx.project, stepId: spec.id });

  return {
    id: spec.id,
    section: 'network',
    title: `Internet gateway ${spec.name}`,
    needs: [],

    async find(ctx): Promise<FindResult> {
      const lookup = internetGatewayLookup(ctx.aws.ec2, ctx.signal);
      const fullQuery = { ...query(ctx), name: spec.name };
      const match = matchByTags(lookup, await inventoryOf(ctx).network.internetGateways.all(), fullQuery);
      if (match.kind === 'none') return ABSENT;
      const differences = ownershipProblems(lookup, match, fullQuery);
      if (match.kind === 'many') return present({}, match.ours, differences);
      if (!match.ours) return present({}, false, differences);
      return present({ internetGatewayId: match.id }, true, differences);
    },

    preview(ctx, found) {
      const id = found.kind === 'present' ? found.outputs.internetGatewayId : undefined;
      return stepPreview(found, {
        what: `internet gateway ${spec.name}`,
        ...(id ? { id } : {}),
        create: [
          `${shellVariable(spec.placeholder)}=$(aws ec2 create-internet-gateway ${cliTagSpecifications('internet-gateway', ctx.tags(spec.name))} --query InternetGateway.InternetGatewayId --output text)`,
        ],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      if (found.kind === 'present') {
        return { internetGatewayId: adoptableOutputs(found, spec.id, 'internetGatewayId').internetGatewayId as string };
      }
      const internetGatewayId = await mutate(
        ctx,
        'CreateInternetGateway',
        async (abortSignal) => {
          const command = new CreateInternetGatewayCommand({ TagSpecifications: tagSpecifications('internet-gateway', ctx.tags(spec.name)) });
          const igw = required((await ctx.aws.ec2Once.send(command, { abortSignal })).InternetGateway, 'an InternetGateway');
          inventoryOf(ctx).network.internetGateways.put(igw);
          return required(igw.InternetGatewayId, 'an InternetGatewayId');
        },
        { refind: () => refindIdByTags(internetGatewayLookup(ctx.aws.ec2, ctx.signal), query(ctx)) },
      );
      await ctx.recordOutputs({ internetGatewayId });
      return { internetGatewayId };
    },

    async destroy(ctx, outputs) {
      const igwId = outputs.internetGatewayId ?? (await refindIdByTags(internetGatewayLookup(ctx.aws.ec2, ctx.signal), query(ctx)));
      if (!igwId) return;
      await removeIdempotently(
        ctx,
        'DeleteInternetGateway',
        (abortSignal) => ctx.aws.ec2Once.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId }), { abortSignal }),
        ['InvalidInternetGatewayID.NotFound'],
      );
      inventoryOf(ctx).network.internetGateways.drop(igwId);
    },

    destroyPreview(ctx, outputs) {
      const igwId = outputs.internetGatewayId ?? ctx.ref(spec.id, 'internetGatewayId', spec.placeholder);
      return { summary: `Delete internet gateway ${spec.name} (${igwId})`, cli: [`aws ec2 delete-internet-gateway --internet-gateway-id ${igwId}`] };
    },
  };
}
