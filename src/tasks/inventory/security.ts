import {
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { securityGroupById } from '../security/describe.js';
import { allPages, ScopedCollection } from './collection.js';
import type { NetworkInventory } from './network.js';
import { sendOptions, type InventorySource } from './source.js';

const DEFAULT_GROUP = 'default';

/**
 * Security groups and their rules, read once per plan:
 *  - groups: every group in the project's VPCs (`vpc-id` filter): ours, each VPC's `default` group
 *    (untagged, made by AWS), and anyone's group holding one of our group names;
 *  - rules: every rule of those groups (`group-id` filter), one call; their ids are the step outputs.
 * A group this run made has no inbound rule but those the run authorizes. A VPC this run made holds only
 * the groups the run makes and its `default` group, which is read (for every such VPC made so far at once).
 */
export class SecurityInventory {
  readonly groups: ScopedCollection<SecurityGroup>;
  readonly rules: ScopedCollection<SecurityGroupRule>;
  private readonly made = new Set<string>();
  private readonly defaultGroups = new Map<string, Promise<SecurityGroup | undefined>>();

  constructor(
    private readonly source: InventorySource,
    private readonly network: NetworkInventory,
  ) {
    const ec2 = source.aws.ec2;
    const options = sendOptions(source);
    this.groups = new ScopedCollection(
      'security groups',
      (g) => g.GroupId,
      (g) => g.VpcId,
      (vpcIds) => allPages(paginateDescribeSecurityGroups({ client: ec2 }, { Filters: [{ Name: 'vpc-id', Values: vpcIds }] }, options), (p) => p.SecurityGroups),
      source.ledger,
    );
    this.rules = new ScopedCollection(
      'security group rules',
      (r) => r.SecurityGroupRuleId,
      (r) => r.GroupId,
      (groupIds) =>
        allPages(paginateDescribeSecurityGroupRules({ client: ec2 }, { Filters: [{ Name: 'group-id', Values: groupIds }] }, options), (p) => p.SecurityGroupRules),
      source.ledger,
    );
  }

  async groupsIn(vpcId: string): Promise<SecurityGroup[]> {
    await this.groups.cover(vpcId, await this.network.projectVpcIds());
    return this.groups.in(vpcId);
  }

  /** One group by id: among the project's VPCs' groups, else asked by id (a group elsewhere, or gone). */
  async group(groupId: string): Promise<SecurityGroup | undefined> {
    const project = await this.network.projectVpcIds();
    await Promise.all(project.map((vpcId) => this.groups.cover(vpcId, project)));
    const known = this.groups.get(groupId);
    if (known || this.groups.dropped(groupId)) return known;
    const live = await securityGroupById(this.source.aws.ec2, groupId, this.source.signal);
    if (live) this.groups.put(live);
    return live;
  }

  /** The `default` group AWS makes with a VPC (untagged, cannot be deleted), or undefined. */
  async defaultGroupOf(vpcId: string): Promise<SecurityGroup | undefined> {
    const known = (await this.groupsIn(vpcId)).find((g) => g.GroupName === DEFAULT_GROUP);
    if (known || !this.network.madeThisRun(vpcId)) return known;
    return this.readDefaultGroups(vpcId);
  }

  /** The default groups of the VPCs this run made, every one not read yet in one call. */
  private readDefaultGroups(vpcId: string): Promise<SecurityGroup | undefined> {
    if (!this.defaultGroups.has(vpcId)) {
      const batch = [...new Set([vpcId, ...this.network.madeVpcIds()])].filter((id) => !this.defaultGroups.has(id));
      this.source.ledger.add('security groups');
      const reading = allPages(
        paginateDescribeSecurityGroups(
          { client: this.source.aws.ec2 },
          { Filters: [{ Name: 'vpc-id', Values: batch }, { Name: 'group-name', Values: [DEFAULT_GROUP] }] },
          sendOptions(this.source),
        ),
        (p) => p.SecurityGroups,
      ).then((found) => {
        for (const group of found) if (group.GroupName === DEFAULT_GROUP && batch.includes(group.VpcId ?? '')) this.groups.put(group);
        return found;
      });
      for (const id of batch) {
        const one = reading.then((found) => found.find((g) => g.VpcId === id && g.GroupName === DEFAULT_GROUP));
        one.catch(() => this.defaultGroups.delete(id));
        this.defaultGroups.set(id, one);
      }
    }
    return this.defaultGroups.get(vpcId) as Promise<SecurityGroup | undefined>;
  }

  /** Every rule of one group, inbound and outbound (`IsEgress`); the other groups read so far come in the same call. */
  async rulesOf(groupId: string): Promise<SecurityGroupRule[]> {
    const others = this.groups
      .values()
      .flatMap((g) => g.GroupId ?? [])
      .filter((id) => !this.made.has(id) && !this.rules.covered(id));
    await this.rules.cover(groupId, others);
    return this.rules.in(groupId);
  }

  /** The inbound rules of one group (of a group this run made: those it authorized, no read). */
  async ingressRulesOf(groupId: string): Promise<SecurityGroupRule[]> {
    const rules = this.made.has(groupId) && !this.rules.covered(groupId) ? this.rules.in(groupId) : await this.rulesOf(groupId);
    return rules.filter((r) => r.IsEgress !== true);
  }

  /** A group CreateSecurityGroup answered for: no inbound rule yet. */
  groupMade(group: SecurityGroup): void {
    if (!group.GroupId) return;
    this.made.add(group.GroupId);
    this.groups.put(group);
  }
}
