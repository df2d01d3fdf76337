import { paginateDescribeVpcPeeringConnections, type VpcPeeringConnection } from '@aws-sdk/client-ec2';
import { livePeeringsBetween, peeringById } from '../peering/describe.js';
import { allPages, Collection } from './collection.js';
import { OURS_OR_NAMED, sendOptions, type InventorySource } from './source.js';

/**
 * VPC peering connections carrying our project tag or a Name, read once per plan. A peering of someone
 * else between two of our VPCs (AWS allows one per pair) is looked for on its own, and only when ours is
 * not there (the peering step asks nothing of a VPC this run made: it has no peering but the run's own).
 */
export class PeeringInventory {
  readonly peerings: Collection<VpcPeeringConnection>;

  constructor(private readonly source: InventorySource) {
    this.peerings = new Collection(
      'vpc peerings',
      (p) => p.VpcPeeringConnectionId,
      () => allPages(paginateDescribeVpcPeeringConnections({ client: source.aws.ec2 }, { Filters: [OURS_OR_NAMED] }, sendOptions(source)), (p) => p.VpcPeeringConnections),
      source.ledger,
    );
  }

  /** One peering by id: from the read, else asked by id. */
  async peering(id: string): Promise<VpcPeeringConnection | undefined> {
    const known = await this.peerings.get(id);
    if (known || this.peerings.dropped(id)) return known;
    const live = await peeringById(this.source.aws.ec2, id, this.source.signal);
    if (live) this.peerings.put(live);
    return live;
  }

  /** Live peerings joining these two VPCs, whichever side requested (asked of AWS: a peering of someone else's carries none of our tags). */
  liveBetween(a: string, b: string): Promise<VpcPeeringConnection[]> {
    return livePeeringsBetween(this.source.aws.ec2, a, b, this.source.signal);
  }
}
