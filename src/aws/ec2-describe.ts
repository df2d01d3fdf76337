import {
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Filter,
  type InternetGateway,
  type RouteTable,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { isAwsErrorCode } from './errors.js';
import type { TagLookup } from './find.js';
import { allPages, sendOptions } from './paging.js';

/**
 * Read-only EC2 describes used by the tasks: by id (not-found → undefined) and by filters (all
 * pages), plus the `TagLookup`s that `findByTags` double-checks.
 */

const opts = sendOptions;

async function orUndefinedWhenMissing<T>(call: () => Promise<T | undefined>, ...notFound: string[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isAwsErrorCode(error, ...notFound)) return undefined;
    throw error;
  }
}

export function describeVpcs(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<Vpc[]> {
  return allPages(async (NextToken) => {
    const out = await ec2.send(new DescribeVpcsCommand({ Filters: filters, NextToken }), opts(signal));
    return { items: out.Vpcs ?? [], nextToken: out.NextToken };
  });
}

export function describeSubnets(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<Subnet[]> {
  return allPages(async (NextToken) => {
    const out = await ec2.send(new DescribeSubnetsCommand({ Filters: filters, NextToken }), opts(signal));
    return { items: out.Subnets ?? [], nextToken: out.NextToken };
  });
}

export function describeInternetGateways(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<InternetGateway[]> {
  return allPages(async (NextToken) => {
    const out = await ec2.send(new DescribeInternetGatewaysCommand({ Filters: filters, NextToken }), opts(signal));
    return { items: out.InternetGateways ?? [], nextToken: out.NextToken };
  });
}

export function describeRouteTables(ec2: EC2Client, filters: Filter[], signal?: AbortSignal): Promise<RouteTable[]> {
  return allPages(async (NextToken) => {
    const out = await ec2.send(new DescribeRouteTablesCommand({ Filters: filters, NextToken }), opts(signal));
    return { items: out.RouteTables ?? [], nextToken: out.NextToken };
  });
}

export function vpcById(ec2: EC2Client, vpcId: string, signal?: AbortSignal): Promise<Vpc | undefined> {
  return orUndefinedWhenMissing(
    async () => (await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }), opts(signal))).Vpcs?.find((v) => v.VpcId === vpcId),
    'InvalidVpcID.NotFound',
  );
}

export function subnetById(ec2: EC2Client, subnetId: string, signal?: AbortSignal): Promise<Subnet | undefined> {
  return orUndefinedWhenMissing(
    async () => (await ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }), opts(signal))).Subnets?.find((s) => s.SubnetId === subnetId),
    'InvalidSubnetID.NotFound',
  );
}

export function internetGatewayById(ec2: EC2Client, igwId: string, signal?: AbortSignal): Promise<InternetGateway | undefined> {
  return orUndefinedWhenMissing(
    async () =>
      (await ec2.send(new DescribeInternetGatewaysCommand({ InternetGatewayIds: [igwId] }), opts(signal))).InternetGateways?.find(
        (g) => g.InternetGatewayId === igwId,
      ),
    'InvalidInternetGatewayID.NotFound',
  );
}

export function routeTableById(ec2: EC2Client, routeTableId: string, signal?: AbortSignal): Promise<RouteTable | undefined> {
  return orUndefinedWhenMissing(
    async () =>
      (await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }), opts(signal))).RouteTables?.find(
        (t) => t.RouteTableId === routeTableId,
      ),
    'InvalidRouteTableID.NotFound',
  );
}

export interface VpcDnsAttributes {
  dnsSupport: boolean;
  dnsHostnames: boolean;
}

export async function vpcDnsAttributes(ec2: EC2Client, vpcId: string, signal?: AbortSignal): Promise<VpcDnsAttributes> {
  const [support, hostnames] = await Promise.all([
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' }), opts(signal)),
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }), opts(signal)),
  ]);
  return { dnsSupport: support.EnableDnsSupport?.Value === true, dnsHostnames: hostnames.EnableDnsHostnames?.Value === true };
}

export function vpcLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<Vpc> {
  return { kind: 'VPC', describe: (f) => describeVpcs(ec2, f, signal), id: (v) => v.VpcId, tags: (v) => v.Tags };
}

export function subnetLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<Subnet> {
  return {
    kind: 'subnet',
    describe: (f) => describeSubnets(ec2, f, signal),
    id: (s) => s.SubnetId,
    tags: (s) => s.Tags,
    vpcId: (s) => s.VpcId,
    vpcFilter: 'vpc-id',
  };
}

export function internetGatewayLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<InternetGateway> {
  return {
    kind: 'internet gateway',
    describe: (f) => describeInternetGateways(ec2, f, signal),
    id: (g) => g.InternetGatewayId,
    tags: (g) => g.Tags,
    vpcId: (g) => g.Attachments?.[0]?.VpcId,
    vpcFilter: 'attachment.vpc-id',
  };
}

export function routeTableLookup(ec2: EC2Client, signal?: AbortSignal): TagLookup<RouteTable> {
  return {
    kind: 'route table',
    describe: (f) => describeRouteTables(ec2, f, signal),
    id: (t) => t.RouteTableId,
    tags: (t) => t.Tags,
    vpcId: (t) => t.VpcId,
    vpcFilter: 'vpc-id',
  };
}
