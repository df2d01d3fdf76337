/**
 * The SQL that gives one app its own database and least-privilege user on RDS (MariaDB). Pure: the
 * statements are built here and sent to the host's `mariadb` client on stdin (never in argv).
 *
 * Quoting follows MariaDB's rules with the default sql_mode (backslash escapes on, as on RDS):
 * identifiers in backticks with backticks doubled; string literals in single quotes with `\`, `'`,
 * NUL, newline, CR and Ctrl-Z escaped, as mysql_real_escape_string does. The passwords this tool
 * generates never need escaping, but a user-supplied one must not break out of its literal.
 */

/** One app's database and user (`shop`/`shop`, `wordpress`/`wordpress`). */
export interface AppDatabase {
  /** Database (schema) name. */
  database: string;
  /** Login name. */
  user: string;
  /** The host part of the account; `%`: the security groups, not MariaDB, decide who may connect. */
  userHost: string;
}

/** MariaDB limits: database names 64 characters, user names 80 (we keep to a plain, portable subset). */
const DATABASE_NAME = /^[A-Za-z0-9_]{1,64}$/;
const USER_NAME = /^[A-Za-z0-9_]{1,32}$/;

export function appDatabase(name: string): AppDatabase {
  const app = { database: name, user: name, userHost: '%' };
  assertAppDatabase(app);
  return app;
}

export function assertAppDatabase(app: AppDatabase): void {
  if (!DATABASE_NAME.test(app.database)) throw new TypeError(`not a database name this tool creates: ${JSON.stringify(app.database)}`);
  if (!USER_NAME.test(app.user)) throw new TypeError(`not a user name this tool creates: ${JSON.stringify(app.user)}`);
}

/** `shop` → `` `shop` ``; a backtick inside is doubled. */
export function quoteIdentifier(name: string): string {
  if (name.length === 0 || name.includes('\0')) throw new TypeError('an SQL identifier cannot be empty or contain NUL');
  return `\`${name.replace(/`/g, '``')}\``;
}

const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\n': '\\n',
  '\r': '\\r',
  '\x1a': '\\Z',
};

/** A single-quoted MariaDB string literal for any text. */
export function quoteString(value: string): string {
  return `'${[...value].map((char) => STRING_ESCAPES[char] ?? char).join('')}'`;
}

/** `'shop'@'%'` */
export function accountName(app: AppDatabase): string {
  return `${quoteString(app.user)}@${quoteString(app.userHost)}`;
}

/**
 * Run as the master user when the app's login fails: creates what is missing and (re)sets the password
 * the app's env file holds. `CREATE USER IF NOT EXISTS` leaves an existing user's password alone, so the
 * `ALTER USER` is what makes a user whose password was lost (a run interrupted between generating the
 * password and writing the env file, a hand-made user) log in with ours. GRANT is idempotent.
 */
export function ensureAppDatabaseSql(app: AppDatabase, password: string): string {
  assertAppDatabase(app);
  const db = quoteIdentifier(app.database);
  const account = accountName(app);
  const secret = quoteString(password);
  return [
    `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`,
    `CREATE USER IF NOT EXISTS ${account} IDENTIFIED BY ${secret};`,
    `ALTER USER ${account} IDENTIFIED BY ${secret};`,
    `GRANT ALL PRIVILEGES ON ${db}.* TO ${account};`,
    '',
  ].join('\n');
}

/** The same statements with the password left out: for previews. */
export function ensureAppDatabasePreviewSql(app: AppDatabase): string {
  return ensureAppDatabaseSql(app, '<generated>').replace(/'<generated>'/g, '<generated, from the env file on the host>');
}
