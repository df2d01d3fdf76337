import {
  DescribeRouteTablesCommand,
  type EC2Client,
  type Instance,
  type IpPermission,
  type Route,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import { allPages, sendOptions } from '../../aws/paging.js';
import { TAG_STEP, tagValue } from '../../aws/tags.js';
import { PLANNED_HOSTS } from './design-model.js';
import type { ModelHost, ModelIngressRule, ModelPeering, ModelRoute, ModelRouteTable, ModelSecurityGroup, ModelSubnet, ReachabilityModel } from './model.js';

/**
 * The reachability model of the LIVE network: what AWS describes (VPCs, subnets, route tables with
 * their associations, peerings, security groups, instances), so `predictPingMatrix` gives the matrix
 * the live route tables and groups allow. Keys follow the design model where the aws-runbook:step
 * tag says what a resource is (VPC `cyber`, host `gitlab`), so the two matrices compare cell by cell;
 * anything else is keyed by its AWS id. Names shown in verdicts carry the id: "RouteIAPriv-S (rtb-…)".
 */

/** What the model is built from: plain describe answers. */
export interface LiveNetwork {
  vpcs: readonly Vpc[];
  subnets: readonly Subnet[];
  /** The project's route tables, plus each VPC's main table when a subnet has no explicit association. */
  routeTables: readonly RouteTable[];
  peerings: readonly VpcPeeringConnection[];
  securityGroups: readonly SecurityGroup[];
  instances: readonly Instance[];
}

/** What `loadLiveNetwork` reads: LiveInventory fits (each kind described once per verify run). */
export interface LiveNetworkSource {
  vpcs(): Promise<Vpc[]>;
  subnets(): Promise<Subnet[]>;
  routeTables(): Promise<RouteTable[]>;
  peerings(): Promise<VpcPeeringConnection[]>;
  securityGroups(): Promise<SecurityGroup[]>;
  instances(): Promise<Instance[]>;
}

const VPC_STEP = /^network\.([a-z0-9-]+)\.vpc$/;
const INSTANCE_STEP = /^compute\.([a-z0-9-]+)$/;

/** "Name (id)", or the id alone. */
function shown(name: string | undefined, id: string): string {
  return name && name !== id ? `${name} (${id})` : id;
}

function mainTableOf(tables: readonly RouteTable[], vpcId: string): RouteTable | undefined {
  return tables.find((t) => t.VpcId === vpcId && (t.Associations ?? []).some((a) => a.Main));
}

function explicitTableOf(tables: readonly RouteTable[], subnetId: string): RouteTable | undefined {
  return tables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnetId && a.AssociationState?.State !== 'disassociated'));
}

/**
 * The live network for the model. The main route table AWS makes with each VPC is not ours (untagged),
 * so it is described here, by VPC, only when some subnet has no table of its own: it is the one that
 * subnet uses.
 */
export async function loadLiveNetwork(source: LiveNetworkSource, ec2: EC2Client, signal?: AbortSignal): Promise<LiveNetwork> {
  const [vpcs, subnets, routeTables, peerings, securityGroups, instances] = await Promise.all([
    source.vpcs(),
    source.subnets(),
    source.routeTables(),
    source.peerings(),
    source.securityGroups(),
    source.instances(),
  ]);
  const vpcsWithoutTable = [
    ...new Set(subnets.filter((s) => s.SubnetId && !explicitTableOf(routeTables, s.SubnetId)).flatMap((s) => (s.VpcId && !mainTableOf(routeTables, s.VpcId) ? [s.VpcId] : []))),
  ];
  const mainTables =
    vpcsWithoutTable.length === 0
      ? []
      : await allPages(async (NextToken) => {
          const out = await ec2.send(
            new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: vpcsWithoutTable }, { Name: 'association.main', Values: ['true'] }], NextToken }),
            sendOptions(signal),
          );
          return { items: out.RouteTables ?? [], nextToken: out.NextToken };
        });
  const known = new Set(routeTables.map((t) => t.RouteTableId));
  return { vpcs, subnets, routeTables: [...routeTables, ...mainTables.filter((t) => !known.has(t.RouteTableId))], peerings, securityGroups, instances };
}

function modelRoute(route: Route): ModelRoute | undefined {
  const destination = route.DestinationCidrBlock;
  if (!destination) return undefined; // IPv6 or a prefix list: pings here are IPv4
  if (route.GatewayId === 'local') return { destination, target: 'local' };
  if (route.VpcPeeringConnectionId) return { destination, target: { peering: route.VpcPeeringConnectionId } };
  if (route.NatGatewayId) return { destination, target: 'nat' };
  if (route.GatewayId?.startsWith('igw-')) return { destination, target: 'igw' };
  // A transit or virtual private gateway, an instance or an interface: not modelled; it carries no
  // traffic between our VPCs as designed, so the prediction treats the destination as unrouted.
  return undefined;
}

/** One model rule per source of a permission (security groups are keyed by their id). */
function ingressRules(permission: IpPermission): ModelIngressRule[] {
  const protocol = permission.IpProtocol ?? '-1';
  const fromPort = permission.FromPort ?? -1;
  const toPort = permission.ToPort ?? -1;
  return [
    ...(permission.IpRanges ?? []).flatMap((r) => (r.CidrIp ? [{ protocol, fromPort, toPort, source: { kind: 'cidr' as const, cidr: r.CidrIp } }] : [])),
    ...(permission.UserIdGroupPairs ?? []).flatMap((p) => (p.GroupId ? [{ protocol, fromPort, toPort, source: { kind: 'group' as const, group: p.GroupId } }] : [])),
  ];
}

/** A VPC's key in the model: what its aws-runbook:step tag names (`cyber`), else its id. */
export function liveVpcKey(vpc: Pick<Vpc, 'VpcId' | 'Tags'>): string | undefined {
  return VPC_STEP.exec(tagValue(vpc.Tags, TAG_STEP) ?? '')?.[1] ?? vpc.VpcId;
}

/** The model of what AWS describes. Pure. Hosts whose subnet is not among the described ones are left out. */
export function liveReachabilityModel(live: LiveNetwork): ReachabilityModel {
  const vpcKey = new Map(live.vpcs.flatMap((v) => (v.VpcId ? [[v.VpcId, liveVpcKey(v) ?? v.VpcId] as const] : [])));
  const keyOfVpc = (id: string | undefined) => (id ? (vpcKey.get(id) ?? id) : 'unknown');

  const routeTables: ModelRouteTable[] = live.routeTables.flatMap((t) =>
    t.RouteTableId
      ? [
          {
            key: t.RouteTableId,
            vpc: keyOfVpc(t.VpcId),
            name: shown(tagValue(t.Tags, 'Name') ?? ((t.Associations ?? []).some((a) => a.Main) ? 'main route table' : undefined), t.RouteTableId),
            routes: (t.Routes ?? []).flatMap((r) => modelRoute(r) ?? []),
          },
        ]
      : [],
  );

  const subnets: ModelSubnet[] = live.subnets.flatMap((s) => {
    if (!s.SubnetId || !s.CidrBlock || !s.VpcId || !vpcKey.has(s.VpcId)) return [];
    const table = explicitTableOf(live.routeTables, s.SubnetId) ?? mainTableOf(live.routeTables, s.VpcId);
    return table?.RouteTableId ? [{ key: s.SubnetId, vpc: keyOfVpc(s.VpcId), cidr: s.CidrBlock, routeTable: table.RouteTableId }] : [];
  });

  const peerings: ModelPeering[] = live.peerings.flatMap((p) =>
    p.VpcPeeringConnectionId
      ? [
          {
            key: p.VpcPeeringConnectionId,
            name: shown(tagValue(p.Tags, 'Name'), p.VpcPeeringConnectionId),
            requester: keyOfVpc(p.RequesterVpcInfo?.VpcId),
            accepter: keyOfVpc(p.AccepterVpcInfo?.VpcId),
            active: p.Status?.Code === 'active',
          },
        ]
      : [],
  );

  const securityGroups: ModelSecurityGroup[] = live.securityGroups.flatMap((g) =>
    g.GroupId ? [{ key: g.GroupId, vpc: keyOfVpc(g.VpcId), name: shown(g.GroupName, g.GroupId), ingress: (g.IpPermissions ?? []).flatMap(ingressRules) }] : [],
  );

  const subnetIds = new Set(subnets.map((s) => s.key));
  const groupIds = new Set(securityGroups.map((g) => g.key));
  const hosts: ModelHost[] = live.instances.flatMap((i): ModelHost[] => {
    if (!i.InstanceId || !i.SubnetId || !subnetIds.has(i.SubnetId)) return [];
    const name = INSTANCE_STEP.exec(tagValue(i.Tags, TAG_STEP) ?? '')?.[1] ?? i.InstanceId;
    return [
      {
        name,
        subnet: i.SubnetId,
        securityGroups: (i.SecurityGroups ?? []).flatMap((g) => (g.GroupId && groupIds.has(g.GroupId) ? [g.GroupId] : [])),
        ...(i.PrivateIpAddress ? { ip: i.PrivateIpAddress } : {}),
      },
    ];
  });

  // The design's order (gitlab, monitoring, ia, ecommerce, wordpress), whatever order AWS answered in.
  const rank = (name: string) => {
    const at = PLANNED_HOSTS.findIndex((h) => h.name === name);
    return at < 0 ? PLANNED_HOSTS.length : at;
  };
  hosts.sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));

  return {
    vpcs: live.vpcs.flatMap((v) => (v.VpcId && v.CidrBlock ? [{ key: keyOfVpc(v.VpcId), cidr: v.CidrBlock }] : [])),
    subnets,
    routeTables,
    peerings,
    securityGroups,
    hosts,
  };
}
