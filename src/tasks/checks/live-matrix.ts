import { containsBlock, parseIpv4Cidr, type Ipv4Block } from '../../config/cidr.js';
import type { Config } from '../../config/schema.js';
import { designReachabilityModel } from '../reachability/design-model.js';
import { verdictText } from '../reachability/format.js';
import { liveReachabilityModel, loadLiveNetwork } from '../reachability/live-model.js';
import type { ModelHost, ModelIngressRule, ModelRoute, ModelRouteTable, PingCell, PingMatrix, ReachabilityModel } from '../reachability/model.js';
import { predictPingMatrix } from '../reachability/predict.js';
import type { LiveInventory } from './inventory.js';
import type { CheckContext } from './types.js';

/**
 * The ping matrix predicted from the LIVE route tables and security groups, built once per verify run
 * (keyed by the run's LiveInventory) and shared by the connectivity checks; the design's matrix; and
 * what a prediction rests on (the routes and the rule), for hints.
 */

export interface LiveMatrix {
  model: ReachabilityModel;
  predicted: PingMatrix;
}

const built = new WeakMap<LiveInventory, Promise<LiveMatrix>>();

export function liveMatrix(ctx: CheckContext): Promise<LiveMatrix> {
  let found = built.get(ctx.live);
  if (!found) {
    // No check's own signal here: the result is shared, and the inventory's describes carry the run's.
    found = loadLiveNetwork(ctx.live, ctx.aws.ec2).then((network) => {
      const model = liveReachabilityModel(network);
      return { model, predicted: predictPingMatrix(model) };
    });
    built.set(ctx.live, found);
  }
  return found;
}

export function designMatrix(config: Config): PingMatrix {
  return predictPingMatrix(designReachabilityModel(config));
}

export const cellKey = (cell: Pick<PingCell, 'from' | 'to'>) => `${cell.from}→${cell.to}`;

/** "ok", "blocked", "no route": a verdict kind as the checklist says it. */
export function kindText(kind: PingCell['verdict']['kind']): string {
  return kind === 'ok' ? 'ok' : kind === 'blocked-by-sg' ? 'blocked' : 'no route';
}

function block(text: string): Ipv4Block | undefined {
  return parseIpv4Cidr(text.includes('/') ? text : `${text}/32`);
}

function bestRoute(table: ModelRouteTable, destination: Ipv4Block): ModelRoute | undefined {
  let best: { route: ModelRoute; prefix: number } | undefined;
  for (const route of table.routes) {
    const routeBlock = block(route.destination);
    if (!routeBlock || !containsBlock(routeBlock, destination)) continue;
    if (!best || routeBlock.prefix > best.prefix) best = { route, prefix: routeBlock.prefix };
  }
  return best?.route;
}

function routeLine(model: ReachabilityModel, from: ModelHost, to: ModelHost): string | undefined {
  const subnetOf = (host: ModelHost) => model.subnets.find((s) => s.key === host.subnet);
  const fromSubnet = subnetOf(from);
  const toSubnet = subnetOf(to);
  const table = model.routeTables.find((t) => t.key === fromSubnet?.routeTable);
  const destination = block(to.ip ?? toSubnet?.cidr ?? '');
  if (!table || !destination) return undefined;
  const route = bestRoute(table, destination);
  if (!route) return undefined;
  const target = route.target;
  const via =
    typeof target === 'object' ? (model.peerings.find((p) => p.key === target.peering)?.name ?? target.peering) : target === 'igw' ? 'internet gateway' : target === 'nat' ? 'NAT gateway' : 'local';
  return `${table.name ?? table.key}: ${route.destination} → ${via}`;
}

const carriesIcmp = (rule: ModelIngressRule) => rule.protocol === 'icmp' || rule.protocol === '-1' || rule.protocol === '1';

function admittingRules(model: ReachabilityModel, from: ModelHost, to: ModelHost): string[] {
  const source = block(from.ip ?? model.subnets.find((s) => s.key === from.subnet)?.cidr ?? '');
  const groupName = (key: string) => model.securityGroups.find((g) => g.key === key)?.name ?? key;
  const admits = (rule: ModelIngressRule): boolean => {
    if (!carriesIcmp(rule)) return false;
    if (rule.source.kind === 'group') return from.securityGroups.includes(rule.source.group);
    const ruleBlock = block(rule.source.cidr);
    return Boolean(source && ruleBlock && containsBlock(ruleBlock, source));
  };
  return to.securityGroups.flatMap((key) =>
    (model.securityGroups.find((g) => g.key === key)?.ingress ?? []).filter(admits).map((rule) => {
      const what = rule.protocol === '-1' ? 'all traffic' : 'ICMP';
      return `${groupName(key)}: ${what} from ${rule.source.kind === 'cidr' ? rule.source.cidr : groupName(rule.source.group)}`;
    }),
  );
}

/**
 * What the prediction for one cell rests on: for "ok", the route there, the route back and the rule
 * letting ICMP in; otherwise the table or groups its verdict names.
 */
export function predictionBasis(model: ReachabilityModel, cell: PingCell): string[] {
  if (cell.verdict.kind !== 'ok') return [verdictText(cell.verdict)];
  const from = model.hosts.find((h) => h.name === cell.from);
  const to = model.hosts.find((h) => h.name === cell.to);
  if (!from || !to) return [];
  return [routeLine(model, from, to), routeLine(model, to, from), ...admittingRules(model, from, to)].filter((line): line is string => Boolean(line));
}
