import { AssociateAddressCommand, DisassociateAddressCommand } from '@aws-sdk/client-ec2';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import type { Instance } from '@aws-sdk/client-ec2';
import { elasticIpStepIds, type ElasticIpHost, type InstanceSpec } from './names.js';
import { inventoryOf } from '../inventory/of-context.js';

/** How long after AssociateAddress the instance is read back (the associations made together, in one read). */
const READ_BACK_MS = 250;

/**
 * Outputs: `associationId`, `publicIp`. Attaches a public host's Elastic IP to its instance, so the host
 * keeps its address across a stop/start (the auto-assigned one changes, and is released when the Elastic
 * IP arrives). AssociateAddress takes no ClientToken and an association carries no tags: find reads the
 * address itself (associated with our instance: done; with another: a conflict), and a lost answer is
 * found again the same way before anything is sent twice. `publicIp` is read back from the instance, the
 * address the host answers on.
 */
export function elasticIpAssociationStep(spec: InstanceSpec & { key: ElasticIpHost }): Step {
  const ids = elasticIpStepIds(spec.key);
  const allocationPlaceholder = `$${spec.key.toUpperCase()}_EIP_ALLOCATION_ID`;

  async function current(ctx: StepContext): Promise<{ associationId?: string; instanceId?: string } | undefined> {
    const allocationId = ctx.output(ids.address, 'allocationId');
    if (!allocationId) return undefined;
    const address = await inventoryOf(ctx).nat.address(allocationId);
    return address ? { ...(address.AssociationId ? { associationId: address.AssociationId } : {}), ...(address.InstanceId ? { instanceId: address.InstanceId } : {}) } : undefined;
  }

  function outputsOf(associationId: string, instanceId: string, instance: Instance | undefined): Outputs {
    return { associationId, publicIp: required(instance?.PublicIpAddress, `a PublicIpAddress for ${instanceId} (DescribeInstances)`) };
  }

  /** The address as AssociateAddress or DisassociateAddress left it, for what follows in this run. */
  function noteAssociation(ctx: StepContext, allocationId: string, association: { associationId: string; instanceId: string } | undefined): void {
    inventoryOf(ctx).nat.addresses.update(allocationId, ({ AssociationId: _a, InstanceId: _i, ...address }) =>
      association ? { ...address, AssociationId: association.associationId, InstanceId: association.instanceId } : address,
    );
  }

  return {
    id: ids.association,
    section: 'compute',
    title: `Associate Elastic IP ${spec.name} with ${spec.name}`,
    needs: [ids.address, spec.id],

    async find(ctx): Promise<FindResult> {
      const instanceId = ctx.output(spec.id, 'instanceId');
      const live = await current(ctx);
      if (!live?.associationId || !instanceId) return ABSENT;
      if (live.instanceId !== instanceId) {
        return present({}, true, [`Elastic IP ${ctx.output(ids.address, 'allocationId') ?? ''} is associated with ${live.instanceId ?? 'another network interface'}, wanted ${instanceId}`]);
      }
      return present(outputsOf(live.associationId, instanceId, await inventoryOf(ctx).compute.instance(instanceId)), true);
    },

    preview(ctx, found) {
      const allocationId = ctx.ref(ids.address, 'allocationId', allocationPlaceholder);
      const instanceId = ctx.ref(spec.id, 'instanceId', spec.placeholder);
      if (found.kind === 'present' && found.differences.length === 0) return { summary: `Elastic IP ${found.outputs.publicIp ?? ''} is on ${spec.name}`, cli: [] };
      return {
        summary: `give ${spec.name} its Elastic IP (${allocationId}): the address survives a stop/start; the auto-assigned one is released`,
        cli: [`aws ec2 associate-address --allocation-id ${allocationId} --instance-id ${instanceId} --no-allow-reassociation`],
        notes: [
          'runbook: the hosts are reached at their auto-assigned public addresses (`ssh ubuntu@3.149.236.21`, `EXTERNAL_URL="http://18.217.232.200/"`), which change at every stop/start; here each public host keeps an Elastic IP, and the URLs, SSH commands, ALLOWED_HOSTS and GitLab\'s EXTERNAL_URL use it.',
        ],
      };
    },

    async apply(ctx): Promise<Outputs> {
      const allocationId = ctx.need(ids.address, 'allocationId');
      const instanceId = ctx.need(spec.id, 'instanceId');
      const associationId = await mutate(
        ctx,
        'AssociateAddress',
        async (abortSignal) => {
          const out = await ctx.aws.ec2Once.send(new AssociateAddressCommand({ AllocationId: allocationId, InstanceId: instanceId, AllowReassociation: false }), { abortSignal });
          return required(out.AssociationId, 'an AssociationId (AssociateAddress)');
        },
        {
          refind: async () => {
            const live = await current(ctx);
            return live?.instanceId === instanceId ? live.associationId : undefined;
          },
        },
      );
      noteAssociation(ctx, allocationId, { associationId, instanceId });
      // The host's public address changed with the association: read back from the instance (the one it
      // answers on), a moment later, with the other hosts associated at the same time.
      const outputs = outputsOf(associationId, instanceId, await inventoryOf(ctx).compute.look(instanceId, READ_BACK_MS));
      await ctx.recordOutputs(outputs);
      return outputs;
    },

    async destroy(ctx, outputs) {
      const associationId = outputs.associationId ?? (await current(ctx))?.associationId;
      if (!associationId) return;
      await removeIdempotently(
        ctx,
        'DisassociateAddress',
        (abortSignal) => ctx.aws.ec2Once.send(new DisassociateAddressCommand({ AssociationId: associationId }), { abortSignal }),
        ['InvalidAssociationID.NotFound'],
      );
      const allocationId = ctx.output(ids.address, 'allocationId');
      if (allocationId) noteAssociation(ctx, allocationId, undefined);
    },

    destroyPreview(ctx, outputs) {
      const associationId = outputs.associationId ?? '$ASSOCIATION_ID';
      return { summary: `Disassociate the Elastic IP of ${spec.name} (${associationId})`, cli: [`aws ec2 disassociate-address --association-id ${associationId}`] };
    },
  };
}
