import { containsBlock, parseIpv4Cidr, type Ipv4Block } from '../../config/cidr.js';
import type {
  ModelHost,
  ModelIngressRule,
  ModelRoute,
  ModelRouteTable,
  ModelSecurityGroup,
  ModelSubnet,
  ModelTraffic,
  PingCell,
  PingMatrix,
  PingVerdict,
  ReachabilityModel,
} from './model.js';

/**
 * The ping matrix predicted from route tables and security groups alone (docs/design.md#ping-matrix): a route
 * there, a route back, and ICMP allowed in by the target's groups. Egress and network ACLs are
 * AWS's defaults (allow all) and not modelled; security groups are stateful, so the reply passes.
 * The same verdict holds for a TCP connection (`reachVerdict`): what the simulated hosts of a
 * `--sandbox` rehearsal use, so their pings answer what this model predicts from the cloud.
 */

export const ICMP_ECHO: ModelTraffic = { kind: 'icmp' };

function block(text: string, what: string): Ipv4Block {
  const parsed = parseIpv4Cidr(text);
  if (!parsed) throw new Error(`reachability model: ${what} ${JSON.stringify(text)} is not an IPv4 CIDR`);
  return parsed;
}

class Lookup {
  constructor(private readonly model: ReachabilityModel) {}

  subnet(host: ModelHost): ModelSubnet {
    const subnet = this.model.subnets.find((s) => s.key === host.subnet);
    if (!subnet) throw new Error(`reachability model: host ${host.name} is in unknown subnet ${host.subnet}`);
    return subnet;
  }

  table(subnet: ModelSubnet): ModelRouteTable {
    const table = this.model.routeTables.find((t) => t.key === subnet.routeTable);
    if (!table) throw new Error(`reachability model: subnet ${subnet.key} uses unknown route table ${subnet.routeTable}`);
    return table;
  }

  vpcCidr(vpc: string): string {
    const found = this.model.vpcs.find((v) => v.key === vpc);
    if (!found) throw new Error(`reachability model: unknown VPC ${vpc}`);
    return found.cidr;
  }

  /** The address a host pings from / is pinged at: its IP, or its whole subnet. */
  address(host: ModelHost): Ipv4Block {
    return host.ip ? block(`${host.ip}/32`, `host ${host.name} ip`) : block(this.subnet(host).cidr, `subnet ${host.subnet} cidr`);
  }

  groups(host: ModelHost): ModelSecurityGroup[] {
    return host.securityGroups.map((key) => {
      const group = this.model.securityGroups.find((g) => g.key === key);
      if (!group) throw new Error(`reachability model: host ${host.name} uses unknown security group ${key}`);
      return group;
    });
  }

  groupName(key: string): string {
    return this.model.securityGroups.find((g) => g.key === key)?.name ?? key;
  }

  peeringName(key: string): string {
    return this.model.peerings.find((p) => p.key === key)?.name ?? key;
  }
}

/** Longest prefix match of the table's routes covering the whole destination block. */
function bestRoute(table: ModelRouteTable, destination: Ipv4Block): ModelRoute | undefined {
  let best: { route: ModelRoute; prefix: number } | undefined;
  for (const route of table.routes) {
    const routeBlock = block(route.destination, `route in ${table.key}`);
    if (!containsBlock(routeBlock, destination)) continue;
    if (!best || routeBlock.prefix > best.prefix) best = { route, prefix: routeBlock.prefix };
  }
  return best?.route;
}

/** Why the route from `from` to `to` does not work, or undefined when it does. */
function routeProblem(look: Lookup, model: ReachabilityModel, from: ModelHost, to: ModelHost): { table: string; destination: string; reason: string } | undefined {
  const fromSubnet = look.subnet(from);
  const toSubnet = look.subnet(to);
  const table = look.table(fromSubnet);
  const tableName = table.name ?? table.key;
  const destination = look.vpcCidr(toSubnet.vpc);
  const noRoute = { table: tableName, destination, reason: `${tableName} has no route to ${destination}` };
  const route = bestRoute(table, look.address(to));
  const target = route?.target;
  if (!route || target === undefined || target === 'igw' || target === 'nat') return noRoute;
  if (target === 'local') return fromSubnet.vpc === toSubnet.vpc ? undefined : noRoute;
  const peering = model.peerings.find((p) => p.key === target.peering);
  const via = `${tableName} sends ${route.destination} to ${look.peeringName(target.peering)}`;
  if (!peering) return { table: tableName, destination, reason: `${via}, which does not exist` };
  const ends = [peering.requester, peering.accepter];
  if (!ends.includes(fromSubnet.vpc) || !ends.includes(toSubnet.vpc) || fromSubnet.vpc === toSubnet.vpc) {
    return { table: tableName, destination, reason: `${via}, which does not connect ${fromSubnet.vpc} and ${toSubnet.vpc}` };
  }
  if (!peering.active) return { table: tableName, destination, reason: `${via}, which is not active` };
  return undefined;
}

/** Whether a rule's protocol and ports let this traffic in (protocol '-1': all traffic; ports -1: all). */
function carries(rule: ModelIngressRule, traffic: ModelTraffic): boolean {
  if (rule.protocol === '-1') return true;
  if (traffic.kind === 'icmp') return rule.protocol === 'icmp' || rule.protocol === '1';
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  return rule.fromPort === -1 || (traffic.port >= rule.fromPort && traffic.port <= rule.toPort);
}

function trafficText(traffic: ModelTraffic): string {
  return traffic.kind === 'icmp' ? 'ICMP' : `TCP ${traffic.port}`;
}

function admits(rule: ModelIngressRule, source: Ipv4Block, sourceGroups: readonly string[], traffic: ModelTraffic): boolean {
  if (!carries(rule, traffic)) return false;
  if (rule.source.kind === 'group') return sourceGroups.includes(rule.source.group);
  return containsBlock(block(rule.source.cidr, 'rule cidr'), source);
}

function sgVerdict(look: Lookup, from: ModelHost, to: ModelHost, traffic: ModelTraffic): PingVerdict {
  const groups = look.groups(to);
  const source = look.address(from);
  if (groups.some((g) => g.ingress.some((rule) => admits(rule, source, from.securityGroups, traffic)))) return { kind: 'ok' };
  const sources = [
    ...new Set(groups.flatMap((g) => g.ingress.filter((r) => carries(r, traffic)).map((r) => (r.source.kind === 'cidr' ? r.source.cidr : look.groupName(r.source.group))))),
  ];
  const what = trafficText(traffic);
  return {
    kind: 'blocked-by-sg',
    securityGroups: groups.map((g) => g.name ?? g.key),
    reason: sources.length > 0 ? `${what} only from ${sources.join(', ')}` : `no ${what} rule`,
  };
}

/** Whether `from` reaches `to` with this traffic: a route there, a route back, and a rule of `to`'s groups letting it in. */
export function reachVerdict(model: ReachabilityModel, from: ModelHost, to: ModelHost, traffic: ModelTraffic): PingVerdict {
  const look = new Lookup(model);
  const there = routeProblem(look, model, from, to);
  if (there) return { kind: 'no-route', direction: 'there', routeTable: there.table, destination: there.destination, reason: there.reason };
  const back = routeProblem(look, model, to, from);
  if (back) return { kind: 'no-route', direction: 'back', routeTable: back.table, destination: back.destination, reason: back.reason };
  return sgVerdict(look, from, to, traffic);
}

export function pingVerdict(model: ReachabilityModel, from: ModelHost, to: ModelHost): PingVerdict {
  return reachVerdict(model, from, to, ICMP_ECHO);
}

/** The route a host's subnet table uses for an address (longest prefix), for traffic leaving the VPCs' own ranges. */
export function routeFrom(model: ReachabilityModel, host: ModelHost, address: string): ModelRoute | undefined {
  const look = new Lookup(model);
  return bestRoute(look.table(look.subnet(host)), block(`${address}/32`, 'address'));
}

/** Whether one of a host's groups lets traffic in from an address outside every group (the internet). */
export function admitsFromAddress(model: ReachabilityModel, host: ModelHost, address: string, traffic: ModelTraffic): boolean {
  const source = block(`${address}/32`, 'address');
  return new Lookup(model).groups(host).some((g) => g.ingress.some((rule) => admits(rule, source, [], traffic)));
}

/** Ordered pairs: every pair of hosts in different VPCs, then the first two hosts of each VPC both ways. */
function pairs(model: ReachabilityModel): [ModelHost, ModelHost][] {
  const look = new Lookup(model);
  const vpcOf = (host: ModelHost) => look.subnet(host).vpc;
  const across = model.hosts.flatMap((a) => model.hosts.filter((b) => vpcOf(a) !== vpcOf(b)).map((b): [ModelHost, ModelHost] => [a, b]));
  const within = model.vpcs.flatMap((vpc) => {
    const [first, second] = model.hosts.filter((h) => vpcOf(h) === vpc.key);
    return first && second ? ([[first, second], [second, first]] as [ModelHost, ModelHost][]) : [];
  });
  return [...across, ...within];
}

export function predictPingMatrix(model: ReachabilityModel): PingMatrix {
  const look = new Lookup(model);
  const cells: PingCell[] = pairs(model).map(([from, to]) => ({
    from: from.name,
    to: to.name,
    fromVpc: look.subnet(from).vpc,
    toVpc: look.subnet(to).vpc,
    verdict: pingVerdict(model, from, to),
  }));
  return { cells };
}
