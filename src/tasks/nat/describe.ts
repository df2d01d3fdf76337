import { DescribeAddressesCommand, DescribeNatGatewaysCommand, type Address, type EC2Client, type Filter, type NatGateway } from '@aws-sdk/client-ec2';
import { isAwsErrorCode } from '../../aws/errors.js';
import type { TagLookup } from '../../aws/find.js';
import { allPages, sendOptions } from '../../aws/paging.js';

/** Read-only describes of Elastic IPs and NAT gateways, and the `TagLookup`s `findByTags` double-checks. */

const opts = sendOptions;

/** A NAT gateway that is, or is becoming, usable. `deleting`/`deleted` ones are gone for our purposes; `failed` ones too (AWS deletes them). */
export function isLiveNat(nat: NatGateway): boolean {
  return nat.State === 'pending' || nat.State === 'available';
}

export async function describeNatGateways(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<NatGateway[]> {
  return allPages(async (NextToken) => {
    // DescribeNatGateways names its filter list `Filter`, not `Filters`.
    const out = await ec2.send(new DescribeNatGatewaysCommand({ Filter: filters, NextToken }), opts(signal));
    return { items: out.NatGateways ?? [], nextToken: out.NextToken };
  });
}

export async function natGatewayById(ec2: EC2Client, natGatewayId: string, signal?: AbortSignal): Promise<NatGateway | undefined> {
  try {
    const out = await ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natGatewayId] }), opts(signal));
    return out.NatGateways?.find((n) => n.NatGatewayId === natGatewayId);
  } catch (error) {
    if (isAwsErrorCode(error, 'NatGatewayNotFound', 'InvalidNatGatewayID.NotFound')) return undefined;
    throw error;
  }
}

/** NAT gateways that hold this Elastic IP (any state but deleted). */
export async function natGatewaysUsing(ec2: EC2Client, allocationId: string, signal?: AbortSignal): Promise<NatGateway[]> {
  const nats = await describeNatGateways(ec2, [], signal);
  return nats.filter((n) => n.State !== 'deleted' && (n.NatGatewayAddresses ?? []).some((a) => a.AllocationId === allocationId));
}

export async function describeAddresses(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<Address[]> {
  return (await ec2.send(new DescribeAddressesCommand({ Filters: filters }), opts(signal))).Addresses ?? [];
}

export async function addressByAllocationId(ec2: EC2Client, allocationId: string, signal?: AbortSignal): Promise<Address | undefined> {
  try {
    const out = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }), opts(signal));
    return out.Addresses?.find((a) => a.AllocationId === allocationId);
  } catch (error) {
    if (isAwsErrorCode(error, 'InvalidAllocationID.NotFound')) return undefined;
    throw error;
  }
}

export function addressLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<Address> {
  return { kind: 'Elastic IP', describe: (f) => describeAddresses(ec2, f, signal), id: (a) => a.AllocationId, tags: (a) => a.Tags };
}

/** Live NAT gateways only (moto ignores tag filters here: findByTags re-checks every item). */
export function natGatewayLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<NatGateway> {
  return {
    kind: 'NAT gateway',
    describe: async (f) => (await describeNatGateways(ec2, f, signal)).filter(isLiveNat),
    id: (n) => n.NatGatewayId,
    tags: (n) => n.Tags,
    vpcId: (n) => n.VpcId,
    vpcFilter: 'vpc-id',
  };
}
