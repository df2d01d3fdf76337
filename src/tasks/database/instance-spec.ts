import type { CreateDBInstanceCommandInput, DBInstance, ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
import type { Config } from '../../config/schema.js';
import type { AwsTag, Outputs } from '../../engine/types.js';
import { cliRdsTags, databaseNames, ENGINE, majorVersion, MASTER_USERNAME, STORAGE_TYPE } from './names.js';
import { BROKEN_STATUSES } from './instance-wait.js';

/** What the database instance must be (docs/design.md#database), from the config. */
export interface WantedInstance {
  identifier: string;
  instanceClass: string;
  storageGb: number;
  engineVersion: string;
  retentionDays: number;
  subnetGroup: string;
}

export function wantedInstance(config: Config): WantedInstance {
  const names = databaseNames(config);
  return {
    identifier: names.instance,
    instanceClass: config.database.instanceClass,
    storageGb: config.database.allocatedStorageGb,
    engineVersion: config.database.engineVersion,
    retentionDays: config.database.backupRetentionDays,
    subnetGroup: names.subnetGroup,
  };
}

/** The create call. No password: RDS makes one and keeps it in Secrets Manager. */
export function createInput(wanted: WantedInstance, subnetGroup: string, securityGroupId: string, tags: AwsTag[]): CreateDBInstanceCommandInput {
  return {
    DBInstanceIdentifier: wanted.identifier,
    Engine: ENGINE,
    // Pinned: moto needs it, and a rerun months later must not pick another version.
    EngineVersion: wanted.engineVersion,
    DBInstanceClass: wanted.instanceClass,
    AllocatedStorage: wanted.storageGb,
    StorageType: STORAGE_TYPE,
    MultiAZ: true,
    PubliclyAccessible: false,
    StorageEncrypted: true,
    BackupRetentionPeriod: wanted.retentionDays,
    MasterUsername: MASTER_USERNAME,
    ManageMasterUserPassword: true,
    DBSubnetGroupName: subnetGroup,
    VpcSecurityGroupIds: [securityGroupId],
    // Off so that `aws-runbook down` can delete it (the preview says how to turn it on).
    DeletionProtection: false,
    CopyTagsToSnapshot: true,
    Tags: tags,
  };
}

export function createCliLines(wanted: WantedInstance, subnetGroupRef: string, securityGroupRef: string, tags: AwsTag[]): string[] {
  return [
    [
      `aws rds create-db-instance --db-instance-identifier ${wanted.identifier}`,
      `--engine ${ENGINE} --engine-version ${wanted.engineVersion}`,
      `--db-instance-class ${wanted.instanceClass} --allocated-storage ${wanted.storageGb} --storage-type ${STORAGE_TYPE}`,
      '--multi-az --no-publicly-accessible --storage-encrypted',
      `--backup-retention-period ${wanted.retentionDays}`,
      `--master-username ${MASTER_USERNAME} --manage-master-user-password`,
      `--db-subnet-group-name ${subnetGroupRef} --vpc-security-group-ids ${securityGroupRef}`,
      '--no-deletion-protection --copy-tags-to-snapshot',
      cliRdsTags(tags),
    ].join(' '),
    waitAvailableLine(wanted.identifier),
  ];
}

export const waitAvailableLine = (identifier: string) => `aws rds wait db-instance-available --db-instance-identifier ${identifier}`;

/** `unfinished` lines apply knows how to finish, recognised again by the preview. */
export const UNFINISHED = {
  waitPrefix: 'wait until the instance is available',
  deleting: 'wait until the old instance has finished deleting, then create it again',
  start: 'start the stopped instance',
  retentionPrefix: 'set backup retention to',
  securityGroupPrefix: 'use only the RDS security group',
  managedPassword: 'let RDS manage the master password in Secrets Manager (ManageMasterUserPassword)',
  copyTags: 'copy tags to snapshots',
} as const;

export interface InstanceReview {
  /** What apply cannot change: the conflict. */
  differences: string[];
  unfinished: string[];
  /** The ModifyDBInstance fields that finish it (empty when nothing to modify). */
  modify: Partial<ModifyDBInstanceCommandInput>;
}

/** Compare a live instance with the wanted one. `securityGroupId` is compared only when known. */
export function reviewInstance(instance: DBInstance, wanted: WantedInstance, securityGroupId: string | undefined): InstanceReview {
  const differences: string[] = [];
  const unfinished: string[] = [];
  const modify: Partial<ModifyDBInstanceCommandInput> = {};
  const id = instance.DBInstanceIdentifier ?? wanted.identifier;
  const differ = (what: string, live: unknown, want: unknown, extra = '') => differences.push(`${id}: ${what} is ${String(live ?? '(none)')}, wanted ${String(want)}${extra}`);

  if (instance.Engine !== ENGINE) differ('engine', instance.Engine, ENGINE);
  if (instance.EngineVersion && majorVersion(instance.EngineVersion) !== majorVersion(wanted.engineVersion)) {
    differ('engine version', instance.EngineVersion, `${wanted.engineVersion} (the ${majorVersion(wanted.engineVersion)} line)`, '; set database.engineVersion in the config or upgrade it by hand');
  }
  if (instance.DBInstanceClass !== wanted.instanceClass) {
    differ('class', instance.DBInstanceClass, wanted.instanceClass, '; set database.instanceClass in the config, or change it with aws rds modify-db-instance');
  }
  if (instance.AllocatedStorage !== wanted.storageGb) {
    differ('allocated storage (GB)', instance.AllocatedStorage, wanted.storageGb, '; storage can grow but never shrink: set database.allocatedStorageGb in the config to match');
  }
  if (instance.StorageType !== STORAGE_TYPE) differ('storage type', instance.StorageType, STORAGE_TYPE);
  if (instance.MultiAZ !== true) differ('Multi-AZ', instance.MultiAZ ?? false, true);
  if (instance.PubliclyAccessible === true) differ('publicly accessible', true, false, ': a database must not be reachable from the internet');
  if (instance.StorageEncrypted !== true) {
    differ('storage encryption', 'off', 'on', ': encryption cannot be turned on after creation (snapshot it, copy the snapshot encrypted, restore from the copy, or delete it)');
  }
  const liveGroup = instance.DBSubnetGroup?.DBSubnetGroupName;
  if (liveGroup?.toLowerCase() !== wanted.subnetGroup.toLowerCase()) differ('DB subnet group', liveGroup, wanted.subnetGroup);

  const status = instance.DBInstanceStatus ?? 'unknown';
  if (BROKEN_STATUSES.has(status)) {
    differences.push(`${id} is ${status}: RDS cannot recover it on its own (see its Events in the RDS console; fix or delete it, then rerun)`);
  } else if (status === 'stopped' || status === 'stopping') {
    unfinished.push(UNFINISHED.start);
  } else if (status !== 'available') {
    unfinished.push(`${UNFINISHED.waitPrefix} (it is ${status})`);
  }

  if (instance.BackupRetentionPeriod !== wanted.retentionDays) {
    unfinished.push(`${UNFINISHED.retentionPrefix} ${wanted.retentionDays} days (it is ${instance.BackupRetentionPeriod ?? 0})`);
    modify.BackupRetentionPeriod = wanted.retentionDays;
  }
  const liveGroups = (instance.VpcSecurityGroups ?? []).filter((g) => g.Status !== 'removing').flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []));
  if (securityGroupId !== undefined && (liveGroups.length !== 1 || liveGroups[0] !== securityGroupId)) {
    unfinished.push(`${UNFINISHED.securityGroupPrefix} ${securityGroupId} (it has ${liveGroups.join(', ') || 'none'})`);
    modify.VpcSecurityGroupIds = [securityGroupId];
  }
  if (!instance.MasterUserSecret?.SecretArn) {
    unfinished.push(UNFINISHED.managedPassword);
    modify.ManageMasterUserPassword = true;
  }
  if (instance.CopyTagsToSnapshot !== true) {
    unfinished.push(UNFINISHED.copyTags);
    modify.CopyTagsToSnapshot = true;
  }
  return { differences, unfinished, modify };
}

/** The CLI line finishing what `unfinished` lists (no password: the secret stays in Secrets Manager). */
export function modifyCliLine(identifier: string, unfinished: readonly string[], wanted: WantedInstance, securityGroupRef: string): string | undefined {
  const has = (prefix: string) => unfinished.some((u) => u.startsWith(prefix));
  const flags = [
    ...(has(UNFINISHED.retentionPrefix) ? [`--backup-retention-period ${wanted.retentionDays}`] : []),
    ...(has(UNFINISHED.securityGroupPrefix) ? [`--vpc-security-group-ids ${securityGroupRef}`] : []),
    ...(has(UNFINISHED.managedPassword) ? ['--manage-master-user-password'] : []),
    ...(has(UNFINISHED.copyTags) ? ['--copy-tags-to-snapshot'] : []),
  ];
  return flags.length > 0 ? `aws rds modify-db-instance --db-instance-identifier ${identifier} ${flags.join(' ')} --apply-immediately` : undefined;
}

/** The step's outputs from a described instance: ids and addresses, never a secret (the ARN names the secret, it is not one). */
export function instanceOutputs(instance: DBInstance, identifier: string): Outputs {
  return {
    dbInstanceIdentifier: instance.DBInstanceIdentifier ?? identifier,
    ...(instance.Endpoint?.Address ? { endpointAddress: instance.Endpoint.Address } : {}),
    ...(instance.Endpoint?.Port !== undefined ? { endpointPort: String(instance.Endpoint.Port) } : {}),
    ...(instance.MasterUserSecret?.SecretArn ? { masterUserSecretArn: instance.MasterUserSecret.SecretArn } : {}),
  };
}
