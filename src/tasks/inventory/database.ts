import type { DBInstance, DBSubnetGroup, Tag } from '@aws-sdk/client-rds';
import { describeInstance, describeSubnetGroup, listTags } from '../database/rds-describe.js';
import { Memo, type InventorySource } from './source.js';

/**
 * The DB instance and the DB subnet group, each read once per plan under its deterministic name
 * (DescribeDBInstances carries the instance's tags). DescribeDBSubnetGroups carries none: the group's come
 * from ListTagsForResource, asked only when its ownership is in question (the subnet group step does not
 * ask again for a group the state file records it made). Waits on the instance stay live and put what they see here.
 */
export class DatabaseInventory {
  readonly instances: Memo<DBInstance | undefined>;
  readonly subnetGroups: Memo<DBSubnetGroup | undefined>;
  private readonly subnetGroupTagsRead: Memo<Tag[]>;

  constructor(source: InventorySource) {
    const { aws, signal } = source;
    this.instances = new Memo('db instances', source.ledger, (identifier) => describeInstance(aws.rds, identifier, signal));
    this.subnetGroups = new Memo('db subnet groups', source.ledger, (name) => describeSubnetGroup(aws.rds, name, signal));
    this.subnetGroupTagsRead = new Memo('db subnet group tags', source.ledger, async (name) => {
      const arn = (await this.subnetGroup(name))?.DBSubnetGroupArn;
      return arn ? listTags(aws.rds, arn, signal) : [];
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

  subnetGroup(name: string): Promise<DBSubnetGroup | undefined> {
    return this.subnetGroups.get(name.toLowerCase());
  }

  /** The group's tags (none when there is no such group). */
  subnetGroupTags(name: string): Promise<Tag[]> {
    return this.subnetGroupTagsRead.get(name.toLowerCase());
  }

  /** What this run's create (with the tags it sent) or delete left. */
  subnetGroupSeen(name: string, group: DBSubnetGroup | undefined, tags: Tag[] = []): void {
    this.subnetGroups.set(name.toLowerCase(), group);
    this.subnetGroupTagsRead.set(name.toLowerCase(), group ? tags : []);
  }
}
