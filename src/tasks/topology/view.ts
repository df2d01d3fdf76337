import type { Config, VpcKey } from '../../config/schema.js';
import type { HostName, Outputs } from '../../engine/types.js';
import { instanceSpecs } from '../compute/names.js';
import { DATABASE_STEP_IDS } from '../database/names.js';
import { publicAddressOf } from '../hosts/names.js';
import { natStepIds } from '../nat/names.js';
import { networkNames, networkStepIds, VPC_LABELS } from '../network/names.js';
import { PEER_VPCS, peeringName, peeringStepIds } from '../peering/names.js';
import { designReachabilityModel } from '../reachability/design-model.js';
import { vpcPairVerdicts } from '../reachability/format.js';
import type { PingMatrix } from '../reachability/model.js';
import { predictPingMatrix } from '../reachability/predict.js';

/**
 * The topology as a picture's data: the three VPCs with their subnets and CIDRs, the hosts in them with
 * their addresses, the gateways, the peerings and the ping matrix between the VPCs. Built offline from the
 * config and the state file (what is recorded exists, the rest is planned) or live from what AWS
 * describes (live-topology.ts). Pure data: `src/render/format-map.ts` draws it, the Map screen too.
 */

/** exists: recorded (offline) or described (live); planned: not built yet; missing: recorded, but AWS no longer has it. */
export type Presence = 'exists' | 'planned' | 'missing';

export interface TopologyHost {
  key: HostName;
  name: string;
  role: string;
  privateIp?: string;
  publicIp?: string;
  presence: Presence;
}

export interface TopologySubnet {
  name: string;
  cidr: string;
  /** The availability zone's letter. */
  az: string;
  kind: 'public' | 'private';
  presence: Presence;
  hosts: TopologyHost[];
  /** What else lives there: the NAT gateway, the database. */
  extras: { label: string; presence: Presence }[];
}

export interface TopologyVpc {
  key: VpcKey;
  label: string;
  name: string;
  cidr: string;
  presence: Presence;
  internetGateway: Presence;
  subnets: TopologySubnet[];
}

export interface TopologyPeering {
  name: string;
  between: [VpcKey, VpcKey];
  presence: Presence;
}

/** One cell of the VPC-level ping matrix: all host pairs of the two VPCs agree, or `mixed`. */
export interface TopologyPing {
  from: VpcKey;
  to: VpcKey;
  kind: 'ok' | 'blocked-by-sg' | 'no-route' | 'mixed';
}

export interface TopologyView {
  source: 'live' | 'offline';
  /** Why the picture is not live (offline asked, or AWS did not answer). */
  why?: string;
  project: string;
  region: string;
  vpcs: TopologyVpc[];
  peerings: TopologyPeering[];
  matrix: TopologyPing[];
  /** Where the matrix comes from: the live route tables and groups, or the design (nothing live to read). */
  matrixFrom: 'live' | 'design';
}

export const VPC_ORDER: readonly VpcKey[] = ['mvp', 'ia', 'cyber'];

/** What a topology is built from, besides the config: presence and outputs of steps, per step id. */
export interface TopologySource {
  presence(stepId: string): Presence;
  outputsOf(stepId: string): Outputs | undefined;
}

export function vpcMatrix(matrix: PingMatrix): TopologyPing[] {
  return vpcPairVerdicts(matrix).map((pair) => ({ from: pair.fromVpc as VpcKey, to: pair.toVpc as VpcKey, kind: pair.kind }));
}

/** The picture from the config and a source of presence and addresses (the state file, or AWS). */
export function buildTopology(config: Config, source: TopologySource, view: Pick<TopologyView, 'source' | 'project' | 'region' | 'why'>, matrix?: PingMatrix): TopologyView {
  // `matrix`: the live prediction; without it, the design's.
  const specs = instanceSpecs(config);
  const vpcs = VPC_ORDER.map((key): TopologyVpc => {
    const ids = networkStepIds(key);
    const names = networkNames(config.suffix, key);
    const net = config.network[key];
    const hostsIn = (subnetStepId: string): TopologyHost[] =>
      specs
        .filter((spec) => spec.subnetStepId === subnetStepId)
        .map((spec) => {
          const outputs = source.outputsOf(spec.id);
          const publicIp = spec.public ? publicAddressOf((id) => source.outputsOf(id), spec.key) : undefined;
          return {
            key: spec.key,
            name: spec.name,
            role: spec.role,
            ...(outputs?.['privateIp'] ? { privateIp: outputs['privateIp'] } : {}),
            ...(publicIp ? { publicIp } : {}),
            presence: source.presence(spec.id),
          };
        });
    const nat = key === 'mvp' ? [] : [{ label: 'NAT gateway', presence: source.presence(natStepIds(key).natGateway) }];
    const subnets: TopologySubnet[] = [
      { name: names.subnetPublic, cidr: net.public.cidr, az: net.public.az, kind: 'public', presence: source.presence(ids.subnetPublic), hosts: hostsIn(ids.subnetPublic), extras: nat },
      ...net.private.map((subnet, i): TopologySubnet => ({
        name: names.subnetPrivate(i + 1),
        cidr: subnet.cidr,
        az: subnet.az,
        kind: 'private',
        presence: source.presence(ids.subnetPrivate(i + 1)),
        hosts: hostsIn(ids.subnetPrivate(i + 1)),
        // RDS Multi-AZ spans the MVP private subnets (its subnet group holds them all): shown once.
        extras: key === 'mvp' && i === 0 ? [{ label: `RDS MariaDB, Multi-AZ over the ${net.private.length} private subnets`, presence: source.presence(DATABASE_STEP_IDS.instance) }] : [],
      })),
    ];
    return { key, label: VPC_LABELS[key], name: names.vpc, cidr: net.cidr, presence: source.presence(ids.vpc), internetGateway: source.presence(ids.igwAttachment), subnets };
  });
  const peerings = PEER_VPCS.map((peer): TopologyPeering => ({ name: peeringName(config.suffix, peer), between: ['cyber', peer], presence: source.presence(peeringStepIds.connection(peer)) }));
  return { ...view, vpcs, peerings, matrix: vpcMatrix(matrix ?? predictPingMatrix(designReachabilityModel(config))), matrixFrom: matrix ? 'live' : 'design' };
}

/** The offline picture: recorded steps exist, the others are planned; the matrix is the design's. */
export function offlineTopology(config: Config, state: { status(stepId: string): string | undefined; outputsOf(stepId: string): Outputs | undefined }, view: Pick<TopologyView, 'project' | 'region' | 'why'>): TopologyView {
  return buildTopology(config, { presence: (id) => (state.status(id) === 'done' ? 'exists' : 'planned'), outputsOf: (id) => state.outputsOf(id) }, { ...view, source: 'offline' });
}
