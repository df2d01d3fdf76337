import { quoteIdentifier, quoteString } from '../hosts/db-users-sql.js';
import type { DbEndpoint } from '../hosts/db-users-master.js';
import { BACKUP_DATABASES, BACKUP_DB_USER, OPTION_FILE } from './names.js';

/**
 * The backup database account: what it may do, the SQL that makes it so, and the option file that holds
 * its password on the host. Pure.
 */

/**
 * What `mariadb-dump` with DUMP_FLAGS needs on a database, and nothing more (MariaDB 10.11's manual,
 * mariadb-dump, "Privileges"): SELECT for the tables, SHOW VIEW for the views, TRIGGER for the triggers,
 * EVENT for the events, LOCK TABLES for tables that are not transactional. Granted per application
 * database: nothing global, nothing on `mysql`.*. (`--routines` would need SELECT on mysql.proc: see DUMP_FLAGS.)
 */
export const BACKUP_PRIVILEGES: readonly string[] = ['EVENT', 'LOCK TABLES', 'SELECT', 'SHOW VIEW', 'TRIGGER'];

const ACCOUNT = `${quoteString(BACKUP_DB_USER)}@${quoteString('%')}`;

/**
 * `_` and `%` are wildcards in a database-level GRANT (`my_shop` would match `myXshop` too): the app
 * databases never have them, and a name that did is refused rather than granted more widely than meant.
 */
function grantTarget(database: string): string {
  if (!/^[A-Za-z0-9]+$/.test(database)) throw new TypeError(`not a database name the backup account is granted on (letters and digits only): ${JSON.stringify(database)}`);
  return `${quoteIdentifier(database)}.*`;
}

/** The account's privileges as the probe reads them back: `PRIVILEGE ON database`, sorted. */
export function wantedPrivileges(databases: readonly string[] = BACKUP_DATABASES): string[] {
  return databases.flatMap((db) => BACKUP_PRIVILEGES.map((p) => `${p} ON ${db}`)).sort();
}

/**
 * Run as the master user: create the account if missing, set its password (CREATE … IF NOT EXISTS alone
 * would keep a lost one), and leave it exactly BACKUP_PRIVILEGES on each application database (REVOKE ALL
 * first drops anything else: an older global grant, anything added by hand). A database that does not
 * exist yet may be granted on (MariaDB keeps the grant for when it is created).
 */
export function ensureBackupUserSql(password: string, databases: readonly string[] = BACKUP_DATABASES): string {
  const secret = quoteString(password);
  return [
    `CREATE USER IF NOT EXISTS ${ACCOUNT} IDENTIFIED BY ${secret};`,
    `ALTER USER ${ACCOUNT} IDENTIFIED BY ${secret};`,
    `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${ACCOUNT};`,
    ...databases.map((db) => `GRANT ${BACKUP_PRIVILEGES.join(', ')} ON ${grantTarget(db)} TO ${ACCOUNT};`),
    '',
  ].join('\n');
}

export function dropBackupUserSql(): string {
  return `DROP USER IF EXISTS ${ACCOUNT};\n`;
}

/** `[client]` options for the dumps (root-only file: it holds the password). */
export function optionFileContent(endpoint: DbEndpoint, password: string): string {
  if (/[\n"\\]/.test(password)) throw new TypeError('the backup account password must not contain a newline, quote or backslash');
  return ['# aws-runbook (backup.db-user): the dumps\' database account. Root only.', '[client]', `host=${endpoint.host}`, `port=${endpoint.port}`, `user=${BACKUP_DB_USER}`, `password="${password}"`, ''].join('\n');
}

/** The grantee as information_schema writes it ('user'@'host'), for the logged-in account. */
const SELF = "CONCAT(QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', 1)), '@', QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)))";

/**
 * The logged-in account's own privileges: global ones by name (`USAGE` alone: none), database-level ones
 * as `PRIV ON db`. Filtered by grantee: information_schema shows an account with more rights others' rows too.
 */
export const OWN_PRIVILEGES_SQL =
  `SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${SELF} ` +
  `UNION ALL SELECT CONCAT(PRIVILEGE_TYPE, ' ON ', TABLE_SCHEMA) FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ${SELF} ORDER BY 1`;

/**
 * Probe (run as root): the option file's mode and owner, its non-secret lines, and whether its account
 * logs in, with that account's own privileges. The password line is never printed.
 */
export function probeBackupUserScript(): string {
  const f = `'${OPTION_FILE}'`;
  return [
    `if [ ! -f ${f} ]; then echo file=absent; exit 0; fi`,
    `echo "file=$(stat -c '%a:%U:%G' ${f})"`,
    `echo "host=$(sed -n 's/^host=//p' ${f})"`,
    `echo "port=$(sed -n 's/^port=//p' ${f})"`,
    `echo "user=$(sed -n 's/^user=//p' ${f})"`,
    `if privileges=$(mariadb --defaults-extra-file=${f} -N -B -e "${OWN_PRIVILEGES_SQL}" 2>/dev/null); then`,
    '  echo login=ok',
    '  echo "privileges=$(printf \'%s\\n\' "$privileges" | paste -sd, -)"',
    'else',
    '  echo login=failed',
    'fi',
  ].join('\n');
}

/** What is still to do (empty: the account logs in from the file, with exactly its privileges, at this endpoint). */
export function backupUserUnfinished(facts: Record<string, string>, endpoint: DbEndpoint | undefined): string[] {
  if (facts['file'] === 'absent' || facts['file'] === undefined) return [`write ${OPTION_FILE} and create the database account ${BACKUP_DB_USER}`];
  const unfinished: string[] = [];
  if (facts['file'] !== '600:root:root') unfinished.push(`${OPTION_FILE} is ${facts['file']}, not 600 root:root: rewrite it`);
  if (endpoint && (facts['host'] !== endpoint.host || facts['port'] !== String(endpoint.port))) unfinished.push(`${OPTION_FILE} points at ${facts['host']}:${facts['port']}, not the RDS endpoint ${endpoint.host}:${endpoint.port}`);
  if (facts['user'] !== BACKUP_DB_USER) unfinished.push(`${OPTION_FILE} names the account ${facts['user'] ?? '(none)'}, not ${BACKUP_DB_USER}`);
  if (facts['login'] !== 'ok') unfinished.push(`the account ${BACKUP_DB_USER} does not log in with ${OPTION_FILE}: reset its password`);
  else {
    // USAGE is "no global privilege", which is what is wanted.
    const have = (facts['privileges'] ?? '').split(',').filter((p) => p !== '' && p !== 'USAGE').sort();
    const wanted = wantedPrivileges();
    if (have.join(',') !== wanted.join(',')) {
      unfinished.push(`the account ${BACKUP_DB_USER} has ${have.join(', ') || 'no privilege'}, not exactly ${BACKUP_PRIVILEGES.join(', ')} on ${BACKUP_DATABASES.join(' and ')}`);
    }
  }
  return unfinished;
}
