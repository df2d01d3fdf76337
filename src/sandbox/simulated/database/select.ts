import { DATABASE_PRIVILEGES, grantee, type Account, type AccountStore } from './accounts.js';
import { Cursor, type Token } from './sql-lexer.js';
import { DatabaseError } from './accounts.js';

/**
 * SELECT as far as the simulated server goes: expressions (literals, columns, CONCAT, QUOTE,
 * SUBSTRING_INDEX, CURRENT_USER, LOWER, UPPER, `=`/`<>` and AND), FROM one information_schema table
 * (USER_PRIVILEGES, SCHEMA_PRIVILEGES, SCHEMATA) or none, WHERE, UNION [ALL], ORDER BY column number
 * or name. Anything else is a syntax error, so a query the server cannot answer fails loudly.
 */

export interface ResultSet {
  columns: string[];
  rows: (string | null)[][];
}

type Value = string | null;
type Row = Record<string, Value>;

type Expr =
  | { kind: 'literal'; value: Value }
  | { kind: 'column'; name: string }
  | { kind: 'call'; name: string; args: Expr[] }
  | { kind: 'compare'; op: string; left: Expr; right: Expr }
  | { kind: 'and'; left: Expr; right: Expr };

interface Query {
  items: { expr: Expr; label: string }[];
  table: string | undefined;
  where: Expr | undefined;
}

function tokenText(tokens: readonly Token[]): string {
  return tokens.map((t) => (t.kind === 'string' ? `'${t.value}'` : t.value)).join('');
}

function primary(cursor: Cursor): Expr {
  const token = cursor.next();
  if (token.kind === 'string' || token.kind === 'number') return { kind: 'literal', value: token.value };
  if (token.kind === 'symbol' && token.value === '-' && cursor.peek()?.kind === 'number') return { kind: 'literal', value: `-${cursor.next().value}` };
  if (token.kind === 'symbol' && token.value === '(') {
    const inner = expression(cursor);
    cursor.expectSymbol(')');
    return inner;
  }
  if (token.kind === 'word' && token.upper === 'NULL') return { kind: 'literal', value: null };
  if (token.kind === 'word' && token.upper === 'CURRENT_USER') {
    if (cursor.acceptSymbol('(')) cursor.expectSymbol(')');
    return { kind: 'call', name: 'CURRENT_USER', args: [] };
  }
  if (token.kind === 'word' && cursor.acceptSymbol('(')) {
    const args: Expr[] = [];
    if (!cursor.acceptSymbol(')')) {
      do args.push(expression(cursor));
      while (cursor.acceptSymbol(','));
      cursor.expectSymbol(')');
    }
    return { kind: 'call', name: token.upper, args };
  }
  if (token.kind === 'word' || token.kind === 'ident') return { kind: 'column', name: token.value.toUpperCase() };
  throw cursor.error(token);
}

function comparison(cursor: Cursor): Expr {
  const left = primary(cursor);
  const op = cursor.peek();
  if (op?.kind === 'symbol' && ['=', '<>', '!='].includes(op.value)) {
    cursor.next();
    return { kind: 'compare', op: op.value, left, right: primary(cursor) };
  }
  return left;
}

function expression(cursor: Cursor): Expr {
  let left = comparison(cursor);
  while (cursor.accept('AND')) left = { kind: 'and', left, right: comparison(cursor) };
  return left;
}

function query(cursor: Cursor, tokens: readonly Token[]): Query {
  cursor.expect('SELECT');
  const items: Query['items'] = [];
  do {
    const start = tokens.indexOf(cursor.peek() as Token);
    const expr = expression(cursor);
    const end = cursor.done ? tokens.length : tokens.indexOf(cursor.peek() as Token);
    const label = cursor.accept('AS') ? cursor.name() : tokenText(tokens.slice(start, end));
    items.push({ expr, label });
  } while (cursor.acceptSymbol(','));
  let table: string | undefined;
  if (cursor.accept('FROM')) {
    const first = cursor.name();
    table = cursor.acceptSymbol('.') ? `${first}.${cursor.name()}` : first;
    table = table.toUpperCase();
  }
  const where = cursor.accept('WHERE') ? expression(cursor) : undefined;
  return { items, table, where };
}

function substringIndex(text: string, delimiter: string, count: number): string {
  if (delimiter === '' || count === 0) return '';
  const parts = text.split(delimiter);
  return count > 0 ? parts.slice(0, count).join(delimiter) : parts.slice(count).join(delimiter);
}

function evaluate(expr: Expr, row: Row, account: Account): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'column': {
      if (!(expr.name in row)) throw new DatabaseError(1054, '42S22', `Unknown column '${expr.name}' in 'field list'`);
      return row[expr.name] ?? null;
    }
    case 'compare': {
      const left = evaluate(expr.left, row, account);
      const right = evaluate(expr.right, row, account);
      if (left === null || right === null) return null;
      const equal = left.toLowerCase() === right.toLowerCase();
      return (expr.op === '=' ? equal : !equal) ? '1' : '0';
    }
    case 'and': {
      const left = evaluate(expr.left, row, account);
      const right = evaluate(expr.right, row, account);
      return left === '1' && right === '1' ? '1' : left === null || right === null ? null : '0';
    }
    case 'call': {
      const args = expr.args.map((arg) => evaluate(arg, row, account));
      switch (expr.name) {
        case 'CURRENT_USER':
          return `${account.user}@${account.host}`;
        case 'CONCAT':
          return args.some((a) => a === null) ? null : args.join('');
        case 'QUOTE':
          return args[0] === null || args[0] === undefined ? 'NULL' : `'${args[0].replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
        case 'SUBSTRING_INDEX':
          return args.some((a) => a === null) ? null : substringIndex(args[0] as string, args[1] as string, Number(args[2]));
        case 'LOWER':
          return args[0]?.toLowerCase() ?? null;
        case 'UPPER':
          return args[0]?.toUpperCase() ?? null;
        default:
          throw new DatabaseError(1305, '42000', `FUNCTION ${expr.name} does not exist`);
      }
    }
  }
}

function tableRows(table: string | undefined, store: AccountStore): Row[] {
  if (table === undefined) return [{}];
  const accounts = [...store.accounts.values()];
  switch (table) {
    case 'INFORMATION_SCHEMA.USER_PRIVILEGES':
      return accounts.flatMap((a) =>
        (a.global.size > 0 ? [...a.global] : ['USAGE']).map((privilege) => ({ GRANTEE: grantee(a), TABLE_CATALOG: 'def', PRIVILEGE_TYPE: privilege, IS_GRANTABLE: a.grantOption ? 'YES' : 'NO' })),
      );
    case 'INFORMATION_SCHEMA.SCHEMA_PRIVILEGES':
      return accounts.flatMap((a) =>
        [...a.databases].flatMap(([schema, privileges]) =>
          DATABASE_PRIVILEGES.filter((p) => privileges.has(p)).map((privilege) => ({ GRANTEE: grantee(a), TABLE_CATALOG: 'def', TABLE_SCHEMA: schema, PRIVILEGE_TYPE: privilege, IS_GRANTABLE: 'NO' })),
        ),
      );
    case 'INFORMATION_SCHEMA.SCHEMATA':
      return [...store.databases].map((name) => ({ CATALOG_NAME: 'def', SCHEMA_NAME: name }));
    default:
      throw new DatabaseError(1146, '42S02', `Table '${table.toLowerCase()}' doesn't exist`);
  }
}

/** Run a SELECT statement (its tokens, starting at SELECT) as `account`. */
export function runSelect(tokens: readonly Token[], account: Account, store: AccountStore): ResultSet {
  const cursor = new Cursor(tokens);
  const queries: Query[] = [query(cursor, tokens)];
  while (cursor.accept('UNION')) {
    cursor.accept('ALL');
    queries.push(query(cursor, tokens));
  }
  let orderBy: string | undefined;
  if (cursor.accept('ORDER', 'BY')) {
    const token = cursor.next();
    orderBy = token.value;
  }
  cursor.end();
  const columns = (queries[0] as Query).items.map((item) => item.label);
  const rows: Value[][] = [];
  for (const q of queries) {
    if (q.items.length !== columns.length) throw new DatabaseError(1222, '21000', 'The used SELECT statements have a different number of columns');
    for (const row of tableRows(q.table, store)) {
      if (q.where && evaluate(q.where, row, account) !== '1') continue;
      rows.push(q.items.map((item) => evaluate(item.expr, row, account)));
    }
  }
  if (orderBy !== undefined) {
    const index = /^\d+$/.test(orderBy) ? Number(orderBy) - 1 : columns.findIndex((c) => c.toUpperCase() === orderBy?.toUpperCase());
    if (index < 0 || index >= columns.length) throw new DatabaseError(1054, '42S22', `Unknown column '${orderBy}' in 'order clause'`);
    rows.sort((a, b) => String(a[index] ?? '').localeCompare(String(b[index] ?? '')));
  }
  return { columns, rows };
}
