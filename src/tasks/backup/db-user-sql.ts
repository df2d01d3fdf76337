import { quoteString } from '../hosts/db-users-sql.js';
import type { DbEndpoint } from '../hosts/db-users-master.js';
import { BACKUP_DB_USER, OPTION_FILE } from './names.js';

/**
 * The timer's database account: what it may do, the SQL that makes it so, and the option file that
 * holds its password on the host. Pure.
 */

/**
 * What `mariadb-dump --single-transaction --routines --events --triggers` needs and nothing more: read
 * (global SELECT also reads mysql.proc for the routines), views, triggers, events, and LOCK TABLES for
 * non-transactional tables. Global, because the dumps cover every application database, present and future.
 */
export const BACKUP_PRIVILEGES: readonly string[] = ['EVENT', 'LOCK TABLES', 'SELECT', 'SHOW VIEW', 'TRIGGER'];

const ACCOUNT = `${quoteString(BACKUP_DB_USER)}@${quoteString('%')}`;

/**
 * Run as the master user: create the account if missing, set its password (CREATE … IF NOT EXISTS alone
 * would keep a lost one), and leave it exactly BACKUP_PRIVILEGES (REVOKE ALL first drops anything added by hand).
 */
export function ensureBackupUserSql(password: string): string {
  const secret = quoteString(password);
  return [
    `CREATE USER IF NOT EXISTS ${ACCOUNT} IDENTIFIED BY ${secret};`,
    `ALTER USER ${ACCOUNT} IDENTIFIED BY ${secret};`,
    `REVOKE ALL PRIVILEGES, GRANT OPTION FROM ${ACCOUNT};`,
    `GRANT ${BACKUP_PRIVILEGES.join(', ')} ON *.* TO ${ACCOUNT};`,
    '',
  ].join('\n');
}

export function dropBackupUserSql(): string {
  return `DROP USER IF EXISTS ${ACCOUNT};\n`;
}

/** `[client]` options for the timer's dumps (root-only file: it holds the password). */
export function optionFileContent(endpoint: DbEndpoint, password: string): string {
  if (/[\n"\\]/.test(password)) throw new TypeError('the backup account password must not contain a newline, quote or backslash');
  return ['# aws-runbook (backup.db-user): the daily dump\'s database account. Root only.', '[client]', `host=${endpoint.host}`, `port=${endpoint.port}`, `user=${BACKUP_DB_USER}`, `password="${password}"`, ''].join('\n');
}

/** The grantee as information_schema writes it ('user'@'host'), for the logged-in account. */
const SELF = "CONCAT(QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', 1)), '@', QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)))";

/**
 * The logged-in account's own privileges: global ones by name, database-level ones as `PRIV ON db`.
 * Filtered by grantee: with global SELECT the account could read everyone's rows there.
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
    const have = (facts['privileges'] ?? '').split(',').filter(Boolean).sort();
    if (have.join(',') !== [...BACKUP_PRIVILEGES].sort().join(',')) unfinished.push(`the account ${BACKUP_DB_USER} has ${have.join(', ') || 'no privilege'}, not exactly ${BACKUP_PRIVILEGES.join(', ')}`);
  }
  return unfinished;
}
