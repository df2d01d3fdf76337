import { shellQuote } from '../../aws/cli.js';
import type { Config } from '../../config/schema.js';
import type { AwsTag } from '../../engine/types.js';

/** Step ids of the database section. Names are a contract (state, --only). */
export const DATABASE_STEP_IDS = {
  subnetGroup: 'database.subnet-group',
  instance: 'database.instance',
} as const;

/** The security section's RDS group (written elsewhere): step `security.rds`, output `groupId`. */
export const RDS_SECURITY_GROUP_STEP = 'security.rds';

export const MASTER_USERNAME = 'admin';
export const ENGINE = 'mariadb';
export const STORAGE_TYPE = 'gp3';

/** RDS lower-cases subnet group names and instance identifiers: ours are lower-case from the start. */
export function databaseNames(config: Config) {
  const s = config.suffix.toLowerCase();
  return {
    subnetGroup: `rds-private-${s}`,
    instance: `database-1-${s}`,
  };
}

/** `database-1-bfhk-final-20261125-1236` (UTC): a new name per teardown, so a second `down` does not collide. */
export function finalSnapshotIdentifier(instance: string, now: Date = new Date()): string {
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `${instance}-final-${stamp}`;
}

/** `--tags Key=Name,Value=x Key=...` as the RDS CLI takes them. */
export function cliRdsTags(tags: readonly AwsTag[]): string {
  return `--tags ${tags.map((t) => shellQuote(`Key=${t.Key},Value=${t.Value}`)).join(' ')}`;
}

/** `10.11.9` → `10.11`: RDS applies minor (patch) upgrades on its own; the major line is what must match. */
export function majorVersion(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}
