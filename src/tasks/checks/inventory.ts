import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  type Filter,
  type Instance,
  type InternetGateway,
  type NatGateway,
  type RouteTable,
  type SecurityGroup,
  type Subnet,
  type Vpc,
  type VpcPeeringConnection,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';
import { describeInternetGateways, describeRouteTables, describeSubnets, describeVpcs } from '../../aws/ec2-describe.js';
import { allPages, sendOptions } from '../../aws/paging.js';
import { TAG_PROJECT, TAG_STEP, tagValue } from '../../aws/tags.js';
import { describeNatGateways } from '../nat/describe.js';
import { describePeerings, isLivePeering } from '../peering/describe.js';

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

  subnets(): Promise<Subnet[]> {
    return this.once('subnets', () => describeSubnets(this.aws.ec2, this.ours, this.signal));
  }

  routeTables(): Promise<RouteTable[]> {
    return this.once('routeTables', () => describeRouteTables(this.aws.ec2, this.ours, this.signal));
  }

  internetGateways(): Promise<InternetGateway[]> {
    return this.once('igws', () => describeInternetGateways(this.aws.ec2, this.ours, this.signal));
  }

  /** NAT gateways of the project, deleted ones left out. */
  natGateways(): Promise<NatGateway[]> {
    return this.once('nats', async () =>
      (await describeNatGateways(this.aws.ec2, this.ours, this.signal)).filter((n) => n.State !== 'deleted' && n.State !== 'deleting'),
    );
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
