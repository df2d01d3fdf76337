import { shellQuote } from '../../ssh/remote-command.js';
import type { DbEndpoint } from '../hosts/db-users-master.js';
import { isDatabaseName, OPTION_FILE } from './names.js';

/**
 * Remote command lines that run MariaDB's client tools on a host. Pure.
 *
 * Two ways in. With a password the tool holds (the RDS master user while `up` creates the backup account,
 * an app's own user for a restore): the password arrives in `$MARIADB_LOGIN_PASSWORD` (the SSH layer's secretEnv:
 * read from stdin, never in argv) and is handed to the tool as an option file on a pipe
 * (`--defaults-extra-file=<(printf …)`): printf is a shell builtin, so the password is in no process's
 * argv, and no file holding it is ever on disk. Inside double quotes the option-file syntax unescapes `\\`
 * and `\"`; those two are escaped first, so any password reads back byte for byte. Or as the backup
 * account, whose root-only option file on the shop host holds its password (run with sudo): the dumps,
 * which therefore never need the master password.
 */

export const PASSWORD_VAR = 'MARIADB_LOGIN_PASSWORD';

export type ClientTool = 'mariadb' | 'mariadb-dump';

/** Escapes $MARIADB_LOGIN_PASSWORD for the option-file syntax into $esc, and drops it from the environment. */
const ESCAPE_PASSWORD = `esc=\${${PASSWORD_VAR}//\\\\/\\\\\\\\}; esc=\${esc//\\"/\\\\\\"}; unset ${PASSWORD_VAR}`;

function withPassword(tool: ClientTool, endpoint: DbEndpoint, user: string, args: readonly string[]): string {
  if (!Number.isInteger(endpoint.port) || endpoint.port <= 0 || endpoint.port > 65535) throw new TypeError(`not a port: ${endpoint.port}`);
  return [
    tool,
    // Must come first: MariaDB's tools read --defaults-extra-file only as their first option.
    `--defaults-extra-file=<(printf '[client]\\npassword="%s"\\n' "$esc")`,
    `--host=${shellQuote(endpoint.host)}`,
    `--port=${endpoint.port}`,
    `--user=${shellQuote(user)}`,
    ...args,
  ].join(' ');
}

/** The tool, logged in as `user` with the password in $MARIADB_LOGIN_PASSWORD. */
export function clientCommand(tool: ClientTool, endpoint: DbEndpoint, user: string, args: readonly string[]): string {
  return [ESCAPE_PASSWORD, withPassword(tool, endpoint, user, args)].join('\n');
}

/** The tool as the backup account (its option file is root's: run with sudo). */
export function backupAccountCommand(tool: ClientTool, args: readonly string[]): string {
  return [tool, `--defaults-extra-file=${shellQuote(OPTION_FILE)}`, ...args].join(' ');
}

/**
 * The flags of every dump, the daily timer's and `aws-runbook backup`'s. MariaDB's manual (mariadb-dump):
 * the tool needs SELECT on the tables, SHOW VIEW for views, TRIGGER for triggers, and LOCK TABLES unless
 * `--single-transaction`; EVENT for `--events`. So: a consistent InnoDB snapshot without locking, the
 * triggers and events, binary columns as hex literals (plain text that survives any tool on its way back),
 * and no tablespace statements (the apps create none). No `--routines`: it needs SELECT on mysql.proc,
 * which the backup account does not get; MariaDB 10.11 then leaves the routines out of the dump without a
 * word (tried against 10.11.19). The apps define none (Django and WordPress keep their logic in the app).
 */
export const DUMP_FLAGS: readonly string[] = ['--single-transaction', '--no-tablespaces', '--events', '--triggers', '--hex-blob'];

/**
 * `mariadb-dump … DB | gzip` as the backup account, with `pipefail`: the command exits non-zero when the
 * dump fails anywhere in the pipe, which is what tells the upload to abort (src/ssh/stream.ts ends stdout
 * only on exit 0). Run with sudo.
 */
export function dumpCommand(database: string): string {
  if (!isDatabaseName(database)) throw new TypeError(`not a database name: ${JSON.stringify(database)}`);
  return ['set -o pipefail', `${backupAccountCommand('mariadb-dump', [...DUMP_FLAGS, '--', shellQuote(database)])} | gzip -c`].join('\n');
}

/** The databases the backup account may see, one per line (information_schema among them). Run with sudo. */
export function listDatabasesCommand(): string {
  return backupAccountCommand('mariadb', ['-N', '-B', '-e', shellQuote('SHOW DATABASES')]);
}

/**
 * `gunzip | mariadb DB` as the app's own user (password in $MARIADB_LOGIN_PASSWORD): the gzipped dump arrives on
 * stdin after the secret line. With `pipefail`, a truncated or corrupt gzip fails the command even though
 * mariadb read all that came; mariadb stops at the first statement that fails.
 */
export function restoreCommand(endpoint: DbEndpoint, user: string, database: string): string {
  if (!isDatabaseName(database)) throw new TypeError(`not a database name: ${JSON.stringify(database)}`);
  return ['set -o pipefail', ESCAPE_PASSWORD, `gunzip -c | ${withPassword('mariadb', endpoint, user, [shellQuote(database)])}`].join('\n');
}
