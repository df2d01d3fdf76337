import { CreateNatGatewayCommand, DeleteNatGatewayCommand, type NatGateway } from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { isAwsErrorCode } from '../../aws/errors.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { natGatewayMonthly } from '../costs.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate } from '../mutation.js';
import { stepPreview, withMonthlyCost } from '../preview.js';
import { shellVariable } from '../network/names.js';
import { isLiveNat, natGatewayById, natGatewayLookup } from './describe.js';
import { waitUntilNatAvailable, waitUntilNatDeleted } from './wait-nat.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface NatGatewayStepSpec {
  id: string;
  eipStepId: string;
  subnetStepId: string;
  /** AWS fails a NAT gateway in a VPC whose internet gateway is not attached yet. */
  igwAttachmentStepId: string;
  name: string;
  /** `$IA_NAT_ID` */
  placeholder: string;
  subnetPlaceholder: string;
  allocationPlaceholder: string;
  notes?: string[];
}

const NOT_FOUND = ['NatGatewayNotFound', 'InvalidNatGatewayID.NotFound'];
/** New ClientTokens tried when AWS answers with a dead NAT gateway made earlier with the same token. */
const MAX_TOKENS = 4;

/** Outputs: `natGatewayId`. A public NAT gateway in the public subnet with the step's Elastic IP, waited for until available. */
export function natGatewayStep(spec: NatGatewayStepSpec): Step {
  const query = (ctx: StepContext) => ({ project: ctx.project, stepId: spec.id });
  const waitLine = (natRef: string) => `aws ec2 wait nat-gateway-available --nat-gateway-ids ${natRef}`;

  async function refind(ctx: StepContext): Promise<NatGateway | undefined> {
    const id = await refindIdByTags(natGatewayLookup(ctx.aws.ec2, ctx.signal), query(ctx));
    return id ? natGatewayById(ctx.aws.ec2, id, ctx.signal) : undefined;
  }

  /**
   * CreateNatGateway with a ClientToken derived from the project, the step and the subnet and
   * address it uses (a NAT rebuilt on new ones after `down` gets a new token). AWS answers a token it
   * has seen with the NAT it made then, which may have failed or been deleted since: then the next
   * token of a deterministic chain is tried, so a resumed run makes the same calls.
   */
  async function create(ctx: StepContext, subnetId: string, allocationId: string): Promise<string> {
    // The NAT gateways there were before this create (the plan's read): one AWS answers with from among
    // them was made earlier with the same token, and that read tells whether it is still alive. A token
    // naming a subnet this run made was never sent before (AWS never reuses a subnet id): no read.
    const { nat, network } = inventoryOf(ctx);
    const before = new Map(network.subnetMadeThisRun(subnetId) ? [] : (await nat.natGateways.all()).map((n) => [n.NatGatewayId ?? '', n]));
    let purpose = `create ${subnetId} ${allocationId}`;
    for (let attempt = 1; attempt <= MAX_TOKENS; attempt += 1) {
      const clientToken = ctx.clientToken(purpose);
      const answered = await mutate(
        ctx,
        'CreateNatGateway',
        async (abortSignal) => {
          const command = new CreateNatGatewayCommand({
            SubnetId: subnetId,
            AllocationId: allocationId,
            ConnectivityType: 'public',
            ClientToken: clientToken,
            TagSpecifications: tagSpecifications('natgateway', ctx.tags(spec.name)),
          });
          return required((await ctx.aws.ec2Once.send(command, { abortSignal })).NatGateway, 'a NatGateway (CreateNatGateway)');
        },
        { clientToken, refind: () => refind(ctx) },
      );
      const natGatewayId = required(answered.NatGatewayId, 'a NatGatewayId (CreateNatGateway)');
      const current = before.get(natGatewayId) ?? answered;
      if (isLiveNat(current)) {
        // The answer's state is not kept: the wait looks (AWS answers pending, an emulator may say available).
        await ctx.recordOutputs({ natGatewayId });
        return natGatewayId;
      }
      ctx.progress(`CreateNatGateway answered ${natGatewayId}, an earlier NAT gateway made with this ClientToken that is ${current.State ?? '?'}; trying a new token`);
      purpose = `${purpose} after ${natGatewayId}`;
    }
    throw new Error(`CreateNatGateway answered ${MAX_TOKENS} dead NAT gateways in a row; check \`aws ec2 describe-nat-gateways --filter Name=subnet-id,Values=${subnetId}\``);
  }

  return {
    id: spec.id,
    section: 'network',
    typicalSeconds: 120, // pending → available: a few minutes on AWS
    title: `NAT gateway ${spec.name}`,
    needs: [spec.subnetStepId, spec.eipStepId, spec.igwAttachmentStepId],

    async find(ctx): Promise<FindResult> {
      const subnetId = ctx.output(spec.subnetStepId, 'subnetId');
      const allocationId = ctx.output(spec.eipStepId, 'allocationId');
      if (!subnetId || !allocationId) return ABSENT;
      // A live NAT gateway keeps its subnet from being deleted: one of ours sits in a subnet of ours, which
      // a plan finds rather than makes. In a subnet this run made there is none to find: no read.
      if (inventoryOf(ctx).network.subnetMadeThisRun(subnetId)) return ABSENT;
      const lookup = natGatewayLookup(ctx.aws.ec2, ctx.signal);
      const fullQuery = { ...query(ctx), name: spec.name };
      const match = matchByTags(lookup, (await inventoryOf(ctx).nat.natGateways.all()).filter(isLiveNat), fullQuery);
      if (match.kind === 'none') return ABSENT;
      const differences = ownershipProblems(lookup, match, fullQuery);
      if (match.kind === 'many') return present({}, match.ours, differences);
      const nat = match.item;
      if (nat.SubnetId !== subnetId) differences.push(`NAT gateway ${match.id} is in subnet ${nat.SubnetId ?? '(none)'}, wanted ${subnetId}`);
      const allocations = (nat.NatGatewayAddresses ?? []).map((a) => a.AllocationId).filter(Boolean);
      if (!allocations.includes(allocationId)) {
        differences.push(`NAT gateway ${match.id} uses Elastic IP ${allocations.join(', ') || '(none)'}, wanted ${allocationId}`);
      }
      if (nat.ConnectivityType !== undefined && nat.ConnectivityType !== 'public') {
        differences.push(`NAT gateway ${match.id} is ${nat.ConnectivityType}, wanted public`);
      }
      if (!match.ours) return present({}, false, differences);
      const unfinished = nat.State === 'available' ? [] : [`wait until the NAT gateway is available (it is ${nat.State ?? 'unknown'})`];
      return present({ natGatewayId: match.id }, true, differences, unfinished);
    },

    preview(ctx, found) {
      const id = found.kind === 'present' ? found.outputs.natGatewayId : undefined;
      const subnetRef = ctx.ref(spec.subnetStepId, 'subnetId', spec.subnetPlaceholder);
      const allocationRef = ctx.ref(spec.eipStepId, 'allocationId', spec.allocationPlaceholder);
      const idsKnown = ctx.output(spec.subnetStepId, 'subnetId') !== undefined && ctx.output(spec.eipStepId, 'allocationId') !== undefined;
      const token = idsKnown ? ctx.clientToken(`create ${subnetRef} ${allocationRef}`) : `${spec.placeholder}_CLIENT_TOKEN`;
      const preview = stepPreview(found, {
        what: `NAT gateway ${spec.name} in ${subnetRef} with Elastic IP ${allocationRef}`,
        ...(id ? { id } : {}),
        create: [
          `${shellVariable(spec.placeholder)}=$(aws ec2 create-nat-gateway --subnet-id ${subnetRef} --allocation-id ${allocationRef} --connectivity-type public --client-token ${token} ${cliTagSpecifications('natgateway', ctx.tags(spec.name))} --query NatGateway.NatGatewayId --output text)`,
          waitLine(spec.placeholder),
        ],
        finish: () => [waitLine(id ?? spec.placeholder)],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
      return found.kind === 'absent' ? withMonthlyCost(preview, natGatewayMonthly(ctx.config.region), ctx.config.region) : preview;
    },

    async apply(ctx, found): Promise<Outputs> {
      const subnetId = ctx.need(spec.subnetStepId, 'subnetId');
      const allocationId = ctx.need(spec.eipStepId, 'allocationId');
      const natGatewayId =
        found.kind === 'present' ? (adoptableOutputs(found, spec.id, 'natGatewayId').natGatewayId as string) : await create(ctx, subnetId, allocationId);
      await waitUntilNatAvailable(ctx, natGatewayId);
      return { natGatewayId };
    },

    async destroy(ctx, outputs) {
      const natGatewayId = outputs.natGatewayId ?? (await refind(ctx))?.NatGatewayId;
      if (!natGatewayId) return;
      const nat = await inventoryOf(ctx).nat.natGateway(natGatewayId);
      if (!nat || nat.State === 'deleted') {
        ctx.progress(`NAT gateway ${natGatewayId}: already deleted`);
        return;
      }
      if (nat.State !== 'deleting') {
        await mutate(
          ctx,
          'DeleteNatGateway',
          async (abortSignal) => {
            try {
              await ctx.aws.ec2Once.send(new DeleteNatGatewayCommand({ NatGatewayId: natGatewayId }), { abortSignal });
            } catch (error) {
              if (!isAwsErrorCode(error, ...NOT_FOUND)) throw error;
            }
            return true;
          },
          {
            refind: async () => {
              const state = (await natGatewayById(ctx.aws.ec2, natGatewayId, ctx.signal))?.State;
              return state === undefined || state === 'deleting' || state === 'deleted' ? true : undefined;
            },
          },
        );
      }
      await waitUntilNatDeleted(ctx, natGatewayId);
    },

    destroyPreview(ctx, outputs) {
      const natGatewayId = outputs.natGatewayId ?? ctx.ref(spec.id, 'natGatewayId', spec.placeholder);
      return {
        summary: `Delete NAT gateway ${spec.name} (${natGatewayId}) and wait until it is deleted (its Elastic IP is released next)`,
        cli: [`aws ec2 delete-nat-gateway --nat-gateway-id ${natGatewayId}`, `aws ec2 wait nat-gateway-deleted --nat-gateway-ids ${natGatewayId}`],
      };
    },
  };
}
