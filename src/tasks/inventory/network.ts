import {
  DescribeRouteTablesCommand,
  DescribeVpcAttributeCommand,
  paginateDescribeInternetGateways,
  paginateDescribeRouteTables,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
  type InternetGateway,
  type Route,
  type RouteTable,
  type RouteTableAssociation,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { TAG_PROJECT, tagValue } from '../../aws/tags.js';
import { allPages, Collection, ScopedCollection } from './collection.js';
import { Memo, OURS_OR_NAMED, sendOptions, unlessMissing, type InventorySource } from './source.js';

export interface VpcDnsAttributes {
  dnsSupport: boolean;
  dnsHostnames: boolean;
}

/**
 * What AWS gives a VPC made by CreateVpc: DNS resolution on, DNS hostnames off (AWS's defaults for a VPC
 * that is not the account's default VPC; moto makes them the same).
 */
export const NEW_VPC_DNS: VpcDnsAttributes = { dnsSupport: true, dnsHostnames: false };

/**
 * VPCs (with their DNS attributes), subnets, route tables (routes and associations included) and internet
 * gateways, read once per plan:
 *  - VPCs: those carrying our project tag or a Name (`tag-key` filter);
 *  - subnets and route tables: everything in the project's VPCs (`vpc-id` filter): the untagged ones
 *    matter too (a subnet already using our CIDR; another table holding our subnet), one call for all VPCs;
 *  - internet gateways: all of them (a region holds a handful): an untagged gateway attached to our VPC matters;
 *  - DNS attributes: per VPC (DescribeVpcAttribute takes one VPC and one attribute), asked only for a VPC
 *    whose step the state file does not record as done (see the VPC step's find).
 * A VPC this run made is known to hold nothing but what the run puts in it: no read for its contents.
 */
export class NetworkInventory {
  readonly vpcs: Collection<Vpc>;
  readonly subnets: ScopedCollection<Subnet>;
  readonly routeTables: ScopedCollection<RouteTable>;
  readonly internetGateways: Collection<InternetGateway>;
  private readonly dns: Memo<VpcDnsAttributes>;
  private readonly made = new Set<string>();

  constructor(private readonly source: InventorySource) {
    const ec2 = source.aws.ec2;
    const options = sendOptions(source);
    this.vpcs = new Collection(
      'vpcs',
      (v) => v.VpcId,
      () => allPages(paginateDescribeVpcs({ client: ec2 }, { Filters: [OURS_OR_NAMED] }, options), (p) => p.Vpcs),
      source.ledger,
    );
    const inVpcs = (vpcIds: string[]) => [{ Name: 'vpc-id', Values: vpcIds }];
    this.subnets = new ScopedCollection(
      'subnets',
      (s) => s.SubnetId,
      (s) => s.VpcId,
      (vpcIds) => allPages(paginateDescribeSubnets({ client: ec2 }, { Filters: inVpcs(vpcIds) }, options), (p) => p.Subnets),
      source.ledger,
    );
    this.routeTables = new ScopedCollection(
      'route tables',
      (t) => t.RouteTableId,
      (t) => t.VpcId,
      (vpcIds) => allPages(paginateDescribeRouteTables({ client: ec2 }, { Filters: inVpcs(vpcIds) }, options), (p) => p.RouteTables),
      source.ledger,
    );
    this.internetGateways = new Collection(
      'internet gateways',
      (g) => g.InternetGatewayId,
      () => allPages(paginateDescribeInternetGateways({ client: ec2 }, {}, options), (p) => p.InternetGateways),
      source.ledger,
    );
    this.dns = new Memo('vpc attributes', source.ledger, async (vpcId) => {
      const [support, hostnames] = await Promise.all([
        ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' }), options),
        ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }), options),
      ]);
      return { dnsSupport: support.EnableDnsSupport?.Value === true, dnsHostnames: hostnames.EnableDnsHostnames?.Value === true };
    });
  }

  /** The project's VPCs: whose contents one read covers. */
  async projectVpcIds(): Promise<string[]> {
    return (await this.vpcs.all()).filter((v) => tagValue(v.Tags, TAG_PROJECT) === this.source.project).flatMap((v) => v.VpcId ?? []);
  }

  /** Whether this run made the VPC (its CreateVpc answer came back): its contents are known without a read. */
  madeThisRun(vpcId: string): boolean {
    return this.made.has(vpcId);
  }

  /** Whether the subnet is in a VPC this run made (so this run made it too: its id was never seen before). */
  subnetMadeThisRun(subnetId: string): boolean {
    const vpcId = this.subnets.get(subnetId)?.VpcId;
    return vpcId !== undefined && this.made.has(vpcId);
  }

  /** The VPCs this run made, in the order made. */
  madeVpcIds(): string[] {
    return [...this.made];
  }

  async subnetsIn(vpcId: string): Promise<Subnet[]> {
    await this.subnets.cover(vpcId, await this.projectVpcIds());
    return this.subnets.in(vpcId);
  }

  async routeTablesIn(vpcId: string): Promise<RouteTable[]> {
    await this.routeTables.cover(vpcId, await this.projectVpcIds());
    return this.routeTables.in(vpcId);
  }

  /** One route table by id: from the read of the project's VPCs, else (a table elsewhere, or gone) asked by id. */
  async routeTable(routeTableId: string): Promise<RouteTable | undefined> {
    const project = await this.projectVpcIds();
    await Promise.all(project.map((vpcId) => this.routeTables.cover(vpcId, project)));
    const known = this.routeTables.get(routeTableId);
    if (known || this.routeTables.dropped(routeTableId)) return known;
    const live = await unlessMissing(
      async () =>
        (await this.source.aws.ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [routeTableId] }), sendOptions(this.source))).RouteTables?.find(
          (t) => t.RouteTableId === routeTableId,
        ),
      'InvalidRouteTableID.NotFound',
    );
    if (live) this.routeTables.put(live);
    return live;
  }

  /** One internet gateway by id (every gateway of the region was read: one not among them is gone). */
  internetGateway(igwId: string): Promise<InternetGateway | undefined> {
    return this.internetGateways.get(igwId);
  }

  dnsAttributes(vpcId: string): Promise<VpcDnsAttributes> {
    return this.dns.get(vpcId);
  }

  // What this run's writes changed: kept so that later finds and applies need not read again.

  /** A VPC CreateVpc answered with: nothing in it yet, DNS as AWS sets it for a new VPC. */
  vpcMade(vpc: Vpc): void {
    if (!vpc.VpcId) return;
    this.made.add(vpc.VpcId);
    this.vpcs.put(vpc);
    this.subnets.known(vpc.VpcId);
    this.routeTables.known(vpc.VpcId);
    this.dns.set(vpc.VpcId, NEW_VPC_DNS);
  }

  dnsChanged(vpcId: string, change: Partial<VpcDnsAttributes>): void {
    this.dns.update(vpcId, (attributes) => ({ ...attributes, ...change }));
  }

  /** CreateRoute succeeded (a route to `DestinationCidrBlock` replaces none: AWS refuses duplicates). */
  routeAdded(routeTableId: string, route: Route): void {
    this.routeTables.update(routeTableId, (t) => ({ ...t, Routes: [...(t.Routes ?? []), { State: 'active', ...route }] }));
  }

  routeDeleted(routeTableId: string, destination: string): void {
    this.routeTables.update(routeTableId, (t) => ({ ...t, Routes: (t.Routes ?? []).filter((r) => r.DestinationCidrBlock !== destination) }));
  }

  associationAdded(routeTableId: string, association: RouteTableAssociation): void {
    this.routeTables.update(routeTableId, (t) => ({ ...t, Associations: [...(t.Associations ?? []), association] }));
  }

  associationRemoved(associationId: string): void {
    for (const table of this.routeTables.values()) {
      if (table.Associations?.some((a) => a.RouteTableAssociationId === associationId)) {
        this.routeTables.put({ ...table, Associations: table.Associations.filter((a) => a.RouteTableAssociationId !== associationId) });
      }
    }
  }
}
