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
 * that are missing, all in one call; a live rule the table does not have is a conflict, never revoked silently.
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

  /** Key → id of each of `wanted` found among `live` (those not there are left out). */
  function idsAmong(wanted: readonly ResolvedRule[], live: readonly SecurityGroupRule[]): Map<string, string> {
    const ids = new Map<string, string>();
    for (const { wanted: rule, live: match } of compareRules(wanted, live).matched) {
      if (match.SecurityGroupRuleId) ids.set(wantedRuleKey(rule) ?? '', match.SecurityGroupRuleId);
    }
    return ids;
  }

  /**
   * One AuthorizeSecurityGroupIngress for every rule in `missing` (EC2 takes a list of permissions): the id
   * of each rule now there, by key. A lost answer: the group's rules are read again, and the call counts as
   * done only when all of them are there (else it is sent again, and a Duplicate answer tells which were).
   * InvalidPermission.Duplicate (one was added meanwhile; AWS then adds none of the list): the ids of those
   * there, read again; the caller sends the rest.
   */
  async function authorizeAll(ctx: StepContext, groupId: string, missing: readonly ResolvedRule[]): Promise<Map<string, string>> {
    const security = inventoryOf(ctx).security;
    const liveIds = async () => {
      const live = await ingressRulesOf(ctx.aws.ec2, groupId, ctx.signal);
      for (const rule of live) security.rules.put(rule);
      return idsAmong(missing, live);
    };
    return mutate(
      ctx,
      'AuthorizeSecurityGroupIngress',
      async (abortSignal) => {
        const command = new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: missing.map(ipPermission),
          TagSpecifications: tagSpecifications('security-group-rule', ctx.tags(design.name)),
        });
        try {
          const answered = (await ctx.aws.ec2Once.send(command, { abortSignal })).SecurityGroupRules ?? [];
          for (const rule of answered) security.rules.put(rule);
          const ids = idsAmong(missing, answered);
          // An answer may leave rules out (moto lists only the last permission's): those are read back.
          if (ids.size < missing.length) for (const [key, id] of await liveIds()) if (!ids.has(key)) ids.set(key, id);
          for (const rule of missing) required(ids.get(wantedRuleKey(rule) ?? ''), 'a SecurityGroupRuleId (AuthorizeSecurityGroupIngress)');
          return ids;
        } catch (error) {
          if (!isAwsErrorCode(error, 'InvalidPermission.Duplicate')) throw error;
          // AWS calls a rule a duplicate on protocol, ports and source: one there is the one wanted.
          const ids = await liveIds();
          for (const rule of missing) if (ids.has(wantedRuleKey(rule) ?? '')) ctx.progress(`${wantedRuleText(rule)}: already there`);
          return ids;
        }
      },
      {
        refind: async () => {
          const ids = await liveIds();
          return ids.size === missing.length ? ids : undefined;
        },
      },
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
      // All the missing rules in one call; after a Duplicate answer, again with those still missing.
      for (let missing = comparison.missing; missing.length > 0; ) {
        for (const [key, id] of await authorizeAll(ctx, groupId, missing)) ids.set(key, id);
        await ctx.recordOutputs(outputsOf(groupId, resolved, ids));
        const still = missing.filter((rule) => !ids.has(wantedRuleKey(rule) ?? ''));
        if (still.length === missing.length) {
          throw new RunbookConflictError(
            `${design.name} (${groupId}) answers that ${still.map(wantedRuleText).join(', ')} ${still.length > 1 ? 'are duplicates' : 'is a duplicate'}, but no such rule is listed`,
            `Check the group (\`aws ec2 describe-security-group-rules --filters Name=group-id,Values=${groupId}\`), then rerun.`,
          );
        }
        missing = still;
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
