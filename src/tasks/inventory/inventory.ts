import type { AwsClients } from '../../aws/clients.js';
import type { PlanInventory, SectionId } from '../../engine/types.js';
import { ReadLedger } from './collection.js';
import { ComputeInventory } from './compute.js';
import { DatabaseInventory } from './database.js';
import { IamInventory } from './iam.js';
import { NatInventory } from './nat.js';
import { NetworkInventory } from './network.js';
import { PeeringInventory } from './peering.js';
import { SecurityInventory } from './security.js';
import type { InventorySource } from './source.js';
import { StorageInventory } from './storage.js';

export interface InventoryOptions {
  aws: AwsClients;
  project: string;
  signal: AbortSignal;
}

/**
 * What the project has in AWS, read once per plan: one (paginated) read per resource kind, filtered to the
 * project where the API allows, shared by every step's `find` (and by `apply` and `destroy` afterwards).
 * The run's own writes are put in as their answers come back, so what a write changed is known without
 * reading it again; waits on AWS (instances, NAT gateways, the database) stay live. The double-check after
 * a lost answer (`mutate`'s refind) never reads from here: it asks AWS.
 */
export class Inventory implements PlanInventory {
  readonly ledger = new ReadLedger();
  readonly network: NetworkInventory;
  readonly nat: NatInventory;
  readonly peering: PeeringInventory;
  readonly security: SecurityInventory;
  readonly compute: ComputeInventory;
  readonly database: DatabaseInventory;
  readonly storage: StorageInventory;
  readonly iam: IamInventory;

  constructor(options: InventoryOptions) {
    const source: InventorySource = { ...options, ledger: this.ledger };
    this.network = new NetworkInventory(source);
    this.nat = new NatInventory(source);
    this.peering = new PeeringInventory(source);
    this.security = new SecurityInventory(source, this.network);
    this.compute = new ComputeInventory(source);
    this.database = new DatabaseInventory(source);
    this.storage = new StorageInventory(source);
    this.iam = new IamInventory(source);
  }

  /**
   * Starts, all at once, the reads the finds of these sections will make, so that a plan waits for one
   * round of reads rather than one per level of its dependency graph. Reads keyed by a name (the database,
   * the bucket, the key pair) start with their find. Failures surface in the finds that use the read.
   */
  prefetch(sections: readonly SectionId[]): void {
    const started: Promise<unknown>[] = [];
    const has = (...ids: SectionId[]) => ids.some((id) => sections.includes(id));
    const project = this.network.projectVpcIds();
    const inProjectVpcs = (read: (vpcId: string, all: string[]) => Promise<unknown>) =>
      started.push(project.then((ids) => Promise.all(ids.map((id) => read(id, ids)))));
    if (has('network', 'peering', 'security')) started.push(project);
    if (has('network', 'peering')) inProjectVpcs((id, all) => this.network.routeTables.cover(id, all));
    if (has('network')) {
      inProjectVpcs((id, all) => this.network.subnets.cover(id, all));
      started.push(this.network.internetGateways.load(), this.nat.addresses.load());
    }
    // NAT gateways and peerings live in (between) VPCs: without a project VPC, every one the run needs is one
    // it makes (their finds and creates read nothing then), so none is read ahead.
    const ifProjectVpcs = (load: () => Promise<void>) => started.push(project.then((ids) => (ids.length > 0 ? load() : undefined)));
    if (has('network')) ifProjectVpcs(() => this.nat.natGateways.load());
    if (has('peering')) ifProjectVpcs(() => this.peering.peerings.load());
    if (has('security')) {
      inProjectVpcs((id) => this.security.groupsIn(id).then((groups) => Promise.all(groups.map((g) => (g.GroupId ? this.security.rulesOf(g.GroupId) : undefined)))));
    }
    // Not the images: the image lookup reads them only when an instance may be launched (its find tells).
    if (has('compute')) started.push(this.nat.addresses.load(), this.compute.instances.load());
    for (const read of started) read.catch(() => undefined);
  }
}
