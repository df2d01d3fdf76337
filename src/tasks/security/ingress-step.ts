import { AuthorizeSecurityGroupIngressCommand, RevokeSecurityGroupIngressCommand, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import { cliTagSpecifications } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { TAG_PROJECT, tagSpecifications, tagValue } from '../../aws/tags.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { ABSENT, adoptableOutputs, present, required } from '../found.js';
import { mutate, removeIdempotently } from '../mutation.js';
import { stepPreview } from '../preview.js';
import { ingressRulesOf } from './describe.js';
import { missingSettingsError, missingSettingText } from './missing-setting.js';
import { cliIpPermissions, ipPermission } from './rule-cli.js';
import { compareRules, liveRuleKey, liveRuleText, wantedRuleKey, wantedRuleText, type ResolvedRule } from './rule-match.js';
import type { SecurityGroupDesign } from './rules.js';
import { inventoryOf } from '../inventory/of-context.js';

export interface IngressStepSpec {
  design: SecurityGroupDesign;
  /** Every group of the table, to resolve group references (rds: the web group). */
  groups: readonly SecurityGroupDesign[];
  notes?: string[];
}

const AUTHORIZE = 'authorize ';

/**
 * Outputs: `groupId`, `ruleIds` (comma-separated, table order). Authorizes exactly the table rules
 * that are missing; a live rule the table does not have is a conflict, never revoked silently.
 */
export function ingressStep(spec: IngressStepSpec): Step {
  const { design } = spec;
  const referenced = [
    ...new Set(design.ingress.flatMap((r) => (r.source.kind === 'group' ? [r.source.group] : []))),
  ].map((key) => {
    const group = spec.groups.find((g) => g.key === key);
    if (!group) throw new Error(`${design.ingressStepId}: rule references unknown group ${key}`);
    return group;
  });
  const refOf = (key: string) => referenced.find((g) => g.key === key) as SecurityGroupDesign;

  function resolve(ctx: StepContext, read: (stepId: string) => string | undefined): ResolvedRule[] {
    return design.ingress.map((rule) => {
      if (rule.source.kind !== 'group') return { rule };
      const ref = refOf(rule.source.group);
      const sourceGroupId = read(ref.stepId);
      return { rule, sourceGroupName: ref.name, ...(sourceGroupId ? { sourceGroupId } : {}) };
    });
  }
  const known = (ctx: StepContext) => resolve(ctx, (stepId) => ctx.output(stepId, 'groupId'));
  const needed = (ctx: StepContext) => resolve(ctx, (stepId) => ctx.need(stepId, 'groupId'));

  function extraText(groupId: string, rule: SecurityGroupRule): string {
    return (
      `${liveRuleText(rule)} is on ${design.name} but not in the design (revoke it by hand if it is not wanted: ` +
      `aws ec2 revoke-security-group-ingress --group-id ${groupId} --security-group-rule-ids ${rule.SecurityGroupRuleId ?? '<rule id>'})`
    );
  }

  function outputsOf(groupId: string, resolved: readonly ResolvedRule[], ids: ReadonlyMap<string, string>): Outputs {
    const ordered = [...new Set(resolved.flatMap((r) => ids.get(wantedRuleKey(r) ?? '') ?? []))];
    return { groupId, ruleIds: ordered.join(',') };
  }

  function cliLine(ctx: StepContext, resolved: ResolvedRule): string {
    const groupRef = ctx.ref(design.stepId, 'groupId', design.placeholder);
    const source = resolved.rule.source;
    const sourceRef = source.kind === 'group' ? ctx.ref(refOf(source.group).stepId, 'groupId', refOf(source.group).placeholder) : '';
    return `aws ec2 authorize-security-group-ingress --group-id ${groupRef} ${cliIpPermissions(resolved, sourceRef)} ${cliTagSpecifications('security-group-rule', ctx.tags(design.name))}`;
  }

  async function authorize(ctx: StepContext, groupId: string, resolved: ResolvedRule): Promise<string> {
    const key = wantedRuleKey(resolved);
    const liveMatch = async () => (await ingressRulesOf(ctx.aws.ec2, groupId, ctx.signal)).find((l) => liveRuleKey(l) === key);
    return mutate(
      ctx,
      'AuthorizeSecurityGroupIngress',
      async (abortSignal) => {
        const command = new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [ipPermission(resolved)],
          TagSpecifications: tagSpecifications('security-group-rule', ctx.tags(design.name)),
        });
        try {
          const answer = await ctx.aws.ec2Once.send(command, { abortSignal });
          const rule = answer.SecurityGroupRules?.[0] ?? (await liveMatch());
          if (rule) inventoryOf(ctx).security.rules.put(rule);
          return required(rule?.SecurityGroupRuleId, 'a SecurityGroupRuleId (AuthorizeSecurityGroupIngress)');
        } catch (error) {
          if (!isAwsErrorCode(error, 'InvalidPermission.Duplicate')) throw error;
          // AWS calls a rule a duplicate on protocol, ports and source: the one there is the one wanted.
          const existing = await liveMatch();
          if (existing?.SecurityGroupRuleId) {
            ctx.progress(`${wantedRuleText(resolved)}: already there`);
            return existing.SecurityGroupRuleId;
          }
          throw new RunbookConflictError(
            `${design.name} (${groupId}) answers that ${wantedRuleText(resolved)} is a duplicate, but no such rule is listed`,
            `Check the group (\`aws ec2 describe-security-group-rules --filters Name=group-id,Values=${groupId}\`), then rerun.`,
          );
        }
      },
      { refind: async () => (await liveMatch())?.SecurityGroupRuleId },
    );
  }

  return {
    id: design.ingressStepId,
    section: 'security',
    title: `Inbound rules of ${design.name}`,
    needs: [design.stepId, ...referenced.map((g) => g.stepId)],

    async find(ctx): Promise<FindResult> {
      const groupId = ctx.output(design.stepId, 'groupId');
      if (!groupId) return ABSENT;
      const security = inventoryOf(ctx).security;
      const group = await security.group(groupId);
      if (!group) return ABSENT;
      const resolved = known(ctx);
      const comparison = compareRules(resolved, await security.ingressRulesOf(groupId));
      if (comparison.matched.length === 0 && comparison.extra.length === 0) return ABSENT;
      const ids = new Map(comparison.matched.map((m) => [liveRuleKey(m.live), m.live.SecurityGroupRuleId ?? '']));
      return present(
        outputsOf(groupId, resolved, ids),
        tagValue(group.Tags, TAG_PROJECT) === ctx.project,
        comparison.extra.map((rule) => extraText(groupId, rule)),
        comparison.missing.map((r) => `${AUTHORIZE}${wantedRuleText(r)}`),
      );
    },

    preview(ctx, found) {
      const notes = spec.notes ?? [];
      if (design.missingSettings.length > 0) {
        return { summary: `Inbound rules of ${design.name}: ${design.missingSettings.map(missingSettingText).join('; ')}`, cli: [], notes };
      }
      const resolved = known(ctx);
      const id = found.kind === 'present' ? found.outputs.groupId : undefined;
      return stepPreview(found, {
        what: `inbound rules of ${design.name}: ${resolved.map(wantedRuleText).join(', ')}`,
        ...(id ? { id } : {}),
        create: resolved.map((r) => cliLine(ctx, r)),
        finish: (unfinished) =>
          resolved.filter((r) => unfinished.includes(`${AUTHORIZE}${wantedRuleText(r)}`)).map((r) => cliLine(ctx, r)),
        notes,
      });
    },

    async apply(ctx, found): Promise<Outputs> {
      if (design.missingSettings.length > 0) throw missingSettingsError(design.ingressStepId, design.missingSettings);
      if (found.kind === 'present') adoptableOutputs(found, design.ingressStepId, 'groupId');
      const groupId = ctx.need(design.stepId, 'groupId');
      const resolved = needed(ctx);
      const comparison = compareRules(resolved, await inventoryOf(ctx).security.ingressRulesOf(groupId));
      if (comparison.extra.length > 0) {
        throw new RunbookConflictError(
          comparison.extra.map((rule) => extraText(groupId, rule)).join('; '),
          'The tool never revokes a rule it did not make: revoke it by hand if it is not wanted, or keep it and stop here; then rerun.',
        );
      }
      const ids = new Map(comparison.matched.map((m) => [liveRuleKey(m.live), m.live.SecurityGroupRuleId ?? '']));
      for (const rule of comparison.missing) {
        ids.set(wantedRuleKey(rule) ?? '', await authorize(ctx, groupId, rule));
        await ctx.recordOutputs(outputsOf(groupId, resolved, ids));
      }
      return outputsOf(groupId, resolved, ids);
    },

    async destroy(ctx, outputs) {
      const groupId = outputs.groupId ?? ctx.output(design.stepId, 'groupId');
      const security = inventoryOf(ctx).security;
      if (!groupId || !(await security.group(groupId))) return;
      const live = await security.ingressRulesOf(groupId);
      const ruleIds = compareRules(known(ctx), live).matched.flatMap((m) => m.live.SecurityGroupRuleId ?? []);
      if (ruleIds.length === 0) return;
      await removeIdempotently(
        ctx,
        'RevokeSecurityGroupIngress',
        (abortSignal) => ctx.aws.ec2Once.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ruleIds }), { abortSignal }),
        ['InvalidGroup.NotFound', 'InvalidPermission.NotFound', 'InvalidSecurityGroupRuleId.NotFound'],
      );
      for (const ruleId of ruleIds) security.rules.drop(ruleId);
    },

    destroyPreview(ctx, outputs) {
      const groupId = outputs.groupId ?? ctx.ref(design.stepId, 'groupId', design.placeholder);
      const ruleIds = outputs.ruleIds ? outputs.ruleIds.split(',').join(' ') : '<rule ids>';
      return {
        summary: `Revoke the inbound rules of ${design.name} (${groupId})`,
        cli: [`aws ec2 revoke-security-group-ingress --group-id ${groupId} --security-group-rule-ids ${ruleIds}`],
      };
    },
  };
}
