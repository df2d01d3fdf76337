import type { Instance, IpPermission, RouteTable, SecurityGroup, Subnet, Vpc, VpcPeeringConnection } from '@aws-sdk/client-ec2';
import { TAG_STEP } from '../../../src/aws/tags.js';
import type { Config } from '../../../src/config/schema.js';
import { designReachabilityModel } from '../../../src/tasks/reachability/design-model.js';
import type { ModelRoute } from '../../../src/tasks/reachability/model.js';

/**
 * The design's network as EC2 describe answers would show it (ids made from the design's keys:
 * vpc-cyber, rtb-ia-private, sg-web, pcx-cyber-ia, i-gitlab), for checks that read a LiveInventory
 * without an emulator. Instances get the lab's private addresses.
 */

export const LAB_PRIVATE_IPS: Record<string, string> = { gitlab: '10.3.1.10', monitoring: '10.3.2.10', ia: '10.2.2.10', ecommerce: '10.1.1.10', wordpress: '10.1.1.11' };

export interface DescribedNetwork {
  vpcs: Vpc[];
  subnets: Subnet[];
  routeTables: RouteTable[];
  peerings: VpcPeeringConnection[];
  securityGroups: SecurityGroup[];
  instances: Instance[];
}

function awsRoute(route: ModelRoute) {
  const target = route.target;
  if (target === 'local') return { DestinationCidrBlock: route.destination, GatewayId: 'local' };
  if (target === 'igw') return { DestinationCidrBlock: route.destination, GatewayId: 'igw-0design' };
  if (target === 'nat') return { DestinationCidrBlock: route.destination, NatGatewayId: 'nat-0design' };
  return { DestinationCidrBlock: route.destination, VpcPeeringConnectionId: `pcx-${target.peering}` };
}

export function designAsDescribed(config: Config): DescribedNetwork {
  const model = designReachabilityModel(config);
  const name = (value: string | undefined) => (value ? [{ Key: 'Name', Value: value }] : []);
  return {
    vpcs: model.vpcs.map((v) => ({ VpcId: `vpc-${v.key}`, CidrBlock: v.cidr, Tags: [{ Key: TAG_STEP, Value: `network.${v.key}.vpc` }] })),
    subnets: model.subnets.map((s) => ({ SubnetId: `subnet-${s.key}`, VpcId: `vpc-${s.vpc}`, CidrBlock: s.cidr })),
    routeTables: model.routeTables.map((t) => ({
      RouteTableId: `rtb-${t.key}`,
      VpcId: `vpc-${t.vpc}`,
      Tags: name(t.name),
      Associations: model.subnets.filter((s) => s.routeTable === t.key).map((s) => ({ SubnetId: `subnet-${s.key}`, Main: false, AssociationState: { State: 'associated' as const } })),
      Routes: t.routes.map(awsRoute),
    })),
    peerings: model.peerings.map((p) => ({
      VpcPeeringConnectionId: `pcx-${p.key}`,
      Status: { Code: 'active' as const },
      RequesterVpcInfo: { VpcId: `vpc-${p.requester}` },
      AccepterVpcInfo: { VpcId: `vpc-${p.accepter}` },
      Tags: name(p.name),
    })),
    securityGroups: model.securityGroups.map((g) => ({
      GroupId: `sg-${g.key}`,
      GroupName: g.name,
      VpcId: `vpc-${g.vpc}`,
      IpPermissions: g.ingress.map(
        (rule): IpPermission => ({
          IpProtocol: rule.protocol,
          FromPort: rule.fromPort,
          ToPort: rule.toPort,
          ...(rule.source.kind === 'cidr' ? { IpRanges: [{ CidrIp: rule.source.cidr }] } : { UserIdGroupPairs: [{ GroupId: `sg-${rule.source.group}` }] }),
        }),
      ),
    })),
    instances: model.hosts.map((h) => ({
      InstanceId: `i-${h.name}`,
      InstanceType: 't3.micro',
      State: { Name: 'running' as const },
      SubnetId: `subnet-${h.subnet}`,
      SecurityGroups: h.securityGroups.map((g) => ({ GroupId: `sg-${g}` })),
      PrivateIpAddress: LAB_PRIVATE_IPS[h.name],
      Tags: [{ Key: TAG_STEP, Value: `compute.${h.name}` }],
    })),
  };
}

/** An object that answers as a LiveInventory does, from fixed describe answers. */
export function describedInventory(network: DescribedNetwork) {
  return {
    project: 'chk',
    vpcs: async () => network.vpcs,
    subnets: async () => network.subnets,
    routeTables: async () => network.routeTables,
    peerings: async () => network.peerings,
    securityGroups: async () => network.securityGroups,
    instances: async () => network.instances,
    internetGateways: async () => [],
    natGateways: async () => [],
  };
}
