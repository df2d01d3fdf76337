import { AllocateAddressCommand, ReleaseAddressCommand } from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import type { FindResult, Outputs, SectionId, Step, StepContext } from '../../engine/types.js';
import { publicIpv4Monthly } from '../costs.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview, withMonthlyCost } from '../preview.js';
import { shellVariable } from '../network/names.js';
import { addressByAllocationId, addressLookup, natGatewaysUsing } from './describe.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface EipStepSpec {
  id: string;
  name: string;
  /** `$IA_EIP_ALLOCATION_ID` */
  placeholder: string;
  notes?: string[];
  /** Default network (a NAT gateway's). */
  section?: SectionId;
  /** What the address is for, in the title: "for the NAT gateway" (the default), "for VM-Ecommerce-BFHK". */
  purpose?: string;
  /**
   * A public host's address: associated with this step's instance (`instanceId` output) is as wanted;
   * with any other instance is a conflict. Without it (a NAT's), any instance association is a conflict.
   */
  instanceStepId?: string;
}

/** How long AWS may keep an Elastic IP "in use" after its NAT gateway is deleted. */
const RELEASE_TIMEOUT_MS = 120_000;
const NAT_DELETE_TIMEOUT_MS = 15 * 60_000;

/** Outputs: `allocationId`, `publicIp`. An Elastic IP (domain vpc) for a NAT gateway or a public host, tagged at allocation. */
export function eipStep(spec: EipStepSpec): Step {
  const query = (ctx: StepContext) => ({ project: ctx.project, stepId: spec.id });

  async function outputsOf(ctx: StepContext, allocationId: string): Promise<Outputs | undefined> {
    const address = await addressByAllocationId(ctx.aws.ec2, allocationId, ctx.signal);
    return address ? { allocationId, publicIp: required(address.PublicIp, 'a PublicIp (DescribeAddresses)') } : undefined;
  }

  /**
   * Releasing an address a NAT gateway still holds fails: wait for a NAT being deleted, refuse one that is
   * not. No call when the inventory (the plan's read, and the NAT gateway's own teardown) shows no holder.
   */
  async function waitUntilNoNatHolds(ctx: StepContext, allocationId: string): Promise<void> {
    let first = true;
    await pollUntil(
      async () => {
        const holders = first ? await inventoryOf(ctx).nat.natGatewaysUsing(allocationId) : await natGatewaysUsing(ctx.aws.ec2, allocationId, ctx.signal);
        first = false;
        const live = holders.filter((n) => n.State === 'pending' || n.State === 'available');
        if (live.length > 0) {
          const ids = live.map((n) => `${n.NatGatewayId ?? '?'} (${n.State ?? '?'})`).join(', ');
          throw new RunbookConflictError(
            `Elastic IP ${allocationId} is still used by NAT gateway ${ids}`,
            `Delete that NAT gateway first (\`aws ec2 delete-nat-gateway --nat-gateway-id ${live[0]?.NatGatewayId ?? '<id>'}\`), wait until it is deleted, then rerun.`,
          );
        }
        const deleting = holders.filter((n) => n.State === 'deleting');
        if (deleting.length === 0) return true;
        ctx.progress(`waiting for NAT gateway ${deleting.map((n) => n.NatGatewayId).join(', ')} to be deleted before releasing ${allocationId}`);
        return undefined;
      },
      { what: `the NAT gateway holding ${allocationId} to be deleted`, signal: ctx.signal, intervalMs: 1000, timeoutMs: NAT_DELETE_TIMEOUT_MS },
    );
  }

  return {
    id: spec.id,
    section: spec.section ?? 'network',
    title: `Elastic IP ${spec.name} (${spec.purpose ?? 'for the NAT gateway'})`,
    needs: [],

    async find(ctx): Promise<FindResult> {
      const lookup = addressLookup(ctx.aws.ec2, ctx.signal);
      const fullQuery = { ...query(ctx), name: spec.name };
      const match = matchByTags(lookup, await inventoryOf(ctx).nat.addresses.all(), fullQuery);
      if (match.kind === 'none') return ABSENT;
      const differences = ownershipProblems(lookup, match, fullQuery);
      if (match.kind === 'many') return present({}, match.ours, differences);
      const address = match.item;
      if (address.Domain !== 'vpc') differences.push(`Elastic IP ${match.id} is in domain ${address.Domain ?? '(none)'}, wanted vpc`);
      const ownInstance = spec.instanceStepId ? ctx.output(spec.instanceStepId, 'instanceId') : undefined;
      if (address.InstanceId && address.InstanceId !== ownInstance) {
        differences.push(`Elastic IP ${match.id} is associated with instance ${address.InstanceId}, wanted it ${spec.instanceStepId ? `for ${ownInstance ?? 'this step\'s instance'}` : 'free for the NAT gateway'}`);
      }
      if (!match.ours) return present({}, false, differences);
      return present({ allocationId: match.id, publicIp: address.PublicIp ?? '' }, true, differences);
    },

    preview(ctx, found) {
      const id = found.kind === 'present' ? found.outputs.allocationId : undefined;
      const preview = stepPreview(found, {
        what: `Elastic IP ${spec.name} (domain vpc)`,
        ...(id ? { id } : {}),
        create: [
          `${shellVariable(spec.placeholder)}=$(aws ec2 allocate-address --domain vpc ${cliTagSpecifications('elastic-ip', ctx.tags(spec.name))} --query AllocationId --output text)`,
        ],
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
      return found.kind === 'absent' ? withMonthlyCost(preview, publicIpv4Monthly(ctx.config.region), ctx.config.region) : preview;
    },

    async apply(ctx, found): Promise<Outputs> {
      if (found.kind === 'present') {
        const adopted = adoptableOutputs(found, spec.id, 'allocationId', 'publicIp');
        return { allocationId: adopted.allocationId as string, publicIp: adopted.publicIp as string };
      }
      // AllocateAddress takes no ClientToken: a lost answer is found again by the tags given in the call.
      const outputs = await mutate(
        ctx,
        'AllocateAddress',
        async (abortSignal) => {
          const command = new AllocateAddressCommand({ Domain: 'vpc', TagSpecifications: tagSpecifications('elastic-ip', ctx.tags(spec.name)) });
          const out = await ctx.aws.ec2Once.send(command, { abortSignal });
          const allocated = {
            allocationId: required(out.AllocationId, 'an AllocationId (AllocateAddress)'),
            publicIp: required(out.PublicIp, 'a PublicIp (AllocateAddress)'),
          };
          inventoryOf(ctx).nat.addresses.put({ AllocationId: allocated.allocationId, PublicIp: allocated.publicIp, Domain: 'vpc', Tags: ctx.tags(spec.name) });
          return allocated;
        },
        {
          refind: async () => {
            const allocationId = await refindIdByTags(addressLookup(ctx.aws.ec2, ctx.signal), query(ctx));
            return allocationId ? outputsOf(ctx, allocationId) : undefined;
          },
        },
      );
      await ctx.recordOutputs(outputs);
      return outputs;
    },

    async destroy(ctx, outputs) {
      const allocationId = outputs.allocationId ?? (await refindIdByTags(addressLookup(ctx.aws.ec2, ctx.signal), query(ctx)));
      if (!allocationId) return;
      const address = await inventoryOf(ctx).nat.address(allocationId);
      if (!address) {
        ctx.progress(`Elastic IP ${allocationId}: already released`);
        return;
      }
      if (address.InstanceId) {
        throw new RunbookConflictError(
          `Elastic IP ${allocationId} is associated with instance ${address.InstanceId}`,
          `Disassociate it first (\`aws ec2 disassociate-address --association-id ${address.AssociationId ?? '<id>'}\`) if that is right, then rerun.`,
        );
      }
      await waitUntilNoNatHolds(ctx, allocationId);
      await pollUntil(
        async () => {
          try {
            await removeIdempotently(
              ctx,
              'ReleaseAddress',
              (abortSignal) => ctx.aws.ec2Once.send(new ReleaseAddressCommand({ AllocationId: allocationId }), { abortSignal }),
              ['InvalidAllocationID.NotFound'],
            );
            inventoryOf(ctx).nat.addresses.drop(allocationId);
            return true;
          } catch (error) {
            // AWS takes a little while to free the address of a NAT gateway that was just deleted.
            if (!isAwsErrorCode(error, 'InvalidIPAddress.InUse')) throw error;
            ctx.progress(`Elastic IP ${allocationId} is still in use; trying again`);
            return undefined;
          }
        },
        { what: `Elastic IP ${allocationId} to be released`, signal: ctx.signal, intervalMs: 1000, timeoutMs: RELEASE_TIMEOUT_MS },
      );
    },

    destroyPreview(ctx, outputs) {
      const allocationId = outputs.allocationId ?? ctx.ref(spec.id, 'allocationId', spec.placeholder);
      return {
        summary: `Release Elastic IP ${spec.name} (${allocationId}) once its NAT gateway is deleted`,
        cli: [`aws ec2 release-address --allocation-id ${allocationId}`],
      };
    },
  };
}
