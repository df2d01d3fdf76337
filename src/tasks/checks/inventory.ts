import {
  DescribeInstancesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type Filter,
  type Instance,
  type InternetGateway,
  type NatGateway,
  type RouteTable,
  type SecurityGroup,
  type SecurityGroupRule,
  type Subnet,
  type Vpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import type { DBInstance } from '@aws-sdk/client-rds';
import type { AwsClients } from '../../aws/clients.js';
import { describeInternetGateways, describeRouteTables, describeSubnets, describeVpcs, vpcDnsAttributes, type VpcDnsAttributes } from '../../aws/ec2-describe.js';
import { allPages, sendOptions } from '../../aws/paging.js';
import { TAG_PROJECT, TAG_STEP, tagValue } from '../../aws/tags.js';
import { describeInstance } from '../database/rds-describe.js';
import { describeNatGateways } from '../nat/describe.js';
import { describePeerings, isLivePeering } from '../peering/describe.js';
import { accountId } from '../storage/account.js';
import { headBucket, type BucketPresence } from '../storage/bucket-lookup.js';
import { readBucketSettings, type BucketSettings } from '../storage/bucket-settings.js';

/**
 * What the live account holds for one project, described once per `verify` run and shared by every
 * check: one paginated describe per resource kind, selected by the aws-runbook:project tag (so a
 * resource deleted by hand is missing here even when the state file still records it). Each kind is
 * fetched on first use; concurrent checks asking for the same kind share the one request.
 */
export class LiveInventory {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly aws: AwsClients,
    readonly project: string,
    private readonly signal?: AbortSignal,
  ) {}

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let found = this.memo.get(key) as Promise<T> | undefined;
    if (!found) {
      found = load();
      this.memo.set(key, found);
    }
    return found;
  }

  private get ours(): Filter[] {
    return [{ Name: `tag:${TAG_PROJECT}`, Values: [this.project] }];
  }

  vpcs(): Promise<Vpc[]> {
    return this.once('vpcs', () => describeVpcs(this.aws.ec2, this.ours, this.signal));
  }

  /** A VPC's DNS support and DNS hostnames (DescribeVpcAttribute: one call per attribute). */
  vpcDnsAttributes(vpcId: string): Promise<VpcDnsAttributes> {
    return this.once(`dns:${vpcId}`, () => vpcDnsAttributes(this.aws.ec2, vpcId, this.signal));
  }

  subnets(): Promise<Subnet[]> {
    return this.once('subnets', () => describeSubnets(this.aws.ec2, this.ours, this.signal));
  }

  routeTables(): Promise<RouteTable[]> {
    return this.once('routeTables', () => describeRouteTables(this.aws.ec2, this.ours, this.signal));
  }

  internetGateways(): Promise<InternetGateway[]> {
    return this.once('igws', () => describeInternetGateways(this.aws.ec2, this.ours, this.signal));
  }

  /** NAT gateways of the project, deleted ones left out (the tag is checked again: moto ignores this call's filters). */
  natGateways(): Promise<NatGateway[]> {
    return this.once('nats', async () =>
      (await describeNatGateways(this.aws.ec2, this.ours, this.signal)).filter(
        (n) => tagValue(n.Tags, TAG_PROJECT) === this.project && n.State !== 'deleted' && n.State !== 'deleting',
      ),
    );
  }

  /** Every route table in the project's VPCs, tagged or not (each VPC's main table is never tagged). */
  vpcRouteTables(): Promise<RouteTable[]> {
    return this.once('vpcRouteTables', async () => {
      const vpcIds = (await this.vpcs()).flatMap((v) => (v.VpcId ? [v.VpcId] : []));
      if (vpcIds.length === 0) return [];
      const tables = await describeRouteTables(this.aws.ec2, [{ Name: 'vpc-id', Values: vpcIds }], this.signal);
      return tables.filter((t) => t.VpcId !== undefined && vpcIds.includes(t.VpcId));
    });
  }

  /** Peering connections tagged as the project's (the tag is checked again: moto ignores this call's filters). */
  peerings(): Promise<VpcPeeringConnection[]> {
    return this.once('peerings', async () =>
      (await describePeerings(this.aws.ec2, this.ours, this.signal)).filter((p) => tagValue(p.Tags, TAG_PROJECT) === this.project && isLivePeering(p)),
    );
  }

  /** Security groups in the project's VPCs: its own groups and each VPC's `default` group (which is never tagged). */
  securityGroups(): Promise<SecurityGroup[]> {
    return this.once('sgs', async () => {
      const vpcIds = (await this.vpcs()).flatMap((v) => (v.VpcId ? [v.VpcId] : []));
      if (vpcIds.length === 0) return [];
      return allPages(async (NextToken) => {
        const out = await this.aws.ec2.send(
          new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: vpcIds }], NextToken }),
          sendOptions(this.signal),
        );
        return { items: out.SecurityGroups ?? [], nextToken: out.NextToken };
      });
    });
  }

  /** Every rule (inbound and outbound, with its id) of every group in the project's VPCs. */
  securityGroupRules(): Promise<SecurityGroupRule[]> {
    return this.once('sgRules', async () => {
      const groupIds = (await this.securityGroups()).flatMap((g) => (g.GroupId ? [g.GroupId] : []));
      if (groupIds.length === 0) return [];
      const rules = await allPages(async (NextToken) => {
        const out = await this.aws.ec2.send(
          new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: groupIds }], NextToken }),
          sendOptions(this.signal),
        );
        return { items: out.SecurityGroupRules ?? [], nextToken: out.NextToken };
      });
      return rules.filter((r) => r.GroupId !== undefined && groupIds.includes(r.GroupId));
    });
  }

  /** The DB instance of that identifier, or undefined (named resources are found by name, then their tags are checked). */
  dbInstance(identifier: string): Promise<DBInstance | undefined> {
    return this.once(`db:${identifier}`, () => describeInstance(this.aws.rds, identifier, this.signal));
  }

  /** The account id (STS), which names the backup bucket. */
  account(): Promise<string> {
    return this.once('account', () => accountId(this.aws, this.signal));
  }

  /** Whether the bucket exists and is this account's (HeadBucket with ExpectedBucketOwner). */
  bucketPresence(bucket: string): Promise<BucketPresence> {
    return this.once(`bucket:${bucket}`, async () => headBucket(this.aws.s3, bucket, await this.account(), this.signal));
  }

  bucketSettings(bucket: string): Promise<BucketSettings> {
    return this.once(`bucketSettings:${bucket}`, () => readBucketSettings(this.aws.s3, bucket, this.signal));
  }

  /** The project's instances that are not terminated (a terminated one is as good as gone). */
  instances(): Promise<Instance[]> {
    return this.once('instances', async () => {
      const all = await allPages(async (NextToken) => {
        const out = await this.aws.ec2.send(new DescribeInstancesCommand({ Filters: this.ours, NextToken }), sendOptions(this.signal));
        return { items: (out.Reservations ?? []).flatMap((r) => r.Instances ?? []), nextToken: out.NextToken };
      });
      return all.filter((i) => i.State?.Name !== 'terminated' && i.State?.Name !== 'shutting-down');
    });
  }

  /** The project's resource of one step (by the aws-runbook:step tag), among those described by `list`. */
  static byStep<T extends { Tags?: { Key?: string; Value?: string }[] }>(items: readonly T[], stepId: string): T | undefined {
    return items.find((item) => tagValue(item.Tags, TAG_STEP) === stepId);
  }
}
