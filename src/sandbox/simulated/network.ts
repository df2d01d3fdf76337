import ipaddr from 'ipaddr.js';
import type { Config, VpcKey } from '../../config/schema.js';
import { securityGroupRules, type IngressRule, type SecurityGroupDesign, type SecurityGroupKey } from '../../tasks/security/rules.js';

/**
 * Who may reach whom between the simulated hosts: DESIGN.md §5's network as the runbook builds it —
 * routes (each VPC to itself; Cyber↔MVP and Cyber↔IA peered; no MVP↔IA path) and the security groups'
 * inbound rules, read from the tool's own design (src/tasks/security/rules.ts), so the simulation drops
 * what those groups drop. The operator (this process) comes from the internet, from the admin CIDR.
 * Expected ping matrix: Cyber→IA ok, Cyber→MVP ok, IA→Cyber blocked, MVP→Cyber blocked, IA↔MVP no route.
 */

export type Protocol = { kind: 'tcp'; port: number } | { kind: 'icmp' };

/** `ok`: answered; `blocked`: a security group drops it (a timeout); `no-route`: no route table leads there. */
export type Reach = 'ok' | 'blocked' | 'no-route';

export interface Endpoint {
  address: string;
  /** `internet`: outside every VPC (the operator; a host reaching another's public address). */
  vpc: VpcKey | 'internet';
  group?: SecurityGroupKey;
}

const PEERED: ReadonlySet<string> = new Set(['cyber|mvp', 'mvp|cyber', 'cyber|ia', 'ia|cyber']);

function inCidr(address: string, cidr: string): boolean {
  try {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    const parsed = ipaddr.parse(address);
    return parsed.kind() === range.kind() && parsed.match(range, bits);
  } catch {
    return false;
  }
}

function matches(rule: IngressRule, source: Endpoint, protocol: Protocol): boolean {
  if (rule.protocol !== protocol.kind) return false;
  if (protocol.kind === 'tcp' && (protocol.port < rule.fromPort || protocol.port > rule.toPort)) return false;
  return rule.source.kind === 'cidr' ? inCidr(source.address, rule.source.cidr) : source.group === rule.source.group;
}

export class SimulatedNetwork {
  private readonly groups: Map<SecurityGroupKey, SecurityGroupDesign>;

  constructor(private readonly config: Config) {
    this.groups = new Map(securityGroupRules(config).map((group) => [group.key, group]));
  }

  /** Where the operator comes from: the admin CIDR's first address (none when it is not set). */
  get operator(): Endpoint | undefined {
    const cidr = this.config.access.adminCidr;
    return cidr ? { address: ipaddr.parseCIDR(cidr)[0].toString(), vpc: 'internet' } : undefined;
  }

  private routed(from: Endpoint['vpc'], to: Endpoint['vpc']): boolean {
    return from === 'internet' || from === to || PEERED.has(`${from}|${to}`);
  }

  reach(source: Endpoint, destination: Endpoint & { group: SecurityGroupKey }, protocol: Protocol): Reach {
    if (source.address === destination.address) return 'ok';
    if (!this.routed(source.vpc, destination.vpc)) return 'no-route';
    const rules = this.groups.get(destination.group)?.ingress ?? [];
    return rules.some((rule) => matches(rule, source, protocol)) ? 'ok' : 'blocked';
  }
}
