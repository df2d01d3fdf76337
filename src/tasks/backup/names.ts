import type { Config } from '../../config/schema.js';
import { SHOP_DATABASE } from '../hosts/shop/names.js';
import { WORDPRESS_DATABASE } from '../hosts/wordpress/names.js';

/** Step ids of the backup section. Names are a contract (state, --only). */
export const BACKUP_STEP_IDS = {
  role: 'backup.iam-role',
  profile: 'backup.instance-profile',
  association: 'backup.profile-association',
  tools: 'backup.client-tools',
  dbUser: 'backup.db-user',
  timer: 'backup.timer',
} as const;

/** The host that dumps: the shop (ecommerce) instance, in the web SG that may reach RDS. */
export const BACKUP_HOST = 'ecommerce' as const;

/** Every dump lands under this prefix; the instance role may write here and nowhere else. */
export const BACKUP_PREFIX = 'backups/';

/** Where the IAM role and instance profile live (IAM paths group a tool's roles). */
export const IAM_PATH = '/aws-runbook/';

/** The role's one inline policy. */
export const PUT_POLICY_NAME = 'put-db-dumps';

/**
 * The application databases the backup account may read (and `aws-runbook restore` may write back): the
 * ones the hosts section creates. The account sees no other database, so the dumps cover exactly these.
 */
export const BACKUP_DATABASES: readonly string[] = [SHOP_DATABASE.database, WORDPRESS_DATABASE.database];

/** The database account every dump runs as (the timer's and `aws-runbook backup`'s), and the root-only 0600 option file on the shop host holding its password. */
export const BACKUP_DB_USER = 'awsrb_backup';
export const OPTION_FILE = '/etc/aws-runbook/db-backup.cnf';

/** The timer's pieces on the host. */
export const TIMER_UNIT = 'aws-runbook-db-backup.timer';
export const SERVICE_UNIT = 'aws-runbook-db-backup.service';
export const UNIT_DIR = '/etc/systemd/system';
export const BACKUP_SCRIPT = '/usr/local/bin/aws-runbook-db-backup';

/** What `SHOW DATABASES` lists that is the server's own, not an application's: never dumped by default. */
export const SYSTEM_SCHEMAS: readonly string[] = ['information_schema', 'performance_schema', 'mysql', 'sys'];

const IAM_NAME = /^[\w+=,.@-]{1,64}$/;

/**
 * `aws-runbook-bfhk-us-east-2-db-backup`: IAM is global, the bucket is per region, so the region is in
 * the name (one project in two regions gets two roles, each limited to its own bucket). The instance
 * profile has the same name, as the console makes it.
 */
export function backupRoleName(config: Config, region: string = config.region): string {
  const name = `aws-runbook-${config.suffix.toLowerCase()}-${region}-db-backup`;
  if (!IAM_NAME.test(name)) throw new Error(`"${name}" is not a valid IAM role name (at most 64 letters, digits and +=,.@_-): shorten the suffix`);
  return name;
}

/** Database names `aws-runbook backup` accepts: MariaDB's plain unquoted names (no leading dash: it would read as an option). */
const DATABASE_NAME = /^[A-Za-z0-9_$][A-Za-z0-9_$-]{0,63}$/;

export function isDatabaseName(name: string): boolean {
  return DATABASE_NAME.test(name);
}

/**
 * `backups/shop/2026-11-25T03:17:00.123Z.sql.gz`: ISO 8601 UTC with fixed width, so the keys of one
 * database sort by date (`aws s3 ls` lists the newest last). The daily timer writes the same form.
 */
export function backupObjectKey(database: string, at: Date): string {
  if (!isDatabaseName(database)) throw new TypeError(`not a database name: ${JSON.stringify(database)}`);
  return `${BACKUP_PREFIX}${database}/${at.toISOString()}.sql.gz`;
}
