/**
 * The lab's hosts and addresses: the instances and the RDS database of docs/design.md#what-gets-built, each in its
 * subnet, as data. Everything else (links, routes, filters, sshd) is built from this table.
 */

/** The five EC2 instances, by the key the tool's compute steps use (`compute.<key>`). */
export const SSH_HOST_KEYS = ['gitlab', 'ecommerce', 'wordpress', 'monitoring', 'ia'] as const;
export type LabHostKey = (typeof SSH_HOST_KEYS)[number];
/** The instances plus `db`, the MariaDB server that plays RDS (no SSH, like RDS). */
export type LabNodeKey = LabHostKey | 'db';
export const NODE_KEYS: readonly LabNodeKey[] = [...SSH_HOST_KEYS, 'db'];

export type VpcKey = 'mvp' | 'ia' | 'cyber';

export interface NodeSpec {
  key: LabNodeKey;
  vpc: VpcKey;
  subnet: string;
  /** The router's address in that subnet (AWS's x.x.x.1), the node's default gateway. */
  gateway: string;
  privateAddress: string;
  /** 1:1 NAT on the router, as AWS does for an instance's public IPv4 address. */
  publicAddress?: string;
  /** The name a fresh EC2 Ubuntu instance has (and prints in its console output). */
  hostname: string;
}

const hostnameOf = (address: string) => `ip-${address.replaceAll('.', '-')}`;

function node(key: LabNodeKey, vpc: VpcKey, subnet: string, privateAddress: string, publicAddress?: string): NodeSpec {
  const gateway = subnet.replace(/\.0\/24$/, '.1');
  return { key, vpc, subnet, gateway, privateAddress, publicAddress, hostname: hostnameOf(privateAddress) };
}

export const NODES: Record<LabNodeKey, NodeSpec> = {
  ecommerce: node('ecommerce', 'mvp', '10.1.1.0/24', '10.1.1.10', '198.51.100.11'),
  wordpress: node('wordpress', 'mvp', '10.1.1.0/24', '10.1.1.11', '198.51.100.12'),
  db: node('db', 'mvp', '10.1.2.0/24', '10.1.2.10'),
  gitlab: node('gitlab', 'cyber', '10.3.1.0/24', '10.3.1.10', '198.51.100.10'),
  monitoring: node('monitoring', 'cyber', '10.3.2.0/24', '10.3.2.10'),
  ia: node('ia', 'ia', '10.2.2.0/24', '10.2.2.10'),
};

export const VPC_CIDRS: Record<VpcKey, string> = { mvp: '10.1.0.0/16', ia: '10.2.0.0/16', cyber: '10.3.0.0/16' };

/**
 * The "internet" segment between the operator and the router (the IGWs). TEST-NET-3 for the operator,
 * TEST-NET-2 for the public addresses: documentation ranges, never routed anywhere real.
 */
export const INTERNET = {
  subnet: '203.0.113.0/24',
  router: '203.0.113.1',
  operator: '203.0.113.7',
  /** The admin CIDR the sandbox rehearsal fills in: the operator's own address. */
  adminCidr: '203.0.113.7/32',
  publicRange: '198.51.100.0/24',
} as const;

/**
 * The NAT gateways of docs/design.md#network (IA and Cyber have one each, MVP none): private subnets of those VPCs
 * reach the internet segment from these addresses.
 */
export const NAT_GATEWAYS: { vpc: VpcKey; privateSubnet: string; publicAddress: string }[] = [
  { vpc: 'cyber', privateSubnet: '10.3.2.0/24', publicAddress: '198.51.100.20' },
  { vpc: 'ia', privateSubnet: '10.2.2.0/24', publicAddress: '198.51.100.21' },
];

/**
 * VPC pairs with no path between them (no peering; peering is not transitive). The router answers
 * "network unreachable" for these, so a test can tell "no route" from "blocked by a security group".
 */
export const UNPEERED: [VpcKey, VpcKey][] = [['mvp', 'ia']];

/** Names of one lab run: unique per process and per lab, so parallel test files never collide. */
export interface LabNames {
  prefix: string;
  ns(role: LabNodeKey | 'operator' | 'router'): string;
}

export const LAB_NAME_PATTERN = /^rblab(\d+)x(\d+)-/;
let counter = 0;

export function newLabNames(): LabNames {
  counter += 1;
  const prefix = `rblab${process.pid}x${counter}`;
  return { prefix, ns: (role) => `${prefix}-${role === 'operator' ? 'op' : role === 'router' ? 'rt' : role}` };
}

/** Interface names live inside one namespace each, so they only need to be unique there (max 15 chars). */
export const ifaceToward = (key: LabNodeKey) => `h-${key}`;
export const INTERNET_IFACE = 'inet';
export const NODE_IFACE = 'eth0';
