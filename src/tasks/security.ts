import type { Config, VpcKey } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import { designReachabilityModel } from './reachability/design-model.js';
import { formatPingMatrix } from './reachability/format.js';
import { predictPingMatrix } from './reachability/predict.js';
import { defaultGroupStep } from './security/default-group-step.js';
import type { DeleteGroupOptions } from './security/delete-group.js';
import { securityGroupStep } from './security/group-step.js';
import { ingressStep } from './security/ingress-step.js';
import { securityGroupRules } from './security/rules.js';
import { securityNotes } from './security/seed-notes.js';

export {
  ADMIN_CIDR_MISSING,
  ALL_ICMP,
  HTTP_PORT,
  HTTPS_PORT,
  MARIADB_PORT,
  SECURITY_GROUP_KEYS,
  SSH_PORT,
  UPTIME_KUMA_PORT,
  securityGroupDesign,
  securityGroupName,
  securityGroupRules,
  securityGroupStepIds,
  type IngressRule,
  type MissingSetting,
  type RuleSource,
  type SecurityGroupDesign,
  type SecurityGroupKey,
} from './security/rules.js';
export { InvalidConfigurationError, missingSettingText } from './security/missing-setting.js';
export { defaultGroupStepId } from './security/default-group-step.js';
export { compareRules, directedRuleText, liveRuleText, wantedRuleText, type ResolvedRule, type RuleComparison } from './security/rule-match.js';

export interface SecurityStepsOptions {
  /** Deleting a group still used by instances: how long to retry (default ~60 s). */
  deletion?: DeleteGroupOptions;
}

/** "Predicted ping matrix: ..." lines for previews, from the designed network and the security table. */
export function predictedPingNotes(config: Config): string[] {
  return [
    'Predicted ping matrix (from the route tables, the peering and these security groups alone):',
    ...formatPingMatrix(predictPingMatrix(designReachabilityModel(config))).map((line) => `  ${line}`),
  ];
}

/**
 * The security groups of docs/design.md#security-groups (section `security`), two steps per group:
 *
 * | step id                 | needs                                   | outputs          |
 * | ----------------------- | --------------------------------------- | ---------------- |
 * | security.web            | network.mvp.vpc                         | groupId          |
 * | security.web.ingress    | security.web                            | groupId, ruleIds |
 * | security.rds            | network.mvp.vpc, security.web           | groupId          |
 * | security.rds.ingress    | security.rds, security.web              | groupId, ruleIds |
 * | security.cyber          | network.cyber.vpc                       | groupId          |
 * | security.cyber.ingress  | security.cyber                          | groupId, ruleIds |
 * | security.ia             | network.ia.vpc                          | groupId          |
 * | security.ia.ingress     | security.ia                             | groupId, ruleIds |
 * | security.default-sg.<v> | network.<v>.vpc                         | groupId          |
 *
 * The rds group references the web group, so it comes after it and is revoked/deleted before it.
 * The last ingress step's preview carries the predicted ping matrix. `security.default-sg.<v>`
 * (v = mvp, ia, cyber) revokes every rule of the VPC's `default` group (EC2.2); it has no teardown:
 * the group goes with its VPC.
 */
export function securitySteps(config: Config, options: SecurityStepsOptions = {}): Step[] {
  const groups = securityGroupRules(config);
  const groupSteps = groups.flatMap((design, index) => {
    const notes = securityNotes(config, design.key);
    const last = index === groups.length - 1;
    return [
      securityGroupStep({
        design,
        ...(design.key === 'rds' ? { extraNeeds: [groups.find((g) => g.key === 'web')?.stepId ?? 'security.web'] } : {}),
        notes: notes.group,
        ...(options.deletion ? { deletion: options.deletion } : {}),
      }),
      ingressStep({ design, groups, notes: [...notes.ingress, ...(last ? predictedPingNotes(config) : [])] }),
    ];
  });
  return [...groupSteps, ...DEFAULT_GROUP_VPCS.map((vpc) => defaultGroupStep(config, vpc))];
}

/** The VPCs whose default group is closed, in step order. */
const DEFAULT_GROUP_VPCS: readonly VpcKey[] = ['mvp', 'ia', 'cyber'];
