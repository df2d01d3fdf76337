import type { DBInstance } from '@aws-sdk/client-rds';
import type { Config } from '../../config/schema.js';
import { databaseNames } from '../database/names.js';
import { liveDatabase } from './database.js';
import { fail, pass, skip, warn, type Check, type CheckResult } from './types.js';

/**
 * The RDS controls of the AWS Foundational Security Best Practices: RDS.2 (not publicly accessible),
 * RDS.3 (storage encrypted), RDS.5 (Multi-AZ), RDS.11 (automatic backups retained). They judge the
 * instance that is there; a missing instance is the `database.instance.available` check's failure.
 */

const modifyLine = (identifier: string, flags: string) => `aws rds modify-db-instance --db-instance-identifier ${identifier} ${flags} --apply-immediately`;

function rdsCheck(config: Config, id: string, title: string, judge: (instance: DBInstance, identifier: string) => CheckResult): Check {
  return {
    id,
    group: 'security',
    title,
    async run(ctx) {
      const found = await liveDatabase(ctx);
      if ('result' in found) return skip(`not checked: ${found.result.evidence}`, 'see database.instance.available');
      return judge(found.instance, databaseNames(config).instance);
    },
  };
}

export function databaseChecksInSecurity(config: Config): Check[] {
  const identifier = databaseNames(config).instance;
  const retention = config.database.backupRetentionDays;
  return [
    rdsCheck(config, 'security.rds-2.not-public', `RDS.2: ${identifier} is not publicly accessible`, (db, name) =>
      db.PubliclyAccessible === true
        ? fail(`${name} is publicly accessible (PubliclyAccessible true): it gets a public address`, modifyLine(name, '--no-publicly-accessible'))
        : pass(`${name}: PubliclyAccessible false`),
    ),
    rdsCheck(config, 'security.rds-3.encrypted', `RDS.3: ${identifier} storage is encrypted at rest`, (db, name) =>
      db.StorageEncrypted === true
        ? pass(`${name}: storage encrypted${db.KmsKeyId ? ` with ${db.KmsKeyId}` : ''}`)
        : fail(
            `${name} storage is not encrypted`,
            `encryption cannot be turned on in place: snapshot ${name}, copy the snapshot with --kms-key-id (aws rds copy-db-snapshot), restore from the copy, then delete the old instance`,
          ),
    ),
    rdsCheck(config, 'security.rds-5.multi-az', `RDS.5: ${identifier} is Multi-AZ`, (db, name) => {
      if (db.MultiAZ === true) return pass(`${name}: Multi-AZ${db.SecondaryAvailabilityZone ? ` (${db.AvailabilityZone ?? '?'} + ${db.SecondaryAvailabilityZone})` : ''}`);
      if (db.PendingModifiedValues?.MultiAZ === true) return warn(`${name} is being converted to Multi-AZ`, 'rerun verify once the change is applied');
      return fail(`${name} is single-AZ (MultiAZ false)`, modifyLine(name, '--multi-az'));
    }),
    rdsCheck(config, 'security.rds-11.backups-retained', `RDS.11: ${identifier} keeps automatic backups (retention ≥ 1 day; the config says ${retention})`, (db, name) => {
      const days = db.BackupRetentionPeriod ?? 0;
      if (days < 1) return fail(`${name} has automatic backups off (retention ${days} days)`, modifyLine(name, `--backup-retention-period ${retention}`));
      if (days < retention) return warn(`${name} keeps backups ${days} days, the config says ${retention}`, modifyLine(name, `--backup-retention-period ${retention}`));
      return pass(`${name}: backups retained ${days} days${db.PreferredBackupWindow ? `, window ${db.PreferredBackupWindow}` : ''}`);
    }),
  ];
}
