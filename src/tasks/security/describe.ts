import {
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type Filter,
  type NetworkInterface,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { isAwsErrorCode } from '../../aws/errors.js';
import type { TagLookup } from '../../aws/find.js';
import { allPages, sendOptions } from '../../aws/paging.js';

/** Read-only describes of security groups and their rules (all pages; filters re-checked by the callers). */

const opts = sendOptions;

export function describeSecurityGroups(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<SecurityGroup[]> {
  return allPages(async (NextToken) => {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: filters, NextToken }), opts(signal));
    return { items: out.SecurityGroups ?? [], nextToken: out.NextToken };
  });
}

export async function securityGroupById(ec2: EC2Client, groupId: string, signal?: AbortSignal): Promise<SecurityGroup | undefined> {
  try {
    const out = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }), opts(signal));
    return out.SecurityGroups?.find((g) => g.GroupId === groupId);
  } catch (error) {
    if (isAwsErrorCode(error, 'InvalidGroup.NotFound', 'InvalidGroupId.Malformed')) return undefined;
    throw error;
  }
}

/** Every rule of one group, inbound and outbound (`IsEgress`), double-checked against the filter. */
export async function rulesOfGroup(ec2: EC2Client, groupId: string, signal?: AbortSignal): Promise<SecurityGroupRule[]> {
  const rules = await allPages(async (NextToken) => {
    const out = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], NextToken }),
      opts(signal),
    );
    return { items: out.SecurityGroupRules ?? [], nextToken: out.NextToken };
  });
  return rules.filter((r) => r.GroupId === groupId);
}

/** The inbound rules of one group, one entry per rule (source), double-checked against the filter. */
export async function ingressRulesOf(ec2: EC2Client, groupId: string, signal?: AbortSignal): Promise<SecurityGroupRule[]> {
  return (await rulesOfGroup(ec2, groupId, signal)).filter((r) => r.IsEgress !== true);
}

/** The `default` group AWS makes with a VPC (it has no tags and cannot be deleted), or undefined. */
export async function defaultGroupOf(ec2: EC2Client, vpcId: string, signal?: AbortSignal): Promise<SecurityGroup | undefined> {
  const groups = await describeSecurityGroups(
    ec2,
    [
      { Name: 'vpc-id', Values: [vpcId] },
      { Name: 'group-name', Values: ['default'] },
    ],
    signal,
  );
  return groups.find((g) => g.VpcId === vpcId && g.GroupName === 'default');
}

/** Network interfaces (instances, RDS, endpoints) that still use a group. */
export async function interfacesUsing(ec2: EC2Client, groupId: string, signal?: AbortSignal): Promise<NetworkInterface[]> {
  const interfaces = await allPages(async (NextToken) => {
    const out = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], NextToken }), opts(signal));
    return { items: out.NetworkInterfaces ?? [], nextToken: out.NextToken };
  });
  return interfaces.filter((eni) => eni.Groups?.some((g) => g.GroupId === groupId));
}

/** Other groups with an inbound rule referencing this one. */
export async function groupsReferencing(ec2: EC2Client, groupId: string, signal?: AbortSignal): Promise<SecurityGroup[]> {
  const groups = await describeSecurityGroups(ec2, [{ Name: 'ip-permission.group-id', Values: [groupId] }], signal);
  return groups.filter(
    (g) => g.GroupId !== groupId && g.IpPermissions?.some((p) => p.UserIdGroupPairs?.some((pair) => pair.GroupId === groupId)),
  );
}

export function securityGroupLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<SecurityGroup> {
  return {
    kind: 'security group',
    describe: (f) => describeSecurityGroups(ec2, f, signal),
    id: (g) => g.GroupId,
    tags: (g) => g.Tags,
    vpcId: (g) => g.VpcId,
    vpcFilter: 'vpc-id',
  };
}
