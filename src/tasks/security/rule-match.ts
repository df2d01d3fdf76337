import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { ALL_ICMP, type IngressRule } from './rules.js';

/**
 * Wanted rules (the table) against live rules (DescribeSecurityGroupRules): what is there, what is
 * missing, and what is there that the table does not have. Rules compare like AWS compares them for
 * `InvalidPermission.Duplicate`: protocol, ports and source; the description does not count.
 */

/** A table rule with its group reference resolved to an id (undefined while that group is unknown). */
export interface ResolvedRule {
  rule: IngressRule;
  sourceGroupId?: string;
  /** Name of the referenced group, for texts. */
  sourceGroupName?: string;
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', all: '-1' };

function protocolName(protocol: string | undefined): string {
  const p = (protocol ?? '-1').toLowerCase();
  return PROTOCOL_NAMES[p] ?? p;
}

/** The ports part of a rule's text: " 22", " 1000-2000", " (all types)", "" for all traffic. */
function portsText(protocol: string, fromPort: number, toPort: number): string {
  if (protocol === '-1') return '';
  if (protocol === 'icmp') return fromPort === ALL_ICMP ? ' (all types)' : ` type ${fromPort}${toPort === ALL_ICMP ? '' : ` code ${toPort}`}`;
  return fromPort === toPort ? ` ${fromPort}` : ` ${fromPort}-${toPort}`;
}

function protocolText(protocol: string): string {
  return protocol === '-1' ? 'all traffic' : protocol === 'icmp' ? 'ICMP' : protocol;
}

function keyOf(protocol: string, fromPort: number, toPort: number, source: string): string {
  const ports = protocol === '-1' ? '' : `${fromPort}:${toPort}`;
  return `${protocol}|${ports}|${source}`;
}

function liveSource(rule: SecurityGroupRule): string {
  if (rule.CidrIpv4) return `cidr:${rule.CidrIpv4}`;
  if (rule.ReferencedGroupInfo?.GroupId) return `group:${rule.ReferencedGroupInfo.GroupId}`;
  if (rule.CidrIpv6) return `cidr6:${rule.CidrIpv6}`;
  if (rule.PrefixListId) return `prefix-list:${rule.PrefixListId}`;
  return 'unknown';
}

export function liveRuleKey(rule: SecurityGroupRule): string {
  return keyOf(protocolName(rule.IpProtocol), rule.FromPort ?? ALL_ICMP, rule.ToPort ?? ALL_ICMP, liveSource(rule));
}

/** Undefined while the referenced group's id is not known: such a rule cannot be there yet. */
export function wantedRuleKey(resolved: ResolvedRule): string | undefined {
  const { rule } = resolved;
  if (rule.source.kind === 'group') {
    return resolved.sourceGroupId ? keyOf(rule.protocol, rule.fromPort, rule.toPort, `group:${resolved.sourceGroupId}`) : undefined;
  }
  return keyOf(rule.protocol, rule.fromPort, rule.toPort, `cidr:${rule.source.cidr}`);
}

/** "tcp 22 from 0.0.0.0/0 (sgr-0abc)" */
export function liveRuleText(rule: SecurityGroupRule): string {
  const protocol = protocolName(rule.IpProtocol);
  const from = liveSource(rule).replace(/^(cidr6?|group|prefix-list):/, '');
  const id = rule.SecurityGroupRuleId ? ` (${rule.SecurityGroupRuleId})` : '';
  return `${protocolText(protocol)}${portsText(protocol, rule.FromPort ?? ALL_ICMP, rule.ToPort ?? ALL_ICMP)} from ${from}${id}`;
}

/** "inbound tcp 22 from 0.0.0.0/0 (sgr-0abc)", "outbound all traffic to 0.0.0.0/0 (sgr-0def)" */
export function directedRuleText(rule: SecurityGroupRule): string {
  const text = liveRuleText(rule);
  return rule.IsEgress === true ? `outbound ${text.replace(' from ', ' to ')}` : `inbound ${text}`;
}

/** "tcp 22 from 10.3.1.0/24", "ICMP (all types) from 10.3.0.0/16", "tcp 3306 from SG-Web-BFHK" */
export function wantedRuleText(resolved: ResolvedRule): string {
  const { rule } = resolved;
  const from = rule.source.kind === 'cidr' ? rule.source.cidr : (resolved.sourceGroupName ?? rule.source.group);
  return `${protocolText(rule.protocol)}${portsText(rule.protocol, rule.fromPort, rule.toPort)} from ${from}`;
}

export interface RuleComparison {
  /** In table order. */
  matched: { wanted: ResolvedRule; live: SecurityGroupRule }[];
  missing: ResolvedRule[];
  /** Live rules the table does not have (added by hand, or from an old config). */
  extra: SecurityGroupRule[];
}

export function compareRules(wanted: readonly ResolvedRule[], live: readonly SecurityGroupRule[]): RuleComparison {
  const liveByKey = new Map<string, SecurityGroupRule>();
  for (const rule of live) if (!liveByKey.has(liveRuleKey(rule))) liveByKey.set(liveRuleKey(rule), rule);
  const wantedKeys = new Set<string>();
  const comparison: RuleComparison = { matched: [], missing: [], extra: [] };
  for (const resolved of wanted) {
    const key = wantedRuleKey(resolved);
    if (key !== undefined && wantedKeys.has(key)) continue;
    if (key !== undefined) wantedKeys.add(key);
    const match = key === undefined ? undefined : liveByKey.get(key);
    if (match) comparison.matched.push({ wanted: resolved, live: match });
    else comparison.missing.push(resolved);
  }
  comparison.extra = live.filter((rule) => !wantedKeys.has(liveRuleKey(rule)));
  return comparison;
}
