import { CreateSubnetCommand, DeleteSubnetCommand, ModifySubnetAttributeCommand, type Subnet } from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { subnetById, subnetLookup } from '../../aws/ec2-describe.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { shellVariable } from './names.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface SubnetStepSpec {
  id: string;
  vpcStepId: string;
  name: string;
  cidr: string;
  /** AZ letter; the zone is the client's region plus this letter. */
  az: string;
  /** Public subnets map a public IPv4 address on launch; private ones must not. */
  public: boolean;
  /** `$MVP_SUBNET_PUBLIC_ID` */
  placeholder: string;
  vpcPlaceholder: string;
  notes?: string[];
}

/** Outputs: `subnetId`, `availabilityZone`. */
export function subnetStep(spec: SubnetStepSpec): Step {
  const zone = (ctx: StepContext) => `${ctx.aws.region}${spec.az}`;
  const mapIpWork = spec.public ? 'turn on auto-assign public IPv4 (MapPublicIpOnLaunch)' : 'turn off auto-assign public IPv4 (MapPublicIpOnLaunch)';
  const mapIpLine = (subnetId: string) =>
    `aws ec2 modify-subnet-attribute --subnet-id ${subnetId} ${spec.public ? '--map-public-ip-on-launch' : '--no-map-public-ip-on-launch'}`;

  /** A subnet of someone else already using our CIDR in our VPC: CreateSubnet would fail with InvalidSubnet.Conflict. */
  function cidrTaken(subnets: readonly Subnet[], vpcId: string): Subnet | undefined {
    return subnets.find((s) => s.VpcId === vpcId && s.CidrBlock === spec.cidr);
  }

  async function create(ctx: StepContext, vpcId: string): Promise<string> {
    const lookup = subnetLookup(ctx.aws.ec2, ctx.signal);
    const subnetId = await mutate(
      ctx,
      'CreateSubnet',
      async (abortSignal) => {
        const command = new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: spec.cidr,
          AvailabilityZone: zone(ctx),
          TagSpecifications: tagSpecifications('subnet', ctx.tags(spec.name)),
        });
        const subnet = required((await ctx.aws.ec2Once.send(command, { abortSignal })).Subnet, 'a Subnet (CreateSubnet)');
        inventoryOf(ctx).network.subnets.put(subnet);
        return required(subnet.SubnetId, 'a SubnetId (CreateSubnet)');
      },
      { refind: () => refindIdByTags(lookup, { project: ctx.project, stepId: spec.id, vpcId }) },
    );
    await ctx.recordOutputs({ subnetId, availabilityZone: zone(ctx) });
    return subnetId;
  }

  /** Until available (no call when the plan or CreateSubnet's answer saw it so), then the public IPv4 setting. */
  async function finish(ctx: StepContext, subnetId: string): Promise<void> {
    const subnets = inventoryOf(ctx).network.subnets;
    const known = subnets.get(subnetId);
    const subnet =
      known?.State === 'available'
        ? known
        : await pollUntil(
            async () => {
              const live = await subnetById(ctx.aws.ec2, subnetId, ctx.signal);
              return live?.State === 'available' ? live : undefined;
            },
            { what: `subnet ${subnetId} to be available`, signal: ctx.signal },
          );
    subnets.put(subnet);
    if ((subnet.MapPublicIpOnLaunch === true) !== spec.public) {
      await mutate(ctx, 'ModifySubnetAttribute', (abortSignal) =>
        ctx.aws.ec2Once.send(new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: spec.public } }), {
          abortSignal,
        }),
      );
      subnets.put({ ...subnet, MapPublicIpOnLaunch: spec.public });
    }
  }

  return {
    id: spec.id,
    section: 'network',
    title: `${spec.public ? 'Public' : 'Private'} subnet ${spec.name} (${spec.cidr}, AZ ${spec.az})`,
    needs: [spec.vpcStepId],

    async find(ctx): Promise<FindResult> {
      const vpcId = ctx.output(spec.vpcStepId, 'vpcId');
      if (!vpcId) return ABSENT;
      const lookup = subnetLookup(ctx.aws.ec2, ctx.signal);
      const query = { project: ctx.project, stepId: spec.id, name: spec.name, vpcId };
      const subnets = await inventoryOf(ctx).network.subnetsIn(vpcId);
      const match = matchByTags(lookup, subnets, query);
      if (match.kind === 'none') {
        const taken = cidrTaken(subnets, vpcId);
        return taken
          ? present({}, false, [`subnet ${taken.SubnetId ?? '?'} already uses ${spec.cidr} in ${vpcId} and is not tagged as ${spec.name} of this project`])
          : ABSENT;
      }
      const differences = ownershipProblems(lookup, match, query);
      if (match.kind === 'many') return present({}, match.ours, differences);
      const subnet = match.item;
      if (subnet.CidrBlock !== spec.cidr) differences.push(`CIDR is ${subnet.CidrBlock ?? '(none)'}, wanted ${spec.cidr}`);
      if (subnet.AvailabilityZone !== zone(ctx)) differences.push(`AZ is ${subnet.AvailabilityZone ?? '(none)'}, wanted ${zone(ctx)}`);
      if (!match.ours) return present({}, false, differences);
      const unfinished: string[] = [];
      if (subnet.State !== 'available') unfinished.push(`wait until the subnet is available (it is ${subnet.State ?? 'unknown'})`);
      if ((subnet.MapPublicIpOnLaunch === true) !== spec.public) unfinished.push(mapIpWork);
      return present({ subnetId: match.id, availabilityZone: subnet.AvailabilityZone ?? zone(ctx) }, true, differences, unfinished);
    },

    preview(ctx, found) {
      const id = found.kind === 'present' ? found.outputs.subnetId : undefined;
      const vpcRef = ctx.ref(spec.vpcStepId, 'vpcId', spec.vpcPlaceholder);
      return stepPreview(found, {
        what: `${spec.public ? 'public' : 'private'} subnet ${spec.name} ${spec.cidr} in ${zone(ctx)}${spec.public ? ', public IPv4 on launch' : ''}`,
        ...(id ? { id } : {}),
        create: [
          `${shellVariable(spec.placeholder)}=$(aws ec2 create-subnet --vpc-id ${vpcRef} --cidr-block ${spec.cidr} --availability-zone ${zone(ctx)} ${cliTagSpecifications('subnet', ctx.tags(spec.name))} --query Subnet.SubnetId --output text)`,
          ...(spec.public ? [mapIpLine(spec.placeholder)] : []),
        ],
        finish: (unfinished) => (unfinished.includes(mapIpWork) ? [mapIpLine(id ?? spec.placeholder)] : []),
        ...(spec.notes ? { notes: spec.notes } : {}),
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const vpcId = ctx.need(spec.vpcStepId, 'vpcId');
      const subnetId = found.kind === 'present' ? (adoptableOutputs(found, spec.id, 'subnetId').subnetId as string) : await create(ctx, vpcId);
      await finish(ctx, subnetId);
      return { subnetId, availabilityZone: zone(ctx) };
    },

    async destroy(ctx, outputs) {
      const vpcId = ctx.output(spec.vpcStepId, 'vpcId');
      const subnetId =
        outputs.subnetId ??
        (vpcId ? await refindIdByTags(subnetLookup(ctx.aws.ec2, ctx.signal), { project: ctx.project, stepId: spec.id, vpcId }) : undefined);
      if (!subnetId) return;
      await removeIdempotently(
        ctx,
        'DeleteSubnet',
        (abortSignal) => ctx.aws.ec2Once.send(new DeleteSubnetCommand({ SubnetId: subnetId }), { abortSignal }),
        ['InvalidSubnetID.NotFound'],
      );
      inventoryOf(ctx).network.subnets.drop(subnetId);
    },

    destroyPreview(ctx, outputs) {
      const subnetId = outputs.subnetId ?? ctx.ref(spec.id, 'subnetId', spec.placeholder);
      return { summary: `Delete subnet ${spec.name} (${subnetId})`, cli: [`aws ec2 delete-subnet --subnet-id ${subnetId}`] };
    },
  };
}
