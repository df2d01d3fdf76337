import { AccountStore, DATABASE_PRIVILEGES, DatabaseError, grantee, SYSTEM_DATABASES, type Account } from './accounts.js';
import { nameValue, shape, splitStatements, SqlSyntaxError, stringValue, type Statement } from './statements.js';

/**
 * The simulated RDS MariaDB: accounts, databases and grants, changed and read by the statements the
 * runbook's steps send, recognised by shape (statements.ts) and nothing else: an app's database and
 * user (src/tasks/hosts/db-users-sql.ts), the backup account and the probe of its own privileges
 * (src/tasks/backup/db-user-sql.ts), the login probe (`SELECT 1`), SHOW DATABASES and SHOW TABLES (the
 * backup's and the shop check's), and what a dump of this server holds (CREATE DATABASE, USE), for a
 * restore. It holds no table data: tables exist by name only (what an app's migrations created, through
 * `createTables`), plus the keys of the rows an app asked to keep (`keepRow`: a Django admin's username).
 */

export interface ResultSet {
  columns: string[];
  rows: (string | null)[][];
}

export interface StatementResult {
  /** A result set, or undefined for a statement that returns none. */
  result?: ResultSet;
}

export { DatabaseError, SqlSyntaxError, type Statement };

/** One connection's state: who logged in, and the current database. */
export interface Session {
  account: Account;
  database: string | undefined;
}

type Groups = Record<string, string | undefined>;

interface Shape {
  pattern: RegExp;
  run(server: SimulatedDatabase, session: Session, slots: Groups): StatementResult;
}

/** The account a statement names (`'shop'@'%'`; the host is `%` when left out, as in MariaDB). */
function accountOf(slots: Groups): { user: string; host: string } {
  return { user: nameValue(slots['user'] ?? ''), host: slots['host'] === undefined ? '%' : nameValue(slots['host']) };
}

const databaseOf = (slots: Groups) => nameValue(slots['database'] ?? '');

/** The account's own privileges as the backup probe asks for them: global ones by name (USAGE: none), `PRIV ON db` for the others. */
function ownPrivileges(account: Account): ResultSet {
  const global = account.global.size > 0 ? [...account.global] : ['USAGE'];
  const perDatabase = [...account.databases].flatMap(([schema, privileges]) => DATABASE_PRIVILEGES.filter((p) => privileges.has(p)).map((p) => `${p} ON ${schema}`));
  return { columns: ['PRIVILEGE_TYPE'], rows: [...global, ...perDatabase].sort((a, b) => a.localeCompare(b)).map((p) => [p]) };
}

/** The backup probe's query (OWN_PRIVILEGES_SQL), word for word: information_schema is not simulated beyond it. */
const SELF = "CONCAT(QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', 1)), '@', QUOTE(SUBSTRING_INDEX(CURRENT_USER(), '@', -1)))";
const OWN_PRIVILEGES =
  `SELECT PRIVILEGE_TYPE FROM information_schema.USER_PRIVILEGES WHERE GRANTEE = ${SELF} ` +
  `UNION ALL SELECT CONCAT(PRIVILEGE_TYPE, ' ON ', TABLE_SCHEMA) FROM information_schema.SCHEMA_PRIVILEGES WHERE GRANTEE = ${SELF} ORDER BY 1`;

const SHAPES: Shape[] = [
  { pattern: shape('SELECT 1'), run: () => ({ result: { columns: ['1'], rows: [['1']] } }) },
  { pattern: shape(OWN_PRIVILEGES), run: (_server, session) => ({ result: ownPrivileges(session.account) }) },
  { pattern: shape('SHOW DATABASES'), run: (server, session) => ({ result: { columns: ['Database'], rows: server.store.visibleDatabases(session.account).map((db) => [db]) } }) },
  { pattern: shape('SHOW TABLES'), run: (server, session) => server.showTables(session) },
  { pattern: shape('USE {database}'), run: (server, session, slots) => server.useDatabase(session, databaseOf(slots)) },
  { pattern: shape('CREATE DATABASE{ifNotExists} {database}{charset}{collation}'), run: (server, session, slots) => server.createDatabase(session, databaseOf(slots), slots['ifNotExists'] !== undefined) },
  { pattern: shape('CREATE USER{ifNotExists} {account} IDENTIFIED BY {password}'), run: (server, session, slots) => server.createUser(session, accountOf(slots), stringValue(slots['password'] ?? "''"), slots['ifNotExists'] !== undefined) },
  { pattern: shape('ALTER USER {account} IDENTIFIED BY {password}'), run: (server, session, slots) => server.alterUser(session, accountOf(slots), stringValue(slots['password'] ?? "''")) },
  { pattern: shape('DROP USER{ifExists} {account}'), run: (server, session, slots) => server.dropUser(session, accountOf(slots), slots['ifExists'] !== undefined) },
  { pattern: shape('GRANT {privileges} ON {database}.* TO {account}'), run: (server, session, slots) => server.grant(session, slots['privileges'] ?? '', databaseOf(slots), accountOf(slots)) },
  { pattern: shape('REVOKE ALL PRIVILEGES, GRANT OPTION FROM {account}'), run: (server, session, slots) => server.revokeAll(session, accountOf(slots)) },
];

export class SimulatedDatabase {
  readonly store: AccountStore;
  /** database → its tables' names. */
  private readonly tables = new Map<string, Set<string>>();
  /** `database.table` → the keys of the rows kept there. */
  private readonly rows = new Map<string, Set<string>>();

  constructor(master: { user: string; password: string }) {
    this.store = new AccountStore(master);
  }

  /** Log in (MariaDB error 1045/1044/1049 on failure); `database` is the `-D` one. */
  connect(user: string, password: string | undefined, from: string, database?: string): Session {
    const who = this.store.login(user, password, from);
    if (database !== undefined) this.use(who, database);
    return { account: who, database };
  }

  private use(who: Account, database: string): void {
    const system = (SYSTEM_DATABASES as readonly string[]).includes(database);
    if (!this.store.mayUse(who, database) && !system) throw new DatabaseError(1044, '42000', `Access denied for user '${who.user}'@'%' to database '${database}'`);
    if (!this.store.databases.has(database) && !system) throw new DatabaseError(1049, '42000', `Unknown database '${database}'`);
  }

  /** An app's migrations, as a session of the app's user: CREATE privilege on its current database needed. */
  createTables(session: Session, names: readonly string[]): void {
    const database = this.current(session);
    this.store.require(session.account, 'CREATE', database);
    const tables = this.tables.get(database) ?? new Set<string>();
    for (const name of names) tables.add(name);
    this.tables.set(database, tables);
  }

  /** Keeps a row's key in a table of the session's database (INSERT privilege); false when the key was there. */
  keepRow(session: Session, table: string, key: string): boolean {
    const database = this.current(session);
    this.store.require(session.account, 'INSERT', database);
    if (!this.tables.get(database)?.has(table)) throw new DatabaseError(1146, '42S02', `Table '${database}.${table}' doesn't exist`);
    const rows = this.rows.get(`${database}.${table}`) ?? new Set<string>();
    if (rows.has(key)) return false;
    rows.add(key);
    this.rows.set(`${database}.${table}`, rows);
    return true;
  }

  private current(session: Session): string {
    if (session.database === undefined) throw new DatabaseError(1046, '3D000', 'No database selected');
    return session.database;
  }

  /** A script as the mariadb client sends it: one statement at a time, each with the line it starts on. */
  statements(sql: string): Statement[] {
    return splitStatements(sql);
  }

  /** Run one statement (its text, as `statements` gives it) as the session's account. */
  execute(session: Session, text: string): StatementResult {
    for (const { pattern, run } of SHAPES) {
      const match = pattern.exec(text);
      if (match) return run(this, session, match.groups ?? {});
    }
    throw new SqlSyntaxError(text, 1);
  }

  showTables(session: Session): StatementResult {
    const database = this.current(session);
    return { result: { columns: [`Tables_in_${database}`], rows: [...(this.tables.get(database) ?? [])].sort().map((t) => [t]) } };
  }

  useDatabase(session: Session, database: string): StatementResult {
    this.use(session.account, database);
    session.database = database;
    return {};
  }

  createDatabase(session: Session, name: string, ifNotExists: boolean): StatementResult {
    if (!this.store.has(session.account, 'CREATE', name)) throw new DatabaseError(1044, '42000', `Access denied for user '${session.account.user}'@'%' to database '${name}'`);
    if (this.store.databases.has(name) && !ifNotExists) throw new DatabaseError(1007, 'HY000', `Can't create database '${name}'; database exists`);
    this.store.databases.add(name);
    return {};
  }

  createUser(session: Session, who: { user: string; host: string }, password: string, ifNotExists: boolean): StatementResult {
    this.store.require(session.account, 'CREATE USER');
    const key = grantee(who);
    if (this.store.accounts.has(key)) {
      if (ifNotExists) return {};
      throw new DatabaseError(1396, 'HY000', `Operation CREATE USER failed for ${key}`);
    }
    this.store.accounts.set(key, { ...who, password, global: new Set(), databases: new Map(), grantOption: false });
    return {};
  }

  alterUser(session: Session, who: { user: string; host: string }, password: string): StatementResult {
    this.store.require(session.account, 'CREATE USER');
    const found = this.store.find(who.user, who.host);
    if (!found) throw new DatabaseError(1396, 'HY000', `Operation ALTER USER failed for ${grantee(who)}`);
    found.password = password;
    return {};
  }

  dropUser(session: Session, who: { user: string; host: string }, ifExists: boolean): StatementResult {
    this.store.require(session.account, 'CREATE USER');
    if (!this.store.accounts.delete(grantee(who)) && !ifExists) throw new DatabaseError(1396, 'HY000', `Operation DROP USER failed for ${grantee(who)}`);
    return {};
  }

  /** `GRANT ALL PRIVILEGES ON db.* …` or a list of database-level privileges; only an account with GRANT OPTION may. */
  grant(session: Session, written: string, database: string, who: { user: string; host: string }): StatementResult {
    if (!session.account.grantOption) throw new DatabaseError(1044, '42000', `Access denied for user '${session.account.user}'@'%' to database '${database}'`);
    const list = written.split(',').map((name) => name.trim().replace(/\s+/g, ' ').toUpperCase());
    const all = list.length === 1 && /^ALL( PRIVILEGES)?$/.test(list[0] ?? '');
    const unknown = all ? undefined : list.find((name) => !(DATABASE_PRIVILEGES as readonly string[]).includes(name));
    // MariaDB's grammar knows its privileges by name: anything else (or a global one on `db`.*) does not parse.
    if (unknown !== undefined) throw new SqlSyntaxError(`${unknown} ON \`${database}\`.*`, 1);
    const found = this.store.find(who.user, who.host);
    if (!found) throw new DatabaseError(1133, '28000', `Can't find any matching row in the user table`);
    const held = found.databases.get(database) ?? new Set<string>();
    for (const name of all ? DATABASE_PRIVILEGES : list) held.add(name);
    found.databases.set(database, held);
    return {};
  }

  /** `REVOKE ALL PRIVILEGES, GRANT OPTION FROM …` (needs the global CREATE USER privilege): every privilege, global and per database, and the grant option. */
  revokeAll(session: Session, who: { user: string; host: string }): StatementResult {
    this.store.require(session.account, 'CREATE USER');
    const found = this.store.find(who.user, who.host);
    if (!found) throw new DatabaseError(1269, 'HY000', "Can't revoke all privileges for one or more of the requested users");
    found.global.clear();
    found.databases.clear();
    found.grantOption = false;
    return {};
  }
}
