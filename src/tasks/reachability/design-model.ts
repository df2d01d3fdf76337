import type { Config, VpcKey } from '../../config/schema.js';
import { networkNames } from '../network/names.js';
import { PEER_VPCS, peeringName } from '../peering/names.js';
import { securityGroupRules, type SecurityGroupKey } from '../security/rules.js';
import type { ModelHost, ModelPeering, ModelRoute, ModelRouteTable, ModelSubnet, ReachabilityModel } from './model.js';

/** The hosts of docs/design.md#compute: where each instance goes and which group it wears. */
export const PLANNED_HOSTS: readonly { name: string; vpc: VpcKey; subnet: 'public' | 'private-1'; securityGroup: SecurityGroupKey }[] = [
  { name: 'gitlab', vpc: 'cyber', subnet: 'public', securityGroup: 'cyber' },
  { name: 'monitoring', vpc: 'cyber', subnet: 'private-1', securityGroup: 'cyber' },
  { name: 'ia', vpc: 'ia', subnet: 'private-1', securityGroup: 'ia' },
  { name: 'ecommerce', vpc: 'mvp', subnet: 'public', securityGroup: 'web' },
  { name: 'wordpress', vpc: 'mvp', subnet: 'public', securityGroup: 'web' },
];

const VPC_KEYS: readonly VpcKey[] = ['cyber', 'ia', 'mvp'];
/** The VPCs with a NAT gateway: their private tables send 0.0.0.0/0 there. */
const WITH_NAT: readonly VpcKey[] = ['ia', 'cyber'];

/** Cyber↔MVP and Cyber↔IA, requested by Cyber and accepted; no MVP↔IA (peering is not transitive). */
export function designPeerings(config: Config): ModelPeering[] {
  return PEER_VPCS.map((peer) => ({ key: `cyber-${peer}`, name: peeringName(config.suffix, peer), requester: 'cyber', accepter: peer, active: true }));
}

/** The model of the designed network: route tables as the network and peering sections build them, groups from the security table. */
export function designReachabilityModel(config: Config): ReachabilityModel {
  const peerings = designPeerings(config);
  const peerRoutes = (vpc: VpcKey): ModelRoute[] =>
    peerings.flatMap((p) => {
      const other = p.requester === vpc ? p.accepter : p.accepter === vpc ? p.requester : undefined;
      return other ? [{ destination: config.network[other as VpcKey].cidr, target: { peering: p.key } }] : [];
    });

  const routeTables: ModelRouteTable[] = VPC_KEYS.flatMap((vpc) => {
    const names = networkNames(config.suffix, vpc);
    const local: ModelRoute = { destination: config.network[vpc].cidr, target: 'local' };
    return [
      { key: `${vpc}-public`, vpc, name: names.rtPublic, routes: [local, { destination: '0.0.0.0/0', target: 'igw' }, ...peerRoutes(vpc)] },
      {
        key: `${vpc}-private`,
        vpc,
        name: names.rtPrivate,
        routes: [local, ...(WITH_NAT.includes(vpc) ? [{ destination: '0.0.0.0/0', target: 'nat' as const }] : []), ...peerRoutes(vpc)],
      },
    ];
  });

  const subnets: ModelSubnet[] = VPC_KEYS.flatMap((vpc) => [
    { key: `${vpc}-public`, vpc, cidr: config.network[vpc].public.cidr, routeTable: `${vpc}-public` },
    ...config.network[vpc].private.map((s, i) => ({ key: `${vpc}-private-${i + 1}`, vpc, cidr: s.cidr, routeTable: `${vpc}-private` })),
  ]);

  const hosts: ModelHost[] = PLANNED_HOSTS.map((h) => ({ name: h.name, subnet: `${h.vpc}-${h.subnet}`, securityGroups: [h.securityGroup] }));

  return {
    vpcs: VPC_KEYS.map((key) => ({ key, cidr: config.network[key].cidr })),
    subnets,
    routeTables,
    peerings,
    securityGroups: securityGroupRules(config).map((g) => ({ key: g.key, vpc: g.vpc, name: g.name, ingress: g.ingress })),
    hosts,
  };
}
