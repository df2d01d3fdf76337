import { AccountStore, DATABASE_PRIVILEGES, DatabaseError, GLOBAL_PRIVILEGES, grantee, SYSTEM_DATABASES, type Account } from './accounts.js';
import { runSelect, type ResultSet } from './select.js';
import { Cursor, splitStatements, SqlSyntaxError, tokenize, type Token } from './sql-lexer.js';

/**
 * The simulated RDS MariaDB: accounts, databases and grants, changed and read by SQL statements (what the
 * runbook's steps send and a little around it: CREATE/DROP DATABASE, CREATE/ALTER/DROP USER, GRANT,
 * REVOKE, SHOW DATABASES, SHOW TABLES, USE, SELECT over information_schema). It holds no table data:
 * tables exist by name only (what an app's migrations created, through `createTables`), plus the keys of
 * the rows an app asked to keep (`keepRow`: a Django admin's username); a dump of a database is its CREATE
 * DATABASE line.
 */

export interface StatementResult {
  /** A result set, or undefined for a statement that returns none. */
  result?: ResultSet;
}

export { DatabaseError, type ResultSet };

/** One connection's state: who logged in, and the current database. */
export interface Session {
  account: Account;
  database: string | undefined;
}

function account(cursor: Cursor): { user: string; host: string } {
  const user = cursor.name();
  const host = cursor.acceptSymbol('@') ? cursor.name() : '%';
  return { user, host };
}

function accounts(cursor: Cursor): { user: string; host: string }[] {
  const list = [account(cursor)];
  while (cursor.acceptSymbol(',')) list.push(account(cursor));
  return list;
}

/** `ALL [PRIVILEGES]` or a comma list of privilege names (`LOCK TABLES`, `SHOW VIEW`); stops before ON/FROM. */
function privileges(cursor: Cursor, stop: string): { all: boolean; names: string[]; grantOption: boolean } {
  const names: string[] = [];
  let all = false;
  let grantOption = false;
  do {
    if (cursor.accept('ALL')) {
      cursor.accept('PRIVILEGES');
      all = true;
      continue;
    }
    if (cursor.accept('GRANT', 'OPTION')) {
      grantOption = true;
      continue;
    }
    const words: string[] = [];
    while (!cursor.done && cursor.peek()?.kind === 'word' && !(cursor.peek() as { upper: string }).upper.match(new RegExp(`^(${stop})$`))) {
      words.push((cursor.next() as { upper: string }).upper);
      if (cursor.peek()?.kind === 'symbol') break;
    }
    if (words.length === 0) throw cursor.error();
    names.push(words.join(' '));
  } while (cursor.acceptSymbol(','));
  return { all, names, grantOption };
}

/** `*.*` → undefined (global); `db.*` → db. */
function target(cursor: Cursor): string | undefined {
  if (cursor.acceptSymbol('*')) {
    cursor.expectSymbol('.');
    cursor.expectSymbol('*');
    return undefined;
  }
  const database = cursor.name();
  cursor.expectSymbol('.');
  if (!cursor.acceptSymbol('*')) throw new DatabaseError(1144, '42000', 'Table-level grants are not simulated');
  return database;
}

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
    if (!this.store.mayUse(who, database) && !SYSTEM_DATABASES.includes(database as (typeof SYSTEM_DATABASES)[number])) {
      throw new DatabaseError(1044, '42000', `Access denied for user '${who.user}'@'%' to database '${database}'`);
    }
    if (!this.store.databases.has(database) && !SYSTEM_DATABASES.includes(database as (typeof SYSTEM_DATABASES)[number])) {
      throw new DatabaseError(1049, '42000', `Unknown database '${database}'`);
    }
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

  /** Split a script into statements; each item is the statement's tokens and first line. */
  statements(sql: string): { tokens: Token[]; line: number }[] {
    return splitStatements(tokenize(sql)).map((tokens) => ({ tokens, line: tokens[0]?.line ?? 1 }));
  }

  execute(session: Session, tokens: Token[]): StatementResult {
    const cursor = new Cursor(tokens);
    const first = cursor.peek();
    const kind = first?.kind === 'word' ? first.upper : '';
    this.store.log.push({ account: grantee(session.account), statement: kind });
    if (kind === 'SELECT') return { result: runSelect(tokens, session.account, this.store) };
    cursor.next();
    switch (kind) {
      case 'SHOW':
        if (cursor.accept('TABLES')) {
          cursor.end();
          const database = this.current(session);
          return { result: { columns: [`Tables_in_${database}`], rows: [...(this.tables.get(database) ?? [])].sort().map((t) => [t]) } };
        }
        cursor.expect('DATABASES');
        cursor.end();
        return { result: { columns: ['Database'], rows: this.store.visibleDatabases(session.account).map((db) => [db]) } };
      case 'USE': {
        const database = cursor.name();
        cursor.end();
        this.use(session.account, database);
        session.database = database;
        return {};
      }
      case 'FLUSH':
        cursor.expect('PRIVILEGES');
        cursor.end();
        return {};
      case 'CREATE':
        return cursor.accept('DATABASE') || cursor.accept('SCHEMA') ? this.createDatabase(session, cursor) : this.createUser(session, cursor);
      case 'DROP':
        return cursor.accept('DATABASE') || cursor.accept('SCHEMA') ? this.dropDatabase(session, cursor) : this.dropUser(session, cursor);
      case 'ALTER':
        return this.alterUser(session, cursor);
      case 'GRANT':
        return this.grant(session, cursor);
      case 'REVOKE':
        return this.revoke(session, cursor);
      default:
        throw cursor.error(first);
    }
  }

  private createDatabase(session: Session, cursor: Cursor): StatementResult {
    const ifNotExists = cursor.accept('IF', 'NOT', 'EXISTS');
    const name = cursor.name();
    while (!cursor.done) {
      cursor.accept('DEFAULT');
      if (cursor.accept('CHARACTER', 'SET') || cursor.accept('CHARSET') || cursor.accept('COLLATE')) {
        cursor.acceptSymbol('=');
        cursor.name();
      } else throw cursor.error();
    }
    this.store.require(session.account, 'CREATE', name);
    if (this.store.databases.has(name) && !ifNotExists) throw new DatabaseError(1007, 'HY000', `Can't create database '${name}'; database exists`);
    this.store.databases.add(name);
    return {};
  }

  private dropDatabase(session: Session, cursor: Cursor): StatementResult {
    const ifExists = cursor.accept('IF', 'EXISTS');
    const name = cursor.name();
    cursor.end();
    this.store.require(session.account, 'DROP', name);
    if (!this.store.databases.delete(name) && !ifExists) throw new DatabaseError(1008, 'HY000', `Can't drop database '${name}'; database doesn't exist`);
    return {};
  }

  private createUser(session: Session, cursor: Cursor): StatementResult {
    cursor.expect('USER');
    const ifNotExists = cursor.accept('IF', 'NOT', 'EXISTS');
    const who = account(cursor);
    const password = cursor.accept('IDENTIFIED', 'BY') ? cursor.name() : '';
    cursor.end();
    this.store.require(session.account, 'CREATE USER');
    const key = grantee(who);
    if (this.store.accounts.has(key)) {
      if (ifNotExists) return {};
      throw new DatabaseError(1396, 'HY000', `Operation CREATE USER failed for ${key}`);
    }
    this.store.accounts.set(key, { ...who, password, global: new Set(), databases: new Map(), grantOption: false });
    return {};
  }

  private alterUser(session: Session, cursor: Cursor): StatementResult {
    cursor.expect('USER');
    const who = account(cursor);
    cursor.expect('IDENTIFIED', 'BY');
    const password = cursor.name();
    cursor.end();
    this.store.require(session.account, 'CREATE USER');
    const found = this.store.find(who.user, who.host);
    if (!found) throw new DatabaseError(1396, 'HY000', `Operation ALTER USER failed for ${grantee(who)}`);
    found.password = password;
    return {};
  }

  private dropUser(session: Session, cursor: Cursor): StatementResult {
    cursor.expect('USER');
    const ifExists = cursor.accept('IF', 'EXISTS');
    const list = accounts(cursor);
    cursor.end();
    this.store.require(session.account, 'CREATE USER');
    for (const who of list) {
      if (!this.store.accounts.delete(grantee(who)) && !ifExists) throw new DatabaseError(1396, 'HY000', `Operation DROP USER failed for ${grantee(who)}`);
    }
    return {};
  }

  private grant(session: Session, cursor: Cursor): StatementResult {
    const wanted = privileges(cursor, 'ON');
    cursor.expect('ON');
    const database = target(cursor);
    cursor.expect('TO');
    const list = accounts(cursor);
    const withGrant = cursor.accept('WITH', 'GRANT', 'OPTION');
    cursor.end();
    if (!session.account.grantOption) throw new DatabaseError(1044, '42000', `Access denied for user '${session.account.user}'@'%' to database '${database ?? '*'}'`);
    const names = wanted.all ? [...(database === undefined ? GLOBAL_PRIVILEGES : DATABASE_PRIVILEGES)] : wanted.names;
    const known: readonly string[] = database === undefined ? GLOBAL_PRIVILEGES : DATABASE_PRIVILEGES;
    const unknown = names.find((name) => !known.includes(name));
    if (unknown) throw new DatabaseError(1064, '42000', `Illegal privilege '${unknown}' for this target (the simulated server knows ${known.join(', ')})`);
    for (const who of list) {
      const found = this.store.find(who.user, who.host);
      if (!found) throw new DatabaseError(1133, '28000', `Can't find any matching row in the user table`);
      const set = database === undefined ? found.global : (found.databases.get(database) ?? new Set<string>());
      names.forEach((name) => set.add(name));
      if (database !== undefined) found.databases.set(database, set);
      if (withGrant) found.grantOption = true;
    }
    return {};
  }

  private revoke(session: Session, cursor: Cursor): StatementResult {
    const wanted = privileges(cursor, 'ON|FROM');
    const everything = wanted.all && wanted.grantOption && cursor.peek()?.kind === 'word' && (cursor.peek() as { upper: string }).upper === 'FROM';
    const database = everything ? undefined : (cursor.expect('ON'), target(cursor));
    cursor.expect('FROM');
    const list = accounts(cursor);
    cursor.end();
    if (!session.account.grantOption) throw new DatabaseError(1227, '42000', 'Access denied; you need (at least one of) the GRANT OPTION privilege(s) for this operation');
    for (const who of list) {
      const found = this.store.find(who.user, who.host);
      if (!found) throw new DatabaseError(1141, '42000', `There is no such grant defined for user '${who.user}' on host '${who.host}'`);
      if (everything) {
        found.global.clear();
        found.databases.clear();
        found.grantOption = false;
        continue;
      }
      const set = database === undefined ? found.global : found.databases.get(database);
      if (wanted.all) set?.clear();
      wanted.names.forEach((name) => set?.delete(name));
      if (wanted.grantOption) found.grantOption = false;
    }
    return {};
  }
}

export { SqlSyntaxError };
