import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { coversTcpPort, fromAnywhere, revokeLines } from '../../../src/tasks/checks/sg-rules.js';

const rule = (fields: Partial<SecurityGroupRule>): SecurityGroupRule => ({ GroupId: 'sg-1', IsEgress: false, SecurityGroupRuleId: 'sgr-1', ...fields });

describe('reading live security group rules', () => {
  it('a rule lets a TCP port through when it is all traffic or a TCP range holding it', () => {
    expect(coversTcpPort(rule({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22 }), 22)).toBe(true);
    expect(coversTcpPort(rule({ IpProtocol: 'tcp', FromPort: 0, ToPort: 65535 }), 3306)).toBe(true);
    expect(coversTcpPort(rule({ IpProtocol: '6', FromPort: 3000, ToPort: 3400 }), 3306)).toBe(true);
    expect(coversTcpPort(rule({ IpProtocol: '-1', FromPort: -1, ToPort: -1 }), 22)).toBe(true);
    expect(coversTcpPort(rule({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }), 22)).toBe(false);
    expect(coversTcpPort(rule({ IpProtocol: 'udp', FromPort: 0, ToPort: 65535 }), 22)).toBe(false);
    expect(coversTcpPort(rule({ IpProtocol: 'icmp', FromPort: -1, ToPort: -1 }), 22)).toBe(false);
  });

  it('anywhere is 0.0.0.0/0 or ::/0, not a narrower range', () => {
    expect(fromAnywhere(rule({ CidrIpv4: '0.0.0.0/0' }))).toBe(true);
    expect(fromAnywhere(rule({ CidrIpv6: '::/0' }))).toBe(true);
    expect(fromAnywhere(rule({ CidrIpv4: '10.3.1.0/24' }))).toBe(false);
    expect(fromAnywhere(rule({ ReferencedGroupInfo: { GroupId: 'sg-2' } }))).toBe(false);
  });

  it('revoke lines: one per group and direction, naming every rule id', () => {
    expect(
      revokeLines([
        rule({ SecurityGroupRuleId: 'sgr-a' }),
        rule({ SecurityGroupRuleId: 'sgr-b' }),
        rule({ SecurityGroupRuleId: 'sgr-c', IsEgress: true }),
        rule({ SecurityGroupRuleId: 'sgr-d', GroupId: 'sg-2' }),
      ]),
    ).toEqual([
      'aws ec2 revoke-security-group-ingress --group-id sg-1 --security-group-rule-ids sgr-a sgr-b',
      'aws ec2 revoke-security-group-egress --group-id sg-1 --security-group-rule-ids sgr-c',
      'aws ec2 revoke-security-group-ingress --group-id sg-2 --security-group-rule-ids sgr-d',
    ]);
  });
});
