import { INTERNET, INTERNET_IFACE, NAT_GATEWAYS, NODES, ifaceToward, type LabNodeKey } from './topology.js';

/**
 * The security groups of docs/design.md#security-groups as the lab's router plays them: one table, turned into one
 * iptables-restore ruleset. Like AWS security groups, rules are ingress-only and stateful (return
 * traffic is allowed), egress is open, and what no rule allows is silently dropped.
 */

export type LabSecurityGroup = 'web' | 'rds' | 'cyber' | 'ia';

export const SECURITY_GROUP_MEMBERS: Record<LabSecurityGroup, LabNodeKey[]> = {
  web: ['ecommerce', 'wordpress'],
  rds: ['db'],
  cyber: ['gitlab', 'monitoring'],
  ia: ['ia'],
};

export type RuleSource = { cidr: string } | { group: LabSecurityGroup };

export interface LabIngressRule {
  group: LabSecurityGroup;
  protocol: 'tcp' | 'icmp';
  /** tcp only. */
  ports?: number[];
  from: RuleSource;
  why: string;
}

const ANYWHERE = { cidr: '0.0.0.0/0' };
const CYBER_PUBLIC = { cidr: '10.3.1.0/24' };
const CYBER_VPC = { cidr: '10.3.0.0/16' };
/** The monitoring host's subnet (Uptime Kuma's monitors start there). */
const CYBER_PRIVATE = { cidr: '10.3.2.0/24' };
const ADMIN = { cidr: INTERNET.adminCidr };
/** Rocket eCommerce's port: its nginx service publishes it (what the web security group opens). */
export const SHOP_PORT = 5085;

export const LAB_INGRESS: LabIngressRule[] = [
  { group: 'web', protocol: 'tcp', ports: [80, 443, SHOP_PORT], from: ANYWHERE, why: 'web: HTTP, HTTPS and the shop port from anywhere' },
  { group: 'web', protocol: 'tcp', ports: [22], from: CYBER_PUBLIC, why: 'web: SSH from the Cyber public subnet (the bastion)' },
  // §5's list for the web SG names no ICMP, yet its ping matrix wants Cyber→MVP to answer: the web SG
  // must allow ICMP from the Cyber VPC (src/tasks/security/rules.ts does), so the lab allows it too.
  { group: 'web', protocol: 'icmp', from: CYBER_VPC, why: 'web: ping from the Cyber VPC (ping matrix: Cyber→MVP ok)' },
  { group: 'rds', protocol: 'tcp', ports: [3306], from: { group: 'web' }, why: 'rds: MariaDB only from the web SG' },
  // No rule for Uptime Kuma's 3001: it is published on the monitoring host's loopback, reached by SSH tunnel.
  { group: 'cyber', protocol: 'tcp', ports: [22, 80, 443], from: ADMIN, why: 'cyber: SSH, HTTP(S) from the admin CIDR' },
  { group: 'cyber', protocol: 'tcp', ports: [80], from: CYBER_PRIVATE, why: 'cyber: GitLab HTTP from the Cyber private subnet (Uptime Kuma monitors)' },
  { group: 'cyber', protocol: 'tcp', ports: [22], from: CYBER_VPC, why: 'cyber: SSH from inside the Cyber VPC' },
  { group: 'cyber', protocol: 'icmp', from: CYBER_VPC, why: 'cyber: ping from inside the Cyber VPC' },
  { group: 'ia', protocol: 'tcp', ports: [22], from: CYBER_PUBLIC, why: 'ia: SSH from the Cyber public subnet (the bastion)' },
  { group: 'ia', protocol: 'icmp', from: CYBER_VPC, why: 'ia: ping from the Cyber VPC' },
];

function sourceCidrs(from: RuleSource): string[] {
  if ('cidr' in from) return [from.cidr];
  return SECURITY_GROUP_MEMBERS[from.group].map((key) => `${NODES[key].privateAddress}/32`);
}

const quote = (text: string) => `"${text.replaceAll('"', "'")}"`;

/** The FORWARD rules of one ingress rule, for every member of its group. */
function forwardRules(rule: LabIngressRule): string[] {
  const lines: string[] = [];
  for (const member of SECURITY_GROUP_MEMBERS[rule.group]) {
    const target = `-o ${ifaceToward(member)} -d ${NODES[member].privateAddress}/32`;
    for (const source of sourceCidrs(rule.from)) {
      const match = rule.protocol === 'icmp' ? ['-p icmp --icmp-type echo-request'] : (rule.ports ?? []).map((port) => `-p tcp --dport ${port}`);
      for (const m of match) lines.push(`-A FORWARD ${target} -s ${source} ${m} -m comment --comment ${quote(rule.why)} -j ACCEPT`);
    }
  }
  return lines;
}

/** The router's whole ruleset, in iptables-restore format. */
export function routerRuleset(): string {
  const publicNodes = Object.values(NODES).filter((node) => node.publicAddress !== undefined);
  const nat = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    // 1:1 NAT of public addresses (the IGW); only from the internet side, so no hairpin through it.
    ...publicNodes.map((node) => `-A PREROUTING -i ${INTERNET_IFACE} -d ${node.publicAddress}/32 -j DNAT --to-destination ${node.privateAddress}`),
    ...publicNodes.map((node) => `-A POSTROUTING -o ${INTERNET_IFACE} -s ${node.privateAddress}/32 -j SNAT --to-source ${node.publicAddress}`),
    ...NAT_GATEWAYS.map((gw) => `-A POSTROUTING -o ${INTERNET_IFACE} -s ${gw.privateSubnet} -j SNAT --to-source ${gw.publicAddress}`),
    'COMMIT',
  ];
  const egressSources = [...publicNodes.map((node) => `${node.privateAddress}/32`), ...NAT_GATEWAYS.map((gw) => gw.privateSubnet)];
  const filter = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD DROP [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    '-A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT',
    // From the internet, only what was addressed to a public address gets in (private addresses are not routed there).
    `-A FORWARD -i ${INTERNET_IFACE} -m conntrack ! --ctstate DNAT -j DROP`,
    // Egress to the internet: instances with a public address (IGW) and private subnets behind a NAT gateway.
    ...egressSources.map((source) => `-A FORWARD -o ${INTERNET_IFACE} -s ${source} -m comment --comment "egress to the internet" -j ACCEPT`),
    ...LAB_INGRESS.flatMap(forwardRules),
    'COMMIT',
  ];
  return [...nat, ...filter, ''].join('\n');
}
