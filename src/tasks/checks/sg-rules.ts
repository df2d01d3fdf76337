import type { SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import { named } from './live-find.js';

/** Reading live security group rules for the checks (DescribeSecurityGroupRules answers). */

const TCP = new Set(['tcp', '6']);
const ALL = new Set(['-1', 'all']);

/** Whether the rule lets TCP `port` through: all traffic, or TCP with a range holding the port. */
export function coversTcpPort(rule: SecurityGroupRule, port: number): boolean {
  const protocol = (rule.IpProtocol ?? '').toLowerCase();
  if (ALL.has(protocol)) return true;
  if (!TCP.has(protocol)) return false;
  return (rule.FromPort ?? -1) <= port && port <= (rule.ToPort ?? -1);
}

/** From anywhere on the internet: 0.0.0.0/0 or ::/0. */
export function fromAnywhere(rule: SecurityGroupRule): boolean {
  return rule.CidrIpv4 === '0.0.0.0/0' || rule.CidrIpv6 === '::/0';
}

export const inbound = (rules: readonly SecurityGroupRule[], groupId?: string): SecurityGroupRule[] =>
  rules.filter((r) => r.IsEgress !== true && (groupId === undefined || r.GroupId === groupId));

export const ofGroup = (rules: readonly SecurityGroupRule[], groupId: string): SecurityGroupRule[] => rules.filter((r) => r.GroupId === groupId);

/** "SG-Web-BFHK (sg-0abc)" from the described groups. */
export function groupLabel(groups: readonly SecurityGroup[], groupId: string | undefined): string {
  const group = groups.find((g) => g.GroupId === groupId);
  if (!group) return groupId ?? '?';
  return group.GroupName === 'default' ? `the default group ${groupId ?? '?'} of ${group.VpcId ?? '?'}` : named(group.Tags, groupId, group.GroupName);
}

/** The CLI line revoking these rules of one group. */
export function revokeLine(groupId: string, rules: readonly SecurityGroupRule[]): string {
  const egress = rules.every((r) => r.IsEgress === true);
  const ids = rules.map((r) => r.SecurityGroupRuleId ?? '?').join(' ');
  return `aws ec2 revoke-security-group-${egress ? 'egress' : 'ingress'} --group-id ${groupId} --security-group-rule-ids ${ids}`;
}

/** Revoke lines for rules of possibly several groups and both directions. */
export function revokeLines(rules: readonly SecurityGroupRule[]): string[] {
  const byGroupAndDirection = new Map<string, SecurityGroupRule[]>();
  for (const rule of rules) {
    const key = `${rule.GroupId ?? '?'}|${rule.IsEgress === true ? 'egress' : 'ingress'}`;
    byGroupAndDirection.set(key, [...(byGroupAndDirection.get(key) ?? []), rule]);
  }
  return [...byGroupAndDirection.entries()].map(([key, list]) => revokeLine(key.split('|')[0] as string, list));
}
