import type { EC2Client, SecurityGroup, Subnet, Tag } from '@aws-sdk/client-ec2';
import { TAG_STEP, tagValue } from '../../aws/tags.js';
import type { Config } from '../../config/schema.js';
import type { Outputs } from '../../engine/types.js';
import type { LiveInventory } from '../checks/inventory.js';
import { elasticIpStepIds, hasElasticIp } from '../compute/names.js';
import { DATABASE_STEP_IDS, databaseNames } from '../database/names.js';
import { PLANNED_HOSTS } from '../reachability/design-model.js';
import { liveReachabilityModel, loadLiveNetwork } from '../reachability/live-model.js';
import type { ReachabilityModel } from '../reachability/model.js';
import { networkStepIds } from '../network/names.js';
import { securityGroupStepIds } from '../security/rules.js';
import { predictPingMatrix } from '../reachability/predict.js';
import { buildTopology, type Presence, type TopologyView } from './view.js';

/**
 * The topology as AWS describes it now: every resource of the project found by its aws-runbook:step tag
 * (one describe per kind, the checklist's LiveInventory), the instances' current addresses, and the ping
 * matrix predicted from the LIVE route tables, peerings and security groups. A step the state records
 * as done whose resource AWS no longer has is `missing`; one neither recorded nor found is `planned`.
 */
export async function liveTopology(
  config: Config,
  live: LiveInventory,
  ec2: EC2Client,
  recorded: (stepId: string) => string | undefined,
  view: Pick<TopologyView, 'project' | 'region'>,
  signal?: AbortSignal,
): Promise<TopologyView> {
  const [vpcs, subnets, igws, nats, peerings, instances, database] = await Promise.all([
    live.vpcs(),
    live.subnets(),
    live.internetGateways(),
    live.natGateways(),
    live.peerings(),
    live.instances(),
    live.dbInstance(databaseNames(config).instance),
  ]);
  const found = new Map<string, Outputs>();
  const mark = (tags: readonly Tag[] | undefined, outputs: Outputs = {}) => {
    const step = tagValue(tags as Tag[] | undefined, TAG_STEP);
    if (step) found.set(step, outputs);
  };
  for (const vpc of vpcs) mark(vpc.Tags);
  for (const subnet of subnets) mark(subnet.Tags);
  // The attachment is what makes a gateway count: an internet gateway left detached carries no traffic.
  for (const igw of igws) {
    const step = tagValue(igw.Tags, TAG_STEP);
    if (step && (igw.Attachments ?? []).some((a) => a.State === 'attached' || String(a.State) === 'available')) found.set(step.replace(/\.igw$/, '.igw-attachment'), {});
  }
  for (const nat of nats) if (nat.State === 'available' || nat.State === 'pending') mark(nat.Tags);
  for (const peering of peerings) if (peering.Status?.Code === 'active') mark(peering.Tags);
  for (const instance of instances) {
    if (instance.State?.Name === 'terminated' || instance.State?.Name === 'shutting-down') continue;
    const step = tagValue(instance.Tags, TAG_STEP);
    if (!step) continue;
    found.set(step, { ...(instance.PrivateIpAddress ? { privateIp: instance.PrivateIpAddress } : {}) });
    // The address it answers on now: its Elastic IP's once associated, the launch one otherwise.
    const host = step.replace(/^compute\./, '');
    if (instance.PublicIpAddress) {
      if (hasElasticIp(host)) found.set(elasticIpStepIds(host).association, { publicIp: instance.PublicIpAddress });
      else found.set(step, { ...found.get(step), publicIp: instance.PublicIpAddress });
    }
  }
  if (database && database.DBInstanceStatus !== 'deleting') found.set(DATABASE_STEP_IDS.instance, {});

  const presence = (stepId: string): Presence => (found.has(stepId) ? 'exists' : recorded(stepId) === 'done' ? 'missing' : 'planned');
  const network = await loadLiveNetwork(live, ec2, signal);
  const model = withPlannedHosts(liveReachabilityModel(network), network.subnets, network.securityGroups);
  const matrix = predictPingMatrix(model);
  return buildTopology(config, { presence, outputsOf: (id) => found.get(id) }, { ...view, source: 'live' }, matrix.cells.length > 0 ? matrix : undefined);
}

/**
 * A host not launched yet stands in its designed subnet with its designed group, as AWS has them now, so
 * the matrix of a network built without its instances still comes from the live route tables and groups.
 */
function withPlannedHosts(model: ReachabilityModel, subnets: readonly Subnet[], groups: readonly SecurityGroup[]): ReachabilityModel {
  const byStep = <T extends { Tags?: Tag[] }>(items: readonly T[], step: string) => items.find((item) => tagValue(item.Tags, TAG_STEP) === step);
  const hosts = [...model.hosts];
  for (const host of PLANNED_HOSTS) {
    if (hosts.some((h) => h.name === host.name)) continue;
    const ids = networkStepIds(host.vpc);
    const subnet = byStep(subnets, host.subnet === 'public' ? ids.subnetPublic : ids.subnetPrivate(1));
    const group = byStep(groups, securityGroupStepIds(host.securityGroup).group);
    if (!subnet?.SubnetId || !model.subnets.some((s) => s.key === subnet.SubnetId)) continue;
    hosts.push({ name: host.name, subnet: subnet.SubnetId, securityGroups: group?.GroupId ? [group.GroupId] : [] });
  }
  return { ...model, hosts };
}
