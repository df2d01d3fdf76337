import { DescribeVpcPeeringConnectionsCommand, type EC2Client, type Filter, type VpcPeeringConnection } from '@aws-sdk/client-ec2';
import { isAwsErrorCode } from '../../aws/errors.js';
import type { TagLookup } from '../../aws/find.js';
import { allPages, sendOptions } from '../../aws/paging.js';

/**
 * Read-only describes of VPC peering connections. moto ignores every Filter here, so callers (and
 * `findByTags`) re-check each item returned: tags, requester and accepter VPC ids, status.
 */

const opts = sendOptions;

/** Statuses a peering never comes back from. */
export const DEAD_PEERING = new Set(['deleted', 'deleting', 'rejected', 'expired', 'failed']);

export function isLivePeering(peering: VpcPeeringConnection): boolean {
  return !DEAD_PEERING.has(peering.Status?.Code ?? '');
}

export async function describePeerings(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<VpcPeeringConnection[]> {
  return allPages(async (NextToken) => {
    const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ Filters: filters, NextToken }), opts(signal));
    return { items: out.VpcPeeringConnections ?? [], nextToken: out.NextToken };
  });
}

export async function peeringById(ec2: EC2Client, id: string, signal?: AbortSignal): Promise<VpcPeeringConnection | undefined> {
  try {
    const out = await ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [id] }), opts(signal));
    return out.VpcPeeringConnections?.find((p) => p.VpcPeeringConnectionId === id);
  } catch (error) {
    if (isAwsErrorCode(error, 'InvalidVpcPeeringConnectionID.NotFound', 'InvalidVpcPeeringConnectionId.NotFound')) return undefined;
    throw error;
  }
}

/** Live peerings joining these two VPCs, whichever side requested. */
export async function livePeeringsBetween(ec2: EC2Client, a: string, b: string, signal?: AbortSignal): Promise<VpcPeeringConnection[]> {
  const pair = [a, b];
  const found = await describePeerings(
    ec2,
    [
      { Name: 'requester-vpc-info.vpc-id', Values: pair },
      { Name: 'accepter-vpc-info.vpc-id', Values: pair },
    ],
    signal,
  );
  return found.filter((p) => {
    const ends = [p.RequesterVpcInfo?.VpcId, p.AccepterVpcInfo?.VpcId];
    return isLivePeering(p) && ends.includes(a) && ends.includes(b) && a !== b;
  });
}

/** Live peerings only (deleted, rejected, ... ones are history, not ours to adopt). */
export function peeringLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<VpcPeeringConnection> {
  return {
    kind: 'VPC peering connection',
    describe: async (f) => (await describePeerings(ec2, f, signal)).filter(isLivePeering),
    id: (p) => p.VpcPeeringConnectionId,
    tags: (p) => p.Tags,
    vpcId: (p) => p.RequesterVpcInfo?.VpcId,
    vpcFilter: 'requester-vpc-info.vpc-id',
  };
}
