import type { Subnet } from '@aws-sdk/client-ec2';
import type { Config, VpcKey } from '../../config/schema.js';
import { natNames, natStepIds, type NatVpc } from '../nat/names.js';
import { networkNames, networkStepIds } from '../network/names.js';
import { liveVpc, named, resolveStep } from './live-find.js';
import { peeringChecks, routeTableChecks } from './network-routes.js';
import { fail, pass, warn, type Check } from './types.js';

/**
 * The `network` group (docs/design.md#network, docs/design.md#verification-checklist): the three VPCs with their CIDRs and DNS attributes, their subnets in their
 * CIDRs and AZs, an IGW attached to each, the NAT gateways of IA and Cyber available, each route
 * table's routes, the peerings active and no MVP↔IA path. Every resource is found live by its
 * aws-runbook:step tag, so one deleted by hand fails its check.
 */

export const NETWORK_VPCS: readonly VpcKey[] = ['mvp', 'ia', 'cyber'];
const NAT_VPCS: readonly NatVpc[] = ['ia', 'cyber'];

function vpcCheck(config: Config, vpc: VpcKey): Check {
  const name = networkNames(config.suffix, vpc).vpc;
  const cidr = config.network[vpc].cidr;
  return {
    id: `network.vpc.${vpc}`,
    group: 'network',
    title: `VPC ${name} exists with CIDR ${cidr}`,
    async run(ctx) {
      const found = await liveVpc(ctx, vpc);
      if ('result' in found) return found.result;
      const live = found.item;
      const what = named(live.Tags, live.VpcId);
      if (live.CidrBlock !== cidr) {
        return fail(
          `${what} has CIDR ${live.CidrBlock ?? '(none)'}, the config says ${cidr}`,
          `a VPC's CIDR cannot be changed: set network.${vpc}.cidr to ${live.CidrBlock ?? '?'} in the config, or delete ${live.VpcId ?? 'the VPC'} (\`aws-runbook down\`) and run \`aws-runbook up\` again`,
        );
      }
      if (live.State !== 'available') return fail(`${what} is ${live.State ?? 'in an unknown state'}`, `wait for ${live.VpcId ?? 'it'} to become available, then rerun verify`);
      return pass(`${what} ${cidr}, available`);
    },
  };
}

/**
 * DNS support and DNS hostnames on (the VPC step turns them on; a plan does not read them again once that
 * step is recorded done, so a change made by hand afterwards shows here, not in `plan`).
 */
function dnsCheck(config: Config, vpc: VpcKey): Check {
  const name = networkNames(config.suffix, vpc).vpc;
  return {
    id: `network.dns.${vpc}`,
    group: 'network',
    title: `DNS support and DNS hostnames on in ${name}`,
    async run(ctx) {
      const found = await liveVpc(ctx, vpc);
      if ('result' in found) return found.result;
      const vpcId = found.item.VpcId ?? '?';
      const what = named(found.item.Tags, vpcId);
      const dns = await ctx.live.vpcDnsAttributes(vpcId);
      // Support first: DNS hostnames need DNS support (one attribute per modify-vpc-attribute call).
      const off = [
        ...(dns.dnsSupport ? [] : [{ what: 'DNS support', fix: `aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-support Value=true` }]),
        ...(dns.dnsHostnames ? [] : [{ what: 'DNS hostnames', fix: `aws ec2 modify-vpc-attribute --vpc-id ${vpcId} --enable-dns-hostnames Value=true` }]),
      ];
      if (off.length > 0) {
        return fail(`${what} has ${off.map((o) => o.what).join(' and ')} off`, `turn ${off.length > 1 ? 'them' : 'it'} on: ${off.map((o) => o.fix).join(' && ')} (\`aws-runbook up\` does not read them again once the VPC's step is done)`);
      }
      return pass(`${what}: DNS support on, DNS hostnames on`);
    },
  };
}

/** Problems of one designed subnet against the live one ([] when it is as designed). */
function subnetProblems(subnet: Subnet, want: { cidr: string; zone: string; isPublic: boolean; vpcId?: string }): string[] {
  const problems: string[] = [];
  const what = named(subnet.Tags, subnet.SubnetId);
  if (want.vpcId && subnet.VpcId !== want.vpcId) problems.push(`${what} is in ${subnet.VpcId ?? '?'}, not in ${want.vpcId}`);
  if (subnet.CidrBlock !== want.cidr) problems.push(`${what} has CIDR ${subnet.CidrBlock ?? '(none)'}, wanted ${want.cidr}`);
  if (subnet.AvailabilityZone !== want.zone) problems.push(`${what} is in ${subnet.AvailabilityZone ?? '?'}, wanted ${want.zone}`);
  if ((subnet.MapPublicIpOnLaunch === true) !== want.isPublic) {
    problems.push(`${what} ${want.isPublic ? 'does not assign' : 'assigns'} public IPv4 addresses on launch`);
  }
  return problems;
}

function subnetsCheck(config: Config, vpc: VpcKey): Check {
  const net = config.network[vpc];
  const names = networkNames(config.suffix, vpc);
  const ids = networkStepIds(vpc);
  const designed = [
    { stepId: ids.subnetPublic, name: names.subnetPublic, cidr: net.public.cidr, az: net.public.az, isPublic: true },
    ...net.private.map((s, i) => ({ stepId: ids.subnetPrivate(i + 1), name: names.subnetPrivate(i + 1), cidr: s.cidr, az: s.az, isPublic: false })),
  ];
  return {
    id: `network.subnets.${vpc}`,
    group: 'network',
    title: `Subnets of ${names.vpc}: ${designed.map((d) => `${d.cidr} (AZ ${d.az})`).join(', ')}`,
    async run(ctx) {
      const [subnets, vpcFound] = await Promise.all([ctx.live.subnets(), liveVpc(ctx, vpc)]);
      const vpcId = 'item' in vpcFound ? vpcFound.item.VpcId : undefined;
      const problems: string[] = [];
      const seen: string[] = [];
      for (const d of designed) {
        const found = resolveStep(subnets, d.stepId, `subnet ${d.name}`, 'network', (s) => s.SubnetId);
        if ('result' in found) {
          problems.push(found.result.evidence);
          continue;
        }
        const zone = `${ctx.config.region}${d.az}`;
        const wrong = subnetProblems(found.item, { cidr: d.cidr, zone, isPublic: d.isPublic, ...(vpcId ? { vpcId } : {}) });
        problems.push(...wrong);
        if (wrong.length === 0) seen.push(`${named(found.item.Tags, found.item.SubnetId)} ${d.cidr} ${zone}`);
      }
      if (problems.length > 0) {
        return fail(
          problems.join('; '),
          `run \`aws-runbook up --only network\`: a missing subnet is recreated and the public IPv4 setting is fixed; a subnet's CIDR or AZ cannot change: delete that subnet (after what uses it) and rerun up`,
          seen,
        );
      }
      return pass(seen.join('; '));
    },
  };
}

function igwCheck(config: Config, vpc: VpcKey): Check {
  const names = networkNames(config.suffix, vpc);
  return {
    id: `network.igw.${vpc}`,
    group: 'network',
    title: `Internet gateway ${names.igw} attached to ${names.vpc}`,
    async run(ctx) {
      const [igws, vpcFound] = await Promise.all([ctx.live.internetGateways(), liveVpc(ctx, vpc)]);
      const found = resolveStep(igws, networkStepIds(vpc).igw, `internet gateway ${names.igw}`, 'network', (g) => g.InternetGatewayId);
      if ('result' in found) return found.result;
      const igw = found.item;
      const what = named(igw.Tags, igw.InternetGatewayId);
      if ('result' in vpcFound) return fail(`${what} exists but ${vpcFound.result.evidence}`, vpcFound.result.hint ?? '');
      const vpcId = vpcFound.item.VpcId;
      const attachment = igw.Attachments?.find((a) => a.VpcId === vpcId);
      if (!attachment || !['available', 'attached'].includes(attachment.State ?? '')) {
        const elsewhere = igw.Attachments?.map((a) => `${a.VpcId ?? '?'} (${a.State ?? '?'})`).join(', ');
        return fail(
          `${what} is not attached to ${names.vpc} (${vpcId ?? '?'})${elsewhere ? `; attachments: ${elsewhere}` : ''}`,
          `attach it: aws ec2 attach-internet-gateway --internet-gateway-id ${igw.InternetGatewayId ?? '?'} --vpc-id ${vpcId ?? '?'} (or run \`aws-runbook up --only network\`)`,
        );
      }
      return pass(`${what} attached to ${names.vpc} (${vpcId ?? '?'})`);
    },
  };
}

function natCheck(config: Config, vpc: NatVpc): Check {
  const names = natNames(config.suffix, vpc);
  const subnetName = networkNames(config.suffix, vpc).subnetPublic;
  return {
    id: `network.nat.${vpc}`,
    group: 'network',
    title: `NAT gateway ${names.natGateway} available in ${subnetName}`,
    async run(ctx) {
      const [nats, subnets] = await Promise.all([ctx.live.natGateways(), ctx.live.subnets()]);
      const found = resolveStep(nats, natStepIds(vpc).natGateway, `NAT gateway ${names.natGateway}`, 'network', (n) => n.NatGatewayId);
      if ('result' in found) return found.result;
      const nat = found.item;
      const what = named(nat.Tags, nat.NatGatewayId);
      const subnet = resolveStep(subnets, networkStepIds(vpc).subnetPublic, `subnet ${subnetName}`, 'network', (s) => s.SubnetId);
      const subnetId = 'item' in subnet ? subnet.item.SubnetId : undefined;
      const address = nat.NatGatewayAddresses?.find((a) => a.AllocationId);
      const problems = [
        ...(subnetId && nat.SubnetId !== subnetId ? [`${what} is in ${nat.SubnetId ?? '?'}, not in ${subnetName} (${subnetId})`] : []),
        ...(!address ? [`${what} has no Elastic IP`] : []),
      ];
      if (nat.State === 'pending') {
        return warn(`${what} is still pending`, 'a NAT gateway takes a few minutes to become available: rerun verify shortly');
      }
      if (nat.State !== 'available' || problems.length > 0) {
        const state = nat.State !== 'available' ? [`${what} is ${nat.State ?? 'in an unknown state'}${nat.FailureMessage ? ` (${nat.FailureMessage})` : ''}`] : [];
        return fail(
          [...state, ...problems].join('; '),
          `delete ${nat.NatGatewayId ?? 'it'} (aws ec2 delete-nat-gateway --nat-gateway-id ${nat.NatGatewayId ?? '?'}) and run \`aws-runbook up --only network\` to make a new one`,
        );
      }
      return pass(`${what} available in ${subnetName} (${nat.SubnetId ?? '?'}), Elastic IP ${address?.PublicIp ?? address?.AllocationId ?? '?'}`);
    },
  };
}

export function networkChecks(config: Config): Check[] {
  return [
    ...NETWORK_VPCS.map((vpc) => vpcCheck(config, vpc)),
    ...NETWORK_VPCS.map((vpc) => dnsCheck(config, vpc)),
    ...NETWORK_VPCS.map((vpc) => subnetsCheck(config, vpc)),
    ...NETWORK_VPCS.map((vpc) => igwCheck(config, vpc)),
    ...NAT_VPCS.map((vpc) => natCheck(config, vpc)),
    ...routeTableChecks(config),
    ...peeringChecks(config),
  ];
}
