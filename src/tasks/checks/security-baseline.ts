import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { Config } from '../../config/schema.js';
import { instanceSpecs } from '../compute/names.js';
import { networkNames } from '../network/names.js';
import { defaultGroupStepId } from '../security/default-group-step.js';
import { directedRuleText } from '../security/rule-match.js';
import { liveVpc, matchStep, named } from './live-find.js';
import { NETWORK_VPCS } from './network.js';
import { ofGroup, revokeLines } from './sg-rules.js';
import { fail, pass, skip, type Check } from './types.js';

/** EC2.2 (the VPCs' default groups allow nothing) and EC2.8 (IMDSv2 required on every instance). */

export function defaultGroupsCheck(config: Config): Check {
  return {
    id: 'security.ec2-2.default-sg-closed',
    group: 'security',
    title: 'EC2.2: the default security group of each VPC allows no inbound and no outbound traffic',
    async run(ctx) {
      const [groups, rules, vpcs] = await Promise.all([ctx.live.securityGroups(), ctx.live.securityGroupRules(), Promise.all(NETWORK_VPCS.map((v) => liveVpc(ctx, v)))]);
      const closed: string[] = [];
      const open: string[] = [];
      const openRules: SecurityGroupRule[] = [];
      const steps: string[] = [];
      for (const [index, found] of vpcs.entries()) {
        if ('result' in found) continue;
        const vpcKey = NETWORK_VPCS[index] as (typeof NETWORK_VPCS)[number];
        const vpcName = networkNames(config.suffix, vpcKey).vpc;
        const group = groups.find((g) => g.VpcId === found.item.VpcId && g.GroupName === 'default');
        if (!group?.GroupId) {
          closed.push(`${vpcName}: no default group`);
          continue;
        }
        const left = ofGroup(rules, group.GroupId);
        if (left.length === 0) closed.push(`${vpcName}: ${group.GroupId} has no rule`);
        else {
          open.push(`the default group ${group.GroupId} of ${vpcName} has ${left.map(directedRuleText).join(', ')}`);
          openRules.push(...left);
          steps.push(defaultGroupStepId(vpcKey));
        }
      }
      if (closed.length === 0 && open.length === 0) return skip('none of the three VPCs exists (see the network checks)');
      if (open.length > 0) {
        return fail(
          open.join('; '),
          `run \`aws-runbook up --only security\` (steps ${steps.join(', ')} revoke every rule of those groups; nothing of the runbook uses them), or: ${revokeLines(openRules).join('; ')}`,
          closed,
        );
      }
      return pass(closed.join('; '));
    },
  };
}

export function imdsV2Check(config: Config): Check {
  const specs = instanceSpecs(config);
  return {
    id: 'security.ec2-8.imdsv2-required',
    group: 'security',
    title: 'EC2.8: every instance requires IMDSv2 (HttpTokens required)',
    async run(ctx) {
      const instances = await ctx.live.instances();
      if (instances.length === 0) return skip('the project has no instance (the compute section is not applied)', 'run `aws-runbook up --only compute`');
      const label = (i: (typeof instances)[number]) => named(i.Tags, i.InstanceId);
      const optional = instances.filter((i) => i.MetadataOptions?.HttpTokens !== 'required');
      const required = instances.filter((i) => i.MetadataOptions?.HttpTokens === 'required');
      if (optional.length > 0) {
        return fail(
          `IMDSv1 still allowed on ${optional.map((i) => `${label(i)} (HttpTokens ${i.MetadataOptions?.HttpTokens ?? 'unset'})`).join(', ')}`,
          optional.map((i) => `aws ec2 modify-instance-metadata-options --instance-id ${i.InstanceId ?? '?'} --http-tokens required --http-endpoint enabled`).join('; '),
        );
      }
      const evidence = `IMDSv2 required on ${required.map(label).join(', ')}`;
      // A missing instance is the hosts group's failure (hosts.<host>.running); this control judges those that exist.
      const missing = specs.filter((s) => matchStep(instances, s.id).kind === 'none');
      return pass(missing.length > 0 ? `${evidence}; not checked (no such instance: terminated or never launched): ${missing.map((s) => s.name).join(', ')}` : evidence);
    },
  };
}
