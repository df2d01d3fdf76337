import type { DBInstance } from '@aws-sdk/client-rds';
import { TAG_PROJECT } from '../../aws/tags.js';
import type { Config } from '../../config/schema.js';
import { databaseNames, ENGINE, majorVersion } from '../database/names.js';
import { networkNames, networkStepIds } from '../network/names.js';
import { securityGroupDesign } from '../security/rules.js';
import { liveVpc, oneOf, recreateHint } from './live-find.js';
import { fail, pass, warn, type Check, type CheckContext, type CheckResult } from './types.js';

/**
 * The `database` group: the RDS instance exists and is available, runs MariaDB at the pinned
 * version, sits in the private subnet group, wears only the RDS security group, and its master
 * password is managed by RDS in Secrets Manager. (RDS.2/3/5/11 are in the security group.)
 */

/** The project's DB instance (by its deterministic identifier), or the failing result. */
export async function liveDatabase(ctx: CheckContext): Promise<{ instance: DBInstance } | { result: CheckResult }> {
  const identifier = databaseNames(ctx.config).instance;
  const instance = await ctx.live.dbInstance(identifier);
  if (!instance) return { result: fail(`DB instance ${identifier} is missing`, recreateHint('database')) };
  return { instance };
}

/** Statuses a working instance passes through on its own (backups, maintenance, a change being applied). */
const TRANSIENT = new Set(['backing-up', 'modifying', 'maintenance', 'upgrading', 'rebooting', 'storage-optimization', 'configuring-enhanced-monitoring', 'configuring-log-exports', 'resetting-master-credentials', 'renaming', 'starting']);

const modifyLine = (identifier: string, flags: string) => `aws rds modify-db-instance --db-instance-identifier ${identifier} ${flags} --apply-immediately`;

function availableCheck(config: Config): Check {
  const identifier = databaseNames(config).instance;
  return {
    id: 'database.instance.available',
    group: 'database',
    title: `DB instance ${identifier} exists and is available`,
    async run(ctx) {
      const found = await liveDatabase(ctx);
      if ('result' in found) return found.result;
      const { instance } = found;
      const status = instance.DBInstanceStatus ?? 'unknown';
      const owner = instance.TagList?.find((t) => t.Key === TAG_PROJECT)?.Value;
      if (owner !== ctx.project) {
        return fail(`${identifier} exists but is not tagged ${TAG_PROJECT}=${ctx.project} (${owner ? `it is ${owner}'s` : 'no project tag'})`, `it was not made by this project: rename or delete it, or change the suffix in the config`);
      }
      const endpoint = instance.Endpoint?.Address ? `, endpoint ${instance.Endpoint.Address}:${instance.Endpoint.Port ?? '?'}` : '';
      if (status === 'available') return pass(`${identifier} available (${instance.DBInstanceClass ?? '?'}, ${instance.AllocatedStorage ?? '?'} GB${endpoint})`);
      if (TRANSIENT.has(status)) return warn(`${identifier} is ${status}${endpoint}`, 'RDS returns to available on its own: rerun verify later');
      if (status === 'stopped' || status === 'stopping') return fail(`${identifier} is ${status}`, `start it: aws rds start-db-instance --db-instance-identifier ${identifier}`);
      return fail(`${identifier} is ${status}`, `see its events (aws rds describe-events --source-identifier ${identifier} --source-type db-instance); fix or delete it, then run \`aws-runbook up --only database\``);
    },
  };
}

function engineCheck(config: Config): Check {
  const identifier = databaseNames(config).instance;
  const pinned = config.database.engineVersion;
  return {
    id: 'database.instance.engine',
    group: 'database',
    title: `${identifier} runs ${ENGINE} ${pinned}`,
    async run(ctx) {
      const found = await liveDatabase(ctx);
      if ('result' in found) return found.result;
      const engine = found.instance.Engine ?? '(none)';
      const version = found.instance.EngineVersion ?? '(none)';
      if (engine !== ENGINE) return fail(`${identifier} runs ${engine} ${version}, not ${ENGINE}`, `the engine cannot be changed in place: dump the data, delete ${identifier} and run \`aws-runbook up --only database\``);
      if (version === pinned) return pass(`${identifier}: ${engine} ${version}`);
      if (majorVersion(version) === majorVersion(pinned)) {
        return warn(`${identifier} runs ${engine} ${version}, the config pins ${pinned} (same ${majorVersion(pinned)} line: an automatic minor upgrade)`, `set database.engineVersion to ${version} in the config`);
      }
      return fail(`${identifier} runs ${engine} ${version}, the config pins ${pinned}`, `set database.engineVersion in the config to the version wanted, or upgrade it: ${modifyLine(identifier, `--engine-version ${pinned} --allow-major-version-upgrade`)}`);
    },
  };
}

function privateSubnetsCheck(config: Config): Check {
  const { instance: identifier, subnetGroup } = databaseNames(config);
  const ids = networkStepIds('mvp');
  const names = networkNames(config.suffix, 'mvp');
  const privateSteps = config.network.mvp.private.map((_, i) => ({ stepId: ids.subnetPrivate(i + 1), name: names.subnetPrivate(i + 1) }));
  return {
    id: 'database.instance.private-subnets',
    group: 'database',
    title: `${identifier} is in the subnet group ${subnetGroup}, on the private subnets of ${names.vpc} only`,
    async run(ctx) {
      const found = await liveDatabase(ctx);
      if ('result' in found) return found.result;
      const liveGroup = found.instance.DBSubnetGroup;
      const groupName = liveGroup?.DBSubnetGroupName ?? '(none)';
      if (groupName.toLowerCase() !== subnetGroup) {
        return fail(`${identifier} is in the subnet group ${groupName}, not ${subnetGroup}`, `move it: ${modifyLine(identifier, `--db-subnet-group-name ${subnetGroup}`)} (run \`aws-runbook up --only database\` first if the group is missing)`);
      }
      const [subnets, vpc] = await Promise.all([ctx.live.subnets(), liveVpc(ctx, 'mvp')]);
      const wanted = privateSteps.map((p) => ({ ...p, subnet: oneOf(subnets, p.stepId) }));
      const wantedIds = new Set(wanted.flatMap((w) => w.subnet?.SubnetId ?? []));
      const liveIds = (liveGroup?.Subnets ?? []).flatMap((s) => (s.SubnetIdentifier ? [s.SubnetIdentifier] : []));
      const problems = [
        ...wanted.filter((w) => !w.subnet).map((w) => `${w.name} is missing`),
        ...liveIds.filter((id) => !wantedIds.has(id)).map((id) => `${subnetGroup} also holds ${id}, which is not a private subnet of ${names.vpc}${id === oneOf(subnets, ids.subnetPublic)?.SubnetId ? ` (it is ${names.subnetPublic})` : ''}`),
        ...wanted.filter((w) => w.subnet?.SubnetId && !liveIds.includes(w.subnet.SubnetId)).map((w) => `${subnetGroup} lacks ${w.name} (${w.subnet?.SubnetId ?? '?'})`),
        ...('item' in vpc && liveGroup?.VpcId && liveGroup.VpcId !== vpc.item.VpcId ? [`${subnetGroup} is in ${liveGroup.VpcId}, not in ${names.vpc} (${vpc.item.VpcId ?? '?'})`] : []),
      ];
      if (problems.length > 0) {
        const subnetIds = [...wantedIds].join(' ');
        return fail(`${identifier}: ${problems.join('; ')}`, `put only the private subnets in it: aws rds modify-db-subnet-group --db-subnet-group-name ${subnetGroup} --subnet-ids ${subnetIds || '<private subnet ids>'} (or run \`aws-runbook up --only network,database\`)`);
      }
      return pass(`${identifier} in ${subnetGroup}: ${wanted.map((w) => `${w.name} (${w.subnet?.SubnetId ?? '?'}, ${w.subnet?.AvailabilityZone ?? '?'})`).join(', ')}`);
    },
  };
}

function securityGroupCheck(config: Config): Check {
  const identifier = databaseNames(config).instance;
  const design = securityGroupDesign(config, 'rds');
  return {
    id: 'database.instance.security-group',
    group: 'database',
    title: `${identifier} wears only the security group ${design.name}`,
    async run(ctx) {
      const found = await liveDatabase(ctx);
      if ('result' in found) return found.result;
      const groupId = oneOf(await ctx.live.securityGroups(), design.stepId)?.GroupId;
      const live = (found.instance.VpcSecurityGroups ?? []).filter((g) => g.Status !== 'removing').map((g) => g.VpcSecurityGroupId ?? '?');
      if (!groupId) return fail(`${design.name} is missing; ${identifier} wears ${live.join(', ') || 'no group'}`, 'run `aws-runbook up --only security,database`');
      if (live.length !== 1 || live[0] !== groupId) {
        return fail(`${identifier} wears ${live.join(', ') || 'no group'}, wanted only ${design.name} (${groupId})`, modifyLine(identifier, `--vpc-security-group-ids ${groupId}`));
      }
      return pass(`${identifier} wears ${design.name} (${groupId}) only`);
    },
  };
}

function managedPasswordCheck(config: Config): Check {
  const identifier = databaseNames(config).instance;
  return {
    id: 'database.instance.managed-password',
    group: 'database',
    title: `The master password of ${identifier} is managed by RDS in Secrets Manager`,
    async run(ctx) {
      const found = await liveDatabase(ctx);
      if ('result' in found) return found.result;
      const secret = found.instance.MasterUserSecret;
      if (!secret?.SecretArn) {
        return fail(`${identifier} has no RDS-managed master secret (MasterUserSecret is absent: its password was set by hand)`, modifyLine(identifier, '--manage-master-user-password'));
      }
      const status = secret.SecretStatus;
      if (status && status !== 'active') return warn(`${identifier}: the master secret ${secret.SecretArn} is ${status}`, 'RDS is still setting the secret up or rotating it: rerun verify later');
      return pass(`${identifier}: master secret ${secret.SecretArn}${status ? ` (${status})` : ''}`);
    },
  };
}

export function databaseChecks(config: Config): Check[] {
  return [availableCheck(config), engineCheck(config), privateSubnetsCheck(config), securityGroupCheck(config), managedPasswordCheck(config)];
}
