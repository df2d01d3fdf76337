import { shellQuote } from '../../ssh/remote-command.js';
import type { DbEndpoint } from '../hosts/db-users-master.js';

/**
 * Remote command lines that run MariaDB's client tools on a host as the RDS master user. Pure.
 *
 * The password arrives in `$DB_PASSWORD` (the SSH layer's secretEnv: read from stdin, never in argv).
 * It is handed to the tool as an option file on a pipe (`--defaults-extra-file=<(printf …)`): printf is
 * a shell builtin, so the password is in no process's argv, and no file holding it is ever on disk.
 * Inside double quotes the option-file syntax unescapes `\\` and `\"`; those two are escaped first, so
 * any password reads back byte for byte.
 */

export const PASSWORD_VAR = 'DB_PASSWORD';

export type ClientTool = 'mariadb' | 'mariadb-dump';

export function masterClientCommand(tool: ClientTool, endpoint: DbEndpoint, user: string, args: readonly string[]): string {
  if (!Number.isInteger(endpoint.port) || endpoint.port <= 0 || endpoint.port > 65535) throw new TypeError(`not a port: ${endpoint.port}`);
  return [
    `esc=\${${PASSWORD_VAR}//\\\\/\\\\\\\\}; esc=\${esc//\\"/\\\\\\"}; unset ${PASSWORD_VAR}`,
    [
      tool,
      // Must come first: MariaDB's tools read --defaults-extra-file only as their first option.
      `--defaults-extra-file=<(printf '[client]\\npassword="%s"\\n' "$esc")`,
      `--host=${shellQuote(endpoint.host)}`,
      `--port=${endpoint.port}`,
      `--user=${shellQuote(user)}`,
      ...args,
    ].join(' '),
  ].join('\n');
}

/**
 * The flags of every dump (issue #5): a consistent InnoDB snapshot without locking, with the code objects
 * too; binary columns as hex literals, so the dump is plain text that survives any tool on its way back.
 */
export const DUMP_FLAGS: readonly string[] = ['--single-transaction', '--routines', '--events', '--triggers', '--hex-blob'];

/**
 * `mariadb-dump … DB | gzip`, with `pipefail`: the command exits non-zero when the dump fails anywhere
 * in the pipe, which is what tells the upload to abort (src/ssh/stream.ts ends stdout only on exit 0).
 */
export function dumpCommand(endpoint: DbEndpoint, user: string, database: string): string {
  return ['set -o pipefail', `${masterClientCommand('mariadb-dump', endpoint, user, [...DUMP_FLAGS, '--', shellQuote(database)])} | gzip -c`].join('\n');
}

/** The server's databases, one per line. */
export function listDatabasesCommand(endpoint: DbEndpoint, user: string): string {
  return masterClientCommand('mariadb', endpoint, user, ['-N', '-B', '-e', shellQuote('SHOW DATABASES')]);
}
