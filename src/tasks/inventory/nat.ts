import { DescribeAddressesCommand, paginateDescribeNatGateways, type Address, type NatGateway } from '@aws-sdk/client-ec2';
import { addressByAllocationId, natGatewayById } from '../nat/describe.js';
import { allPages, Collection } from './collection.js';
import { OURS_OR_NAMED, sendOptions, type InventorySource } from './source.js';

/**
 * Elastic IPs and NAT gateways, read once per plan:
 *  - Elastic IPs carrying our project tag or a Name (DescribeAddresses is not paginated);
 *  - every NAT gateway (an account has few; moto ignores the filters here anyway): a NAT gateway of
 *    someone else still holding one of our addresses matters when the address is released.
 * Live polls (a NAT gateway becoming available or deleted) stay live and put what they see here.
 */
export class NatInventory {
  readonly addresses: Collection<Address>;
  readonly natGateways: Collection<NatGateway>;

  constructor(private readonly source: InventorySource) {
    const ec2 = source.aws.ec2;
    const options = sendOptions(source);
    this.addresses = new Collection(
      'elastic ips',
      (a) => a.AllocationId,
      async () => (await ec2.send(new DescribeAddressesCommand({ Filters: [OURS_OR_NAMED] }), options)).Addresses ?? [],
      source.ledger,
    );
    this.natGateways = new Collection(
      'nat gateways',
      (n) => n.NatGatewayId,
      // DescribeNatGateways names its filter list `Filter`; none is sent.
      () => allPages(paginateDescribeNatGateways({ client: ec2 }, {}, options), (p) => p.NatGateways),
      source.ledger,
    );
  }

  /** One Elastic IP: from the read, else (untagged, or allocated since by someone else) asked by id. */
  async address(allocationId: string): Promise<Address | undefined> {
    const known = await this.addresses.get(allocationId);
    if (known || this.addresses.dropped(allocationId)) return known;
    const live = await addressByAllocationId(this.source.aws.ec2, allocationId, this.source.signal);
    if (live) this.addresses.put(live);
    return live;
  }

  /** One NAT gateway by id (every one was read: one not among them is gone, or made since). */
  async natGateway(natGatewayId: string): Promise<NatGateway | undefined> {
    const known = await this.natGateways.get(natGatewayId);
    if (known || this.natGateways.dropped(natGatewayId)) return known;
    const live = await natGatewayById(this.source.aws.ec2, natGatewayId, this.source.signal);
    if (live) this.natGateways.put(live);
    return live;
  }

  /** NAT gateways that hold this Elastic IP (any state but deleted). */
  async natGatewaysUsing(allocationId: string): Promise<NatGateway[]> {
    return (await this.natGateways.all()).filter((n) => n.State !== 'deleted' && (n.NatGatewayAddresses ?? []).some((a) => a.AllocationId === allocationId));
  }
}
