import type { Route, RouteTable } from '@aws-sdk/client-ec2';
import { blocksOverlap, parseIpv4Cidr } from '../../config/cidr.js';
import type { Config, VpcKey } from '../../config/schema.js';
import type { SectionId } from '../../engine/types.js';
import { natNames, natStepIds } from '../nat/names.js';
import { networkNames, networkStepIds } from '../network/names.js';
import { livePeeringsBetween } from '../peering/describe.js';
import { PEER_VPCS, peeringName, peeringStepIds, type PeerVpc } from '../peering/names.js';
import { designReachabilityModel } from '../reachability/design-model.js';
import type { ModelRoute, ModelRouteTable, ReachabilityModel } from '../reachability/model.js';
import { liveVpc, named, oneOf, resolveStep } from './live-find.js';
import { fail, pass, skip, warn, type Check, type CheckContext } from './types.js';

/** Route tables (from the design model), the two peerings, and the absence of any MVP↔IA path. */

/** What a designed route must point at, resolved against what AWS holds. */
interface WantedTarget {
  label: string;
  id: string | undefined;
  field: 'GatewayId' | 'NatGatewayId' | 'VpcPeeringConnectionId';
  flag: string;
  section: SectionId;
}

function peerOfKey(key: string): PeerVpc {
  const peer = PEER_VPCS.find((p) => `cyber-${p}` === key);
  if (!peer) throw new Error(`design model: unknown peering ${key}`);
  return peer;
}

async function resolveTarget(ctx: CheckContext, vpc: VpcKey, route: ModelRoute): Promise<WantedTarget> {
  const { target } = route;
  if (target === 'igw') {
    const igw = oneOf(await ctx.live.internetGateways(), networkStepIds(vpc).igw);
    return { label: networkNames(ctx.config.suffix, vpc).igw, id: igw?.InternetGatewayId, field: 'GatewayId', flag: '--gateway-id', section: 'network' };
  }
  if (target === 'nat') {
    const natVpc = vpc === 'mvp' ? undefined : vpc;
    const nat = natVpc ? oneOf(await ctx.live.natGateways(), natStepIds(natVpc).natGateway) : undefined;
    return { label: natVpc ? natNames(ctx.config.suffix, natVpc).natGateway : 'a NAT gateway', id: nat?.NatGatewayId, field: 'NatGatewayId', flag: '--nat-gateway-id', section: 'network' };
  }
  if (target === 'local') throw new Error('local routes are not checked');
  const peer = peerOfKey(target.peering);
  const peering = oneOf(await ctx.live.peerings(), peeringStepIds.connection(peer));
  return { label: peeringName(ctx.config.suffix, peer), id: peering?.VpcPeeringConnectionId, field: 'VpcPeeringConnectionId', flag: '--vpc-peering-connection-id', section: 'peering' };
}

/** Where a live route goes: igw-..., nat-..., pcx-..., ... */
export function routeTarget(route: Route): string {
  return route.GatewayId ?? route.NatGatewayId ?? route.VpcPeeringConnectionId ?? route.TransitGatewayId ?? route.NetworkInterfaceId ?? route.InstanceId ?? '?';
}

const isLocal = (route: Route) => route.GatewayId === 'local';
const destinationOf = (route: Route) => route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? route.DestinationPrefixListId ?? '?';

function subnetStepId(vpc: VpcKey, subnetKey: string): string {
  const ids = networkStepIds(vpc);
  if (subnetKey === `${vpc}-public`) return ids.subnetPublic;
  return ids.subnetPrivate(Number(subnetKey.slice(`${vpc}-private-`.length)));
}

function routeTableCheck(config: Config, table: ModelRouteTable, model: ReachabilityModel): Check {
  const vpc = table.vpc as VpcKey;
  const isPublic = table.key === `${vpc}-public`;
  const ids = networkStepIds(vpc);
  const stepId = isPublic ? ids.rtPublic : ids.rtPrivate;
  const name = table.name ?? stepId;
  const wanted = table.routes.filter((r) => r.target !== 'local');
  const subnetKeys = model.subnets.filter((s) => s.routeTable === table.key).map((s) => s.key);
  const targetText = (r: ModelRoute) =>
    r.target === 'igw' ? networkNames(config.suffix, vpc).igw : r.target === 'nat' ? 'NAT' : r.target === 'local' ? 'local' : peeringName(config.suffix, peerOfKey(r.target.peering));
  return {
    id: `network.routes.${table.key}`,
    group: 'network',
    title: `Route table ${name}: ${wanted.map((r) => `${r.destination} → ${targetText(r)}`).join(', ') || 'local only'}`,
    async run(ctx) {
      const [tables, subnets] = await Promise.all([ctx.live.routeTables(), ctx.live.subnets()]);
      const found = resolveStep(tables, stepId, `route table ${name}`, 'network', (t) => t.RouteTableId);
      if ('result' in found) return found.result;
      const rt = found.item;
      const rtId = rt.RouteTableId ?? '?';
      const problems: string[] = [];
      const fixes: string[] = [];
      const sections = new Set<SectionId>();
      const seen: string[] = [];
      for (const route of wanted) {
        const want = await resolveTarget(ctx, vpc, route);
        const live = rt.Routes?.find((r) => r.DestinationCidrBlock === route.destination);
        const wrong = (text: string, fix: string) => {
          problems.push(text);
          fixes.push(fix);
          sections.add(want.section);
        };
        if (!want.id) wrong(`${route.destination} → ${want.label}: ${want.label} is missing`, `\`aws-runbook up --only ${want.section}\` recreates ${want.label}`);
        else if (!live) wrong(`no route ${route.destination} → ${want.label} (${want.id})`, `aws ec2 create-route --route-table-id ${rtId} --destination-cidr-block ${route.destination} ${want.flag} ${want.id}`);
        else if (live[want.field] !== want.id) {
          wrong(`${route.destination} goes to ${routeTarget(live)}, not to ${want.label} (${want.id})`, `aws ec2 replace-route --route-table-id ${rtId} --destination-cidr-block ${route.destination} ${want.flag} ${want.id}`);
        } else if (live.State === 'blackhole') wrong(`${route.destination} → ${want.id} is a blackhole (its target is gone)`, `\`aws-runbook up --only ${want.section}\``);
        else seen.push(`${route.destination} → ${want.id}`);
      }
      for (const key of subnetKeys) {
        const subnet = oneOf(subnets, subnetStepId(vpc, key));
        if (subnet && !rt.Associations?.some((a) => a.SubnetId === subnet.SubnetId)) {
          problems.push(`${named(subnet.Tags, subnet.SubnetId)} is not associated with ${name}`);
          fixes.push(`\`aws-runbook up --only network\` associates it`);
          sections.add('network');
        }
      }
      if (problems.length > 0) {
        return fail(`${named(rt.Tags, rtId)}: ${problems.join('; ')}`, `run \`aws-runbook up --only ${[...sections].join(',')}\`, or: ${fixes.join('; ')}`, seen);
      }
      const destinations = new Set(wanted.map((r) => r.destination));
      const extra = (rt.Routes ?? []).filter((r) => !isLocal(r) && !destinations.has(r.DestinationCidrBlock ?? ''));
      const evidence = `${named(rt.Tags, rtId)}: ${seen.join(', ') || 'local only'}`;
      if (extra.length > 0) {
        const lines = extra.map((r) => `${destinationOf(r)} → ${routeTarget(r)}`);
        return warn(`${evidence}; also routes not in the design: ${lines.join(', ')}`, `if they are not wanted: ${extra.map((r) => `aws ec2 delete-route --route-table-id ${rtId} --destination-cidr-block ${destinationOf(r)}`).join('; ')}`);
      }
      return pass(evidence);
    },
  };
}

export function routeTableChecks(config: Config): Check[] {
  const model = designReachabilityModel(config);
  const order: readonly VpcKey[] = ['mvp', 'ia', 'cyber'];
  const tables = [...model.routeTables].sort((a, b) => order.indexOf(a.vpc as VpcKey) - order.indexOf(b.vpc as VpcKey));
  return tables.map((table) => routeTableCheck(config, table, model));
}

function peeringCheck(config: Config, peer: PeerVpc): Check {
  const name = peeringName(config.suffix, peer);
  const cyberName = networkNames(config.suffix, 'cyber').vpc;
  const peerName = networkNames(config.suffix, peer).vpc;
  return {
    id: `network.peering.cyber-${peer}`,
    group: 'network',
    title: `Peering ${name} active (requester ${cyberName}, accepter ${peerName})`,
    async run(ctx) {
      const [peerings, cyber, other] = await Promise.all([ctx.live.peerings(), liveVpc(ctx, 'cyber'), liveVpc(ctx, peer)]);
      const found = resolveStep(peerings, peeringStepIds.connection(peer), `peering ${name}`, 'peering', (p) => p.VpcPeeringConnectionId);
      if ('result' in found) return found.result;
      const p = found.item;
      const id = p.VpcPeeringConnectionId ?? '?';
      const problems: string[] = [];
      const cyberId = 'item' in cyber ? cyber.item.VpcId : undefined;
      const peerId = 'item' in other ? other.item.VpcId : undefined;
      if (cyberId && p.RequesterVpcInfo?.VpcId !== cyberId) problems.push(`its requester is ${p.RequesterVpcInfo?.VpcId ?? '?'}, not ${cyberName} (${cyberId})`);
      if (peerId && p.AccepterVpcInfo?.VpcId !== peerId) problems.push(`its accepter is ${p.AccepterVpcInfo?.VpcId ?? '?'}, not ${peerName} (${peerId})`);
      const status = p.Status?.Code ?? 'unknown';
      if (status === 'pending-acceptance') {
        return fail(`${name} (${id}) is pending acceptance`, `accept it: aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id ${id} (or run \`aws-runbook up --only peering\`)`);
      }
      if (status !== 'active') problems.unshift(`it is ${status}${p.Status?.Message ? ` (${p.Status.Message})` : ''}`);
      if (problems.length > 0) {
        return fail(`${name} (${id}): ${problems.join('; ')}`, `delete it (aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id ${id}) and run \`aws-runbook up --only peering\``);
      }
      return pass(`${name} (${id}) active: ${p.RequesterVpcInfo?.VpcId ?? '?'} ${p.RequesterVpcInfo?.CidrBlock ?? ''} ↔ ${p.AccepterVpcInfo?.VpcId ?? '?'} ${p.AccepterVpcInfo?.CidrBlock ?? ''}`.replace(/ +/g, ' '));
    },
  };
}

/** Routes of a VPC's tables (main table included) towards another VPC's CIDR; the default route does not count. */
function routesTowards(tables: readonly RouteTable[], vpcId: string, cidr: string): string[] {
  const other = parseIpv4Cidr(cidr);
  if (!other) return [];
  return tables
    .filter((t) => t.VpcId === vpcId)
    .flatMap((t) =>
      (t.Routes ?? []).flatMap((r) => {
        const destination = r.DestinationCidrBlock ? parseIpv4Cidr(r.DestinationCidrBlock) : undefined;
        if (!destination || destination.prefix === 0 || isLocal(r) || !blocksOverlap(destination, other)) return [];
        return [`${named(t.Tags, t.RouteTableId)} routes ${r.DestinationCidrBlock ?? '?'} → ${routeTarget(r)} (aws ec2 delete-route --route-table-id ${t.RouteTableId ?? '?'} --destination-cidr-block ${r.DestinationCidrBlock ?? '?'})`];
      }),
    );
}

function noMvpIaPathCheck(config: Config): Check {
  const mvpName = networkNames(config.suffix, 'mvp').vpc;
  const iaName = networkNames(config.suffix, 'ia').vpc;
  return {
    id: 'network.no-mvp-ia-path',
    group: 'network',
    title: `No peering and no route between ${mvpName} and ${iaName} (peering is not transitive)`,
    async run(ctx) {
      const [mvp, ia] = await Promise.all([liveVpc(ctx, 'mvp'), liveVpc(ctx, 'ia')]);
      if ('result' in mvp || 'result' in ia) {
        const missing = [mvp, ia].flatMap((v) => ('result' in v ? [v.result.evidence] : []));
        return skip(`cannot be checked: ${missing.join('; ')}`, 'see the network.vpc checks');
      }
      const mvpId = mvp.item.VpcId ?? '?';
      const iaId = ia.item.VpcId ?? '?';
      const [peerings, tables] = await Promise.all([livePeeringsBetween(ctx.aws.ec2, mvpId, iaId, ctx.signal), ctx.live.vpcRouteTables()]);
      const problems = [
        ...peerings.map((p) => `peering ${named(p.Tags, p.VpcPeeringConnectionId)} joins them (${p.Status?.Code ?? '?'})`),
        ...routesTowards(tables, mvpId, ia.item.CidrBlock ?? config.network.ia.cidr),
        ...routesTowards(tables, iaId, mvp.item.CidrBlock ?? config.network.mvp.cidr),
      ];
      if (problems.length > 0) {
        const fixes = peerings.map((p) => `aws ec2 delete-vpc-peering-connection --vpc-peering-connection-id ${p.VpcPeeringConnectionId ?? '?'}`);
        return fail(problems.join('; '), `the design keeps MVP and IA apart: remove ${fixes.length > 0 ? `the peering (${fixes.join('; ')}) and ` : ''}the routes named above`);
      }
      return pass(`no peering and no route between ${mvpName} (${mvpId}) and ${iaName} (${iaId}), main route tables included`);
    },
  };
}

export function peeringChecks(config: Config): Check[] {
  return [...PEER_VPCS.map((peer) => peeringCheck(config, peer)), noMvpIaPathCheck(config)];
}
