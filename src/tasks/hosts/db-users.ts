import type { StepContext } from '../../engine/types.js';
import { exec, RemoteCommandError, shellQuote, type SshConnection } from '../../ssh/index.js';
import { readMasterCredentials, type DbEndpoint } from './db-users-master.js';
import { ensureAppDatabaseSql, type AppDatabase } from './db-users-sql.js';
import { HintedError } from '../../errors/hinted-error.js';

/**
 * One app's own database and least-privilege user on RDS, created from the app's host (only the web
 * hosts reach RDS: its security group lets 3306 in from the web group alone) with the host's `mariadb`
 * client. Passwords travel on SSH stdin into the client's environment (`MYSQL_PWD`, read by the
 * client, visible to the same user and root only), never in argv; the SQL goes on stdin too.
 */

export interface AppLogin {
  endpoint: DbEndpoint;
  app: AppDatabase;
  /** The app's own password, as its env file on the host holds it. */
  password: string;
}

/** The app user could not log in even after its password was set: something else is wrong. */
export class AppDatabaseError extends HintedError {
  override readonly name = 'AppDatabaseError';
}

const CONNECT_TIMEOUT_S = 10;

/** `mariadb -h … -P … -u …` (the password comes from MYSQL_PWD). */
export function mariadbCommand(endpoint: DbEndpoint, user: string, database?: string): string {
  return [
    'mariadb',
    `--connect-timeout=${CONNECT_TIMEOUT_S}`,
    `-h ${shellQuote(endpoint.host)}`,
    `-P ${endpoint.port}`,
    `-u ${shellQuote(user)}`,
    ...(database ? [`-D ${shellQuote(database)}`] : []),
  ].join(' ');
}

export async function hasMariadbClient(connection: SshConnection, signal: AbortSignal): Promise<boolean> {
  const result = await exec(connection, 'command -v mariadb >/dev/null', { label: 'command -v mariadb', allowFailure: true, signal, timeoutMs: 30_000 });
  return result.code === 0;
}

/** Installs `mariadb-client` when `mariadb` is missing. Returns whether it installed anything. */
export async function ensureMariadbClient(ctx: StepContext, connection: SshConnection): Promise<boolean> {
  if (await hasMariadbClient(connection, ctx.signal)) return false;
  ctx.progress('installing mariadb-client');
  await exec(connection, 'apt-get -q update && apt-get -q install -y -o DPkg::Lock::Timeout=300 mariadb-client', {
    label: 'apt-get install mariadb-client',
    sudo: true,
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    signal: ctx.signal,
    timeoutMs: 15 * 60_000,
    onLine: (line) => ctx.progress(line),
  });
  return true;
}

/** Whether the app user logs in to its own database with its password (exit code only; nothing is printed). */
export async function appLoginWorks(connection: SshConnection, login: AppLogin, signal: AbortSignal): Promise<boolean> {
  const result = await exec(connection, `${mariadbCommand(login.endpoint, login.app.user, login.app.database)} -N -e 'SELECT 1' >/dev/null 2>&1`, {
    label: `log in to RDS as ${login.app.user}`,
    secretEnv: { MYSQL_PWD: login.password },
    allowFailure: true,
    signal,
    timeoutMs: 60_000,
  });
  return result.code === 0;
}

/**
 * The app's database and user as wanted: nothing happens when the app already logs in with its password;
 * otherwise, as the RDS master user (read from Secrets Manager), the database, the user and its grant are
 * created and the password (re)set. Returns whether anything was sent to RDS.
 */
export async function ensureAppDatabase(ctx: StepContext, connection: SshConnection, login: AppLogin): Promise<boolean> {
  const { app, endpoint } = login;
  if (await appLoginWorks(connection, login, ctx.signal)) return false;
  const master = await readMasterCredentials(ctx);
  ctx.progress(`creating database ${app.database} and user ${app.user} on RDS (or setting its password)`);
  try {
    await exec(connection, `${mariadbCommand(endpoint, master.username)} --batch`, {
      label: `create database ${app.database} and user ${app.user} on RDS`,
      // APP_DB_PASSWORD is not used by the command: as a secretEnv value, exec redacts it from any error
      // text (mariadb may quote the statement it choked on, and the statement holds the password).
      secretEnv: { MYSQL_PWD: master.password, APP_DB_PASSWORD: login.password },
      stdin: ensureAppDatabaseSql(app, login.password),
      signal: ctx.signal,
      timeoutMs: 2 * 60_000,
    });
  } catch (error) {
    if (!(error instanceof RemoteCommandError) || error.code === null) throw error;
    // The message is exec's: label, exit code and MariaDB's last lines, secrets already redacted.
    throw new AppDatabaseError(
      error.message,
      `MariaDB's answer is above: "Can't connect" means the RDS security group or the endpoint (${endpoint.host}:${endpoint.port}); ` +
        '"Access denied" for the master user means the Secrets Manager secret and the instance disagree (RDS is rotating it? rerun in a minute)',
    );
  }
  if (!(await appLoginWorks(connection, login, ctx.signal))) {
    throw new AppDatabaseError(
      `${app.user} still cannot log in to ${endpoint.host}:${endpoint.port}/${app.database} after its user and password were set`,
      `from the host, run \`mariadb -h ${endpoint.host} -P ${endpoint.port} -u ${app.user} -p ${app.database}\` to see MariaDB's answer; check the RDS security group lets this host in on ${endpoint.port}`,
    );
  }
  return true;
}
