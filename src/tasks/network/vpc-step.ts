import { CreateVpcCommand, DeleteVpcCommand, ModifyVpcAttributeCommand } from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { vpcById, vpcLookup } from '../../aws/ec2-describe.js';
import { matchByTags, ownershipProblems, refindIdByTags } from '../../aws/find.js';
import { tagSpecifications } from '../../aws/tags.js';
import { pollUntil } from '../../aws/wait.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { shellVariable } from './names.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface VpcStepSpec {
  id: string;
  name: string;
  cidr: string;
  /** `$MVP_VPC_ID` */
  placeholder: string;
  notes?: string[];
}

const ENABLE_DNS_SUPPORT = 'enable DNS support';
const ENABLE_DNS_HOSTNAMES = 'enable DNS hostnames';

/** Outputs: `vpcId`. A VPC with DNS support and DNS hostnames on, tagged at creation. */
export function vpcStep(spec: VpcStepSpec): Step {
  const query = (ctx: StepContext) => ({ project: ctx.project, stepId: spec.id });
  const dnsLines = (vpcId: string, unfinished: readonly string[]) => [
    ...(unfinished.includes(ENABLE_DNS_SUPPORT) ? [`aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-support Value=true`] : []),
    ...(unfinished.includes(ENABLE_DNS_HOSTNAMES) ? [`aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-hostnames Value=true`] : []),
  ];

  async function create(ctx: StepContext): Promise<string> {
    const vpcId = await mutate(
      ctx,
      'CreateVpc',
      async (abortSignal) => {
        const command = new CreateVpcCommand({ CidrBlock: spec.cidr, TagSpecifications: tagSpecifications('vpc', ctx.tags(spec.name)) });
        const vpc = required((await ctx.aws.ec2Once.send(command, { abortSignal })).Vpc, 'a Vpc (CreateVpc)');
        inventoryOf(ctx).network.vpcMade(vpc);
        return required(vpc.VpcId, 'a VpcId (CreateVpc)');
      },
      { refind: () => refindIdByTags(vpcLookup(ctx.aws.ec2, ctx.signal), query(ctx)) },
    );
    await ctx.recordOutputs({ vpcId });
    return vpcId;
  }

  /** Turn on what is off (support first: hostnames need it). No call when both are on. */
  async function finishDns(ctx: StepContext, vpcId: string): Promise<void> {
    const network = inventoryOf(ctx).network;
    const dns = await network.dnsAttributes(vpcId);
    if (!dns.dnsSupport) {
      await mutate(ctx, 'ModifyVpcAttribute', (abortSignal) =>
        ctx.aws.ec2Once.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsSupport: { Value: true } }), { abortSignal }),
      );
      network.dnsChanged(vpcId, { dnsSupport: true });
    }
    if (!dns.dnsHostnames) {
      await mutate(ctx, 'ModifyVpcAttribute', (abortSignal) =>
        ctx.aws.ec2Once.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }), { abortSignal }),
      );
      network.dnsChanged(vpcId, { dnsHostnames: true });
    }
  }

  /** Until the VPC is available: no call when the plan (or CreateVpc's answer) saw it available already. */
  async function untilAvailable(ctx: StepContext, vpcId: string): Promise<void> {
    if (inventoryOf(ctx).network.vpcs.peek(vpcId)?.State === 'available') return;
    const vpc = await pollUntil(
      async () => {
        const live = await vpcById(ctx.aws.ec2, vpcId, ctx.signal);
        return live?.State === 'available' ? live : undefined;
      },
      { what: `VPC ${vpcId} to be available`, signal: ctx.signal },
    );
    inventoryOf(ctx).network.vpcs.put(vpc);
  }

  return {
    id: spec.id,
    section: 'network',
    title: `VPC ${spec.name} (${spec.cidr})`,
    needs: [],

    async find(ctx): Promise<FindResult> {
      const lookup = vpcLookup(ctx.aws.ec2, ctx.signal);
      const fullQuery = { ...query(ctx), name: spec.name };
      const match = matchByTags(lookup, await inventoryOf(ctx).network.vpcs.all(), fullQuery);
      if (match.kind === 'none') return ABSENT;
      const differences = ownershipProblems(lookup, match, fullQuery);
      if (match.kind === 'many') return present({}, match.ours, differences);
      const vpc = match.item;
      if (vpc.CidrBlock !== spec.cidr) differences.push(`CIDR is ${vpc.CidrBlock ?? '(none)'}, wanted ${spec.cidr}`);
      if (!match.ours) return present({}, false, differences);
      const unfinished: string[] = [];
      if (vpc.State !== 'available') unfinished.push(`wait until the VPC is available (it is ${vpc.State ?? 'unknown'})`);
      // A VPC its step is recorded done with had DNS turned on by that apply (finishDns): not read again
      // (two calls per VPC); a change made since is verify's to report (`network.dns.<vpc>`). Any other VPC
      // of ours (no record, or a crash between CreateVpc and ModifyVpcAttribute) is read, and finished.
      if (ctx.recordedAsDone()?.vpcId !== match.id) {
        const dns = await inventoryOf(ctx).network.dnsAttributes(match.id);
        if (!dns.dnsSupport) unfinished.push(ENABLE_DNS_SUPPORT);
        if (!dns.dnsHostnames) unfinished.push(ENABLE_DNS_HOSTNAMES);
      }
      return present({ vpcId: match.id }, true, differences, unfinished);
    },

    preview(ctx, found) {
      const id = found.kind === 'present' ? found.outputs.vpcId : undefined;
      const ref = id ?? spec.placeholder;
      return stepPreview(found, {
        what: `VPC ${spec.name} ${spec.cidr} with DNS support and DNS hostnames on`,
        ...(id ? { id } : {}),
        create: [
          `${shellVariable(spec.placeholder)}=$(aws ec2 create-vpc --cidr-block ${spec.cidr} ${cliTagSpecifications('vpc', ctx.tags(spec.name))} --query Vpc.VpcId --output text)`,
          ...dnsLines(ref, [ENABLE_DNS_SUPPORT, ENABLE_DNS_HOSTNAMES]),
        ],
        finish: (unfinished) => dnsLines(ref, unfinished),
        notes: [`Region ${ctx.aws.region}: add --region ${ctx.aws.region} if your CLI default differs.`, ...(spec.notes ?? [])],
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      const vpcId = found.kind === 'present' ? (adoptableOutputs(found, spec.id, 'vpcId').vpcId as string) : await create(ctx);
      await untilAvailable(ctx, vpcId);
      await finishDns(ctx, vpcId);
      return { vpcId };
    },

    async destroy(ctx, outputs) {
      const vpcId = outputs.vpcId ?? (await refindIdByTags(vpcLookup(ctx.aws.ec2, ctx.signal), query(ctx)));
      if (!vpcId) return;
      await removeIdempotently(ctx, 'DeleteVpc', (abortSignal) => ctx.aws.ec2Once.send(new DeleteVpcCommand({ VpcId: vpcId }), { abortSignal }), [
        'InvalidVpcID.NotFound',
      ]);
      inventoryOf(ctx).network.vpcs.drop(vpcId);
    },

    destroyPreview(ctx, outputs) {
      const vpcId = outputs.vpcId ?? ctx.ref(spec.id, 'vpcId', spec.placeholder);
      return { summary: `Delete VPC ${spec.name} (${vpcId})`, cli: [`aws ec2 delete-vpc --vpc-id ${vpcId}`] };
    },
  };
}
