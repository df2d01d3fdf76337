import { inNs, ipBatch, run } from './netns.js';
import { routerRuleset } from './security-groups.js';
import {
  INTERNET,
  INTERNET_IFACE,
  NODE_IFACE,
  NODES,
  NODE_KEYS,
  UNPEERED,
  VPC_CIDRS,
  ifaceToward,
  type LabNames,
  type NodeSpec,
} from './topology.js';

/**
 * The lab's wiring. Every node gets its own veth to the router (not a shared bridge per subnet), so
 * every packet between two instances crosses the router's FORWARD chain: security groups apply per
 * instance, even inside one subnet, as in AWS. The router answers ARP for a node's subnet neighbours
 * (proxy_arp), so a node still sees an ordinary /24. There is no uplink: nothing leaves the lab.
 */

/** Every namespace of a lab, the router's first (the others' links hang off it). */
export function namespacesOf(names: LabNames): string[] {
  return [names.ns('router'), names.ns('operator'), ...NODE_KEYS.map((key) => names.ns(key))];
}

function nodeSetup(node: NodeSpec): string[] {
  const prefix = node.subnet.split('/')[1];
  return [
    'link set lo up',
    `addr add ${node.privateAddress}/${prefix} dev ${NODE_IFACE}`,
    `link set ${NODE_IFACE} up`,
    `route add default via ${node.gateway} dev ${NODE_IFACE}`,
  ];
}

function routerSetup(): string[] {
  const lines = ['link set lo up', `addr add ${INTERNET.router}/24 dev ${INTERNET_IFACE}`, `link set ${INTERNET_IFACE} up`];
  for (const node of Object.values(NODES)) {
    const iface = ifaceToward(node.key);
    lines.push(`addr add ${node.gateway}/32 dev ${iface}`, `link set ${iface} up`, `route add ${node.privateAddress}/32 dev ${iface} src ${node.gateway}`);
  }
  // Peering plays out as routes: VPCs that are not peered have no route to each other.
  for (const [a, b] of UNPEERED) {
    lines.push(`rule add from ${VPC_CIDRS[a]} to ${VPC_CIDRS[b]} unreachable pref 100`, `rule add from ${VPC_CIDRS[b]} to ${VPC_CIDRS[a]} unreachable pref 100`);
  }
  return lines;
}

export async function buildNetwork(names: LabNames): Promise<void> {
  const router = names.ns('router');
  const operator = names.ns('operator');
  await Promise.all(namespacesOf(names).map((ns) => run('ip', ['netns', 'add', ns])));
  // Each veth is created with both ends already in their namespaces, so its names never meet the root
  // namespace's (or a parallel lab's).
  await ipBatch([
    `link add ${NODE_IFACE} netns ${operator} type veth peer name ${INTERNET_IFACE} netns ${router}`,
    ...NODE_KEYS.map((key) => `link add ${NODE_IFACE} netns ${names.ns(key)} type veth peer name ${ifaceToward(key)} netns ${router}`),
  ]);
  const sysctls = [
    'net.ipv4.ip_forward=1',
    // The ping matrix sends several "unreachable" answers at once: no rate limit on them.
    'net.ipv4.icmp_ratelimit=0',
    ...NODE_KEYS.map((key) => `net.ipv4.conf.${ifaceToward(key)}.proxy_arp=1`),
    // Proxied ARP answers are otherwise delayed up to 0.8 s at random: enough to fail a ping -W1.
    ...NODE_KEYS.map((key) => `net.ipv4.neigh.${ifaceToward(key)}.proxy_delay=0`),
  ];
  await Promise.all([
    ipBatch(routerSetup(), router).then(() => inNs(router, 'sysctl', ['-q', '-w', ...sysctls])),
    run('ip', ['netns', 'exec', router, 'iptables-restore'], routerRuleset()),
    // The operator: only the public range is routed, via the router. No default route: no way out.
    ipBatch(['link set lo up', `addr add ${INTERNET.operator}/24 dev ${NODE_IFACE}`, `link set ${NODE_IFACE} up`, `route add ${INTERNET.publicRange} via ${INTERNET.router}`], operator),
    ...NODE_KEYS.map((key) =>
      ipBatch(nodeSetup(NODES[key]), names.ns(key)).then(() =>
        // Containers publish low ports (80) whoever runs the docker stand-in, as dockerd (root) would.
        inNs(names.ns(key), 'sysctl', ['-q', '-w', 'net.ipv4.ip_unprivileged_port_start=0']),
      ),
    ),
  ]);
}
