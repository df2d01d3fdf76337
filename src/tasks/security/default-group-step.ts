import { RevokeSecurityGroupEgressCommand, RevokeSecurityGroupIngressCommand, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { Config, VpcKey } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext, StepPreview } from '../../engine/types.js';
import { ABSENT, present } from '../found.js';
import { removeIdempotently } from '../mutation.js';
import { networkNames, networkPlaceholders, networkStepIds, shellVariable } from '../network/names.js';

import { directedRuleText } from './rule-match.js';
import { inventoryOf } from '../inventory/of-context.js';

/**
 * AWS Foundational Security Best Practices EC2.2: the `default` security group AWS makes with every VPC
 * must allow nothing (inbound: all traffic from its own members; outbound: all traffic anywhere, as
 * AWS creates it). Nothing of ours wears it: every host and the database have their own group.
 */

export function defaultGroupStepId(vpc: VpcKey): string {
  return `security.default-sg.${vpc}`;
}

/** `$MVP_DEFAULT_SG_ID` */
export function defaultGroupPlaceholder(vpc: VpcKey): string {
  return `$${vpc.toUpperCase()}_DEFAULT_SG_ID`;
}

type Direction = 'inbound' | 'outbound';
const directionOf = (rule: SecurityGroupRule): Direction => (rule.IsEgress === true ? 'outbound' : 'inbound');

const REVOKE = 'revoke ';
/** Revoke calls at most this many times per direction (a rule added meanwhile is taken on the next round). */
const ROUNDS = 3;
const GONE = ['InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'];

function revokeLine(direction: Direction, groupRef: string, ruleIds: string): string {
  return `aws ec2 revoke-security-group-${direction === 'inbound' ? 'ingress' : 'egress'} --group-id ${groupRef} --security-group-rule-ids ${ruleIds}`;
}

/** `security.default-sg.<vpc>` — outputs `groupId`. Revokes every rule of the VPC's default group; no cost. */
export function defaultGroupStep(config: Config, vpc: VpcKey): Step {
  const id = defaultGroupStepId(vpc);
  const vpcStepId = networkStepIds(vpc).vpc;
  const vpcName = networkNames(config.suffix, vpc).vpc;
  const placeholder = defaultGroupPlaceholder(vpc);
  const notes = [
    `AWS Foundational Security Best Practices EC2.2: a VPC's default security group must allow no traffic. AWS creates it allowing all traffic between its members and all outbound traffic; nothing of this runbook wears it (every host and the database have their own group), so every rule is revoked.`,
    'Not in the runbook. The group itself cannot be deleted: it goes with its VPC. Costs nothing.',
  ];

  /** The group's rules in one direction: as read for the plan, less what the revokes since removed. */
  async function liveRules(ctx: StepContext, groupId: string, direction: Direction): Promise<SecurityGroupRule[]> {
    return (await inventoryOf(ctx).security.rulesOf(groupId)).filter((r) => directionOf(r) === direction && r.SecurityGroupRuleId);
  }

  async function revokeAll(ctx: StepContext, groupId: string, direction: Direction): Promise<void> {
    for (let round = 0; round < ROUNDS; round += 1) {
      const ruleIds = (await liveRules(ctx, groupId, direction)).map((r) => r.SecurityGroupRuleId as string);
      if (ruleIds.length === 0) return;
      ctx.progress(`revoking ${ruleIds.length} ${direction} rule(s) of the default group ${groupId}`);
      if (direction === 'inbound') {
        await removeIdempotently(
          ctx,
          'RevokeSecurityGroupIngress',
          (abortSignal) => ctx.aws.ec2Once.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ruleIds }), { abortSignal }),
          GONE,
        );
      } else {
        await removeIdempotently(
          ctx,
          'RevokeSecurityGroupEgress',
          (abortSignal) => ctx.aws.ec2Once.send(new RevokeSecurityGroupEgressCommand({ GroupId: groupId, SecurityGroupRuleIds: ruleIds }), { abortSignal }),
          GONE,
        );
      }
      for (const ruleId of ruleIds) inventoryOf(ctx).security.rules.drop(ruleId);
    }
    const left = await liveRules(ctx, groupId, direction);
    if (left.length > 0) {
      throw new Error(
        `the default security group ${groupId} of ${vpcName} still has ${left.map(directedRuleText).join(', ')} after ${ROUNDS} revokes (is something adding rules back?)`,
      );
    }
  }

  function preview(ctx: StepContext, found: FindResult): StepPreview {
    const vpcRef = ctx.ref(vpcStepId, 'vpcId', networkPlaceholders(vpc).vpcId);
    if (found.kind === 'absent') {
      const rulesOf = (egress: boolean) =>
        `$(aws ec2 describe-security-group-rules --filters Name=group-id,Values=${placeholder} --query 'SecurityGroupRules[?${egress ? '' : '!'}IsEgress].SecurityGroupRuleId' --output text)`;
      return {
        summary: `Close the default security group of ${vpcName} (revoke its inbound and outbound rules)`,
        cli: [
          `${shellVariable(placeholder)}=$(aws ec2 describe-security-groups --filters Name=vpc-id,Values=${vpcRef} Name=group-name,Values=default --query 'SecurityGroups[0].GroupId' --output text)`,
          revokeLine('inbound', placeholder, rulesOf(false)),
          revokeLine('outbound', placeholder, rulesOf(true)),
        ],
        notes,
      };
    }
    const groupId = found.outputs.groupId ?? placeholder;
    if (found.unfinished.length === 0) return { summary: `The default security group of ${vpcName} (${groupId}) allows nothing, as wanted`, cli: [], notes };
    const idsOf = (direction: Direction) =>
      found.unfinished.filter((u) => u.startsWith(`${REVOKE}${direction} `)).flatMap((u) => /\((sgr-[^)]+)\)$/.exec(u)?.[1] ?? []);
    const cli = (['inbound', 'outbound'] as const).flatMap((d) => (idsOf(d).length > 0 ? [revokeLine(d, groupId, idsOf(d).join(' '))] : []));
    return { summary: `The default security group of ${vpcName} (${groupId}) still allows traffic; to do: ${found.unfinished.join('; ')}`, cli, notes };
  }

  return {
    id,
    section: 'security',
    title: `Close the default security group of ${vpcName}`,
    needs: [vpcStepId],

    async find(ctx): Promise<FindResult> {
      const vpcId = ctx.output(vpcStepId, 'vpcId');
      if (!vpcId) return ABSENT;
      const group = await inventoryOf(ctx).security.defaultGroupOf(vpcId);
      if (!group?.GroupId) return ABSENT;
      const rules = await inventoryOf(ctx).security.rulesOf(group.GroupId);
      // Untagged (AWS made it), but it is the default group of our own VPC: ours to close.
      return present({ groupId: group.GroupId }, true, [], rules.map((r) => `${REVOKE}${directedRuleText(r)}`));
    },

    preview,

    async apply(ctx): Promise<Outputs> {
      const vpcId = ctx.need(vpcStepId, 'vpcId');
      const group = await inventoryOf(ctx).security.defaultGroupOf(vpcId);
      if (!group?.GroupId) {
        throw new Error(`${vpcName} (${vpcId}) has no default security group: AWS makes one with every VPC; check that the VPC still exists, then rerun`);
      }
      const groupId = group.GroupId;
      await ctx.recordOutputs({ groupId });
      await revokeAll(ctx, groupId, 'inbound');
      await revokeAll(ctx, groupId, 'outbound');
      return { groupId };
    },
  };
}
