import type { DBInstance, DBSubnetGroup, Tag } from '@aws-sdk/client-rds';
import { describeInstance, describeSubnetGroup, listTags } from '../database/rds-describe.js';
import { Memo, type InventorySource } from './source.js';

export interface SubnetGroupFacts {
  group: DBSubnetGroup;
  /** DescribeDBSubnetGroups carries no tags: ListTagsForResource, once. */
  tags: Tag[];
}

/**
 * The DB instance and the DB subnet group, each read once per plan under its deterministic name
 * (DescribeDBInstances carries the instance's tags; the group's come from ListTagsForResource).
 * Waits on the instance stay live and put what they see here.
 */
export class DatabaseInventory {
  readonly instances: Memo<DBInstance | undefined>;
  readonly subnetGroups: Memo<SubnetGroupFacts | undefined>;

  constructor(source: InventorySource) {
    const { aws, signal } = source;
    this.instances = new Memo('db instances', source.ledger, (identifier) => describeInstance(aws.rds, identifier, signal));
    this.subnetGroups = new Memo('db subnet groups', source.ledger, async (name) => {
      const group = await describeSubnetGroup(aws.rds, name, signal);
      if (!group) return undefined;
      return { group, tags: group.DBSubnetGroupArn ? await listTags(aws.rds, group.DBSubnetGroupArn, signal) : [] };
    });
  }

  instance(identifier: string): Promise<DBInstance | undefined> {
    return this.instances.get(identifier.toLowerCase());
  }

  /** The instance if the plan (or a write or wait since) knows it already: never reads. */
  async knownInstance(identifier: string): Promise<DBInstance | undefined> {
    return this.instances.peek(identifier.toLowerCase());
  }

  /** What RDS answered about the instance (a create, a poll): later finds and checks need not ask again. */
  instanceSeen(identifier: string, instance: DBInstance | undefined): void {
    this.instances.set(identifier.toLowerCase(), instance);
  }

  subnetGroup(name: string): Promise<SubnetGroupFacts | undefined> {
    return this.subnetGroups.get(name.toLowerCase());
  }

  subnetGroupSeen(name: string, facts: SubnetGroupFacts | undefined): void {
    this.subnetGroups.set(name.toLowerCase(), facts);
  }
}
