/**
 * The simulated MariaDB server's accounts and databases: what CREATE/ALTER/DROP USER, GRANT, REVOKE and
 * CREATE DATABASE change, and what logins and the privilege probe read.
 */

/** What `GRANT ALL PRIVILEGES ON db.*` gives (MariaDB 10.11's database-level privileges). */
export const DATABASE_PRIVILEGES = [
  'SELECT',
  'INSERT',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'REFERENCES',
  'INDEX',
  'ALTER',
  'CREATE TEMPORARY TABLES',
  'LOCK TABLES',
  'EXECUTE',
  'CREATE VIEW',
  'SHOW VIEW',
  'CREATE ROUTINE',
  'ALTER ROUTINE',
  'EVENT',
  'TRIGGER',
  'DELETE HISTORY',
] as const;

/** ON *.* adds the server-wide ones. */
export const GLOBAL_PRIVILEGES = [...DATABASE_PRIVILEGES, 'RELOAD', 'SHUTDOWN', 'PROCESS', 'FILE', 'SHOW DATABASES', 'SUPER', 'REPLICATION SLAVE', 'REPLICATION CLIENT', 'CREATE USER', 'CREATE TABLESPACE'] as const;

export const SYSTEM_DATABASES = ['information_schema', 'mysql', 'performance_schema', 'sys'] as const;

export interface Account {
  user: string;
  host: string;
  password: string;
  global: Set<string>;
  /** Database → privileges on `db`.* */
  databases: Map<string, Set<string>>;
  grantOption: boolean;
}

/** `'user'@'host'`, as information_schema's GRANTEE column writes it. */
export function grantee(account: Pick<Account, 'user' | 'host'>): string {
  return `'${account.user}'@'${account.host}'`;
}

export class DatabaseError extends Error {
  constructor(
    readonly code: number,
    readonly state: string,
    message: string,
  ) {
    super(message);
  }
}

export class AccountStore {
  readonly accounts = new Map<string, Account>();
  readonly databases = new Set<string>();

  constructor(master: { user: string; password: string }) {
    this.accounts.set(grantee({ user: master.user, host: '%' }), {
      user: master.user,
      host: '%',
      password: master.password,
      global: new Set(GLOBAL_PRIVILEGES),
      databases: new Map(),
      grantOption: true,
    });
  }

  find(user: string, host: string): Account | undefined {
    return this.accounts.get(grantee({ user, host }));
  }

  /** The account a client logs in as (user@'%' here: every account of the runbook is '%'), or the 1045 error. */
  login(user: string, password: string | undefined, from: string): Account {
    const account = this.find(user, '%');
    if (!account || account.password !== (password ?? '')) {
      throw new DatabaseError(1045, '28000', `Access denied for user '${user}'@'${from}' (using password: ${password ? 'YES' : 'NO'})`);
    }
    return account;
  }

  /** Whether the account has any privilege on the database (or a global one). */
  mayUse(account: Account, database: string): boolean {
    return account.global.size > 0 || (account.databases.get(database)?.size ?? 0) > 0;
  }

  has(account: Account, privilege: string, database?: string): boolean {
    return account.global.has(privilege) || (database !== undefined && (account.databases.get(database)?.has(privilege) ?? false));
  }

  require(account: Account, privilege: string, database?: string): void {
    if (this.has(account, privilege, database)) return;
    throw new DatabaseError(1227, '42000', `Access denied; you need (at least one of) the ${privilege} privilege(s) for this operation`);
  }

  /** SHOW DATABASES as the account sees it. */
  visibleDatabases(account: Account): string[] {
    const all = [...SYSTEM_DATABASES, ...this.databases];
    return all.filter((db) => db === 'information_schema' || this.mayUse(account, db)).sort();
  }
}
