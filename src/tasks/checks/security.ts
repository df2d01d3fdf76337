import type { SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { Config } from '../../config/schema.js';
import { missingSettingText } from '../security/missing-setting.js';
import { compareRules, liveRuleText, wantedRuleText, type ResolvedRule } from '../security/rule-match.js';
import { MARIADB_PORT, securityGroupRules, SSH_PORT, type SecurityGroupDesign } from '../security/rules.js';
import { oneOf, resolveStep } from './live-find.js';
import { databaseChecksInSecurity } from './security-rds.js';
import { bucketChecksInSecurity } from './security-s3.js';
import { defaultGroupsCheck, imdsV2Check } from './security-baseline.js';
import { coversTcpPort, fromAnywhere, groupLabel, inbound, revokeLines } from './sg-rules.js';
import { fail, pass, skip, type Check, type CheckContext, type CheckResult } from './types.js';

/**
 * The `security` group, each check named after the AWS Foundational Security Best Practices control
 * it mirrors where there is one (EC2.19, EC2.2, EC2.8, RDS.2/3/5/11, S3.8), plus the design's own rules
 * (SSH only from the bastion subnet, MariaDB only from the web group, each group's rules as designed,
 * read from the one rules table src/tasks/security/rules.ts) and the backup bucket's encryption and
 * versioning.
 */

const ADMIN_PORTS = [SSH_PORT, MARIADB_PORT];

/** One of our groups as AWS holds it (by its step tag), with the rules of every group. */
async function liveGroup(ctx: CheckContext, design: SecurityGroupDesign): Promise<{ group: SecurityGroup; groups: SecurityGroup[]; rules: SecurityGroupRule[] } | { result: CheckResult }> {
  const [groups, rules] = await Promise.all([ctx.live.securityGroups(), ctx.live.securityGroupRules()]);
  const found = resolveStep(groups, design.stepId, `security group ${design.name}`, 'security', (g) => g.GroupId);
  return 'result' in found ? found : { group: found.item, groups, rules };
}

const revokeHint = (rules: readonly SecurityGroupRule[], why: string) => `${why}: ${revokeLines(rules).join('; ')}`;

function noOpenAdminPortsCheck(): Check {
  return {
    id: 'security.ec2-19.no-open-admin-ports',
    group: 'security',
    title: `EC2.19: no security group opens ${ADMIN_PORTS.join(' or ')} to 0.0.0.0/0 or ::/0`,
    async run(ctx) {
      const [groups, rules] = await Promise.all([ctx.live.securityGroups(), ctx.live.securityGroupRules()]);
      if (groups.length === 0) return skip('no security group found in the project\'s VPCs (see the network checks)');
      const open = inbound(rules).filter((r) => fromAnywhere(r) && ADMIN_PORTS.some((port) => coversTcpPort(r, port)));
      if (open.length > 0) {
        return fail(
          open.map((r) => `${groupLabel(groups, r.GroupId)} allows ${liveRuleText(r)}`).join('; '),
          revokeHint(open, 'SSH and MariaDB must never be open to the internet; revoke them'),
        );
      }
      return pass(`none of the ${groups.length} groups in the project's VPCs (${groups.map((g) => g.GroupId ?? '?').join(', ')}) opens ${ADMIN_PORTS.join(' or ')} to the internet`);
    },
  };
}

/** SSH to the web and IA groups only from the Cyber public subnet (the GitLab bastion), as the rules table says. */
function sshFromBastionCheck(config: Config, design: SecurityGroupDesign): Check {
  const bastion = config.network.cyber.public.cidr;
  return {
    id: `security.${design.key}.ssh-from-bastion-subnet-only`,
    group: 'security',
    title: `SSH to ${design.name} only from the Cyber public subnet ${bastion} (the bastion)`,
    async run(ctx) {
      const found = await liveGroup(ctx, design);
      if ('result' in found) return found.result;
      const id = found.group.GroupId ?? '?';
      const ssh = inbound(found.rules, id).filter((r) => coversTcpPort(r, SSH_PORT));
      const elsewhere = ssh.filter((r) => r.CidrIpv4 !== bastion);
      if (elsewhere.length > 0) {
        return fail(
          `${design.name} (${id}) lets SSH in from elsewhere: ${elsewhere.map(liveRuleText).join(', ')}`,
          revokeHint(elsewhere, `only ${bastion} may reach port 22; revoke`),
        );
      }
      if (ssh.length === 0) {
        return fail(`${design.name} (${id}) has no SSH rule: the bastion in ${bastion} cannot reach its hosts`, 'run `aws-runbook up --only security` to add it back');
      }
      return pass(`${design.name} (${id}): SSH only from ${bastion} (${ssh.map((r) => r.SecurityGroupRuleId ?? '?').join(', ')})`);
    },
  };
}

function mariadbFromWebCheck(rds: SecurityGroupDesign, web: SecurityGroupDesign): Check {
  return {
    id: 'security.rds.mariadb-from-web-only',
    group: 'security',
    title: `MariaDB (${MARIADB_PORT}) to ${rds.name} only from members of ${web.name}`,
    async run(ctx) {
      const found = await liveGroup(ctx, rds);
      if ('result' in found) return found.result;
      const webFound = resolveStep(found.groups, web.stepId, `security group ${web.name}`, 'security', (g) => g.GroupId);
      if ('result' in webFound) return fail(`${rds.name} cannot be checked: ${webFound.result.evidence}`, webFound.result.hint ?? '');
      const id = found.group.GroupId ?? '?';
      const webId = webFound.item.GroupId ?? '?';
      const db = inbound(found.rules, id).filter((r) => coversTcpPort(r, MARIADB_PORT));
      const elsewhere = db.filter((r) => r.ReferencedGroupInfo?.GroupId !== webId || r.CidrIpv4 || r.CidrIpv6 || r.PrefixListId);
      if (elsewhere.length > 0) {
        return fail(`${rds.name} (${id}) lets ${MARIADB_PORT} in from elsewhere than ${web.name} (${webId}): ${elsewhere.map(liveRuleText).join(', ')}`, revokeHint(elsewhere, 'revoke'));
      }
      if (db.length === 0) return fail(`${rds.name} (${id}) has no rule for ${MARIADB_PORT}: the web hosts cannot reach the database`, 'run `aws-runbook up --only security` to add it back');
      return pass(`${rds.name} (${id}): ${MARIADB_PORT} only from ${web.name} (${webId})`);
    },
  };
}

function rulesAsDesignedCheck(design: SecurityGroupDesign, all: readonly SecurityGroupDesign[]): Check {
  return {
    id: `security.${design.key}.rules-as-designed`,
    group: 'security',
    title: `${design.name} has exactly the designed inbound rules`,
    async run(ctx) {
      if (design.missingSettings.length > 0) return skip(`its rules are not all known: ${design.missingSettings.map(missingSettingText).join('; ')}`, design.missingSettings[0]?.fix);
      const found = await liveGroup(ctx, design);
      if ('result' in found) return found.result;
      const id = found.group.GroupId ?? '?';
      const resolved: ResolvedRule[] = design.ingress.map((rule) => {
        const source = rule.source;
        if (source.kind !== 'group') return { rule };
        const ref = all.find((g) => g.key === source.group);
        const refGroup = ref ? oneOf(found.groups, ref.stepId) : undefined;
        return { rule, ...(ref ? { sourceGroupName: ref.name } : {}), ...(refGroup?.GroupId ? { sourceGroupId: refGroup.GroupId } : {}) };
      });
      const comparison = compareRules(resolved, inbound(found.rules, id));
      const problems = [
        ...comparison.missing.map((r) => `missing ${wantedRuleText(r)}`),
        ...comparison.extra.map((r) => `not in the design: ${liveRuleText(r)}`),
      ];
      if (problems.length > 0) {
        const hints = [
          ...(comparison.missing.length > 0 ? ['run `aws-runbook up --only security` to add the missing rules'] : []),
          ...(comparison.extra.length > 0 ? [revokeHint(comparison.extra, 'revoke the rules not in the design if they are not wanted')] : []),
        ];
        return fail(`${design.name} (${id}): ${problems.join('; ')}`, hints.join('; '));
      }
      return pass(`${design.name} (${id}): ${comparison.matched.map((m) => wantedRuleText(m.wanted)).join(', ')}`);
    },
  };
}

export function securityChecks(config: Config): Check[] {
  const designs = securityGroupRules(config);
  const byKey = (key: SecurityGroupDesign['key']) => designs.find((d) => d.key === key) as SecurityGroupDesign;
  return [
    noOpenAdminPortsCheck(),
    sshFromBastionCheck(config, byKey('web')),
    sshFromBastionCheck(config, byKey('ia')),
    mariadbFromWebCheck(byKey('rds'), byKey('web')),
    ...designs.map((design) => rulesAsDesignedCheck(design, designs)),
    defaultGroupsCheck(config),
    imdsV2Check(config),
    ...databaseChecksInSecurity(config),
    ...bucketChecksInSecurity(),
  ];
}
