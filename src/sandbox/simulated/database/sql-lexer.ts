/**
 * Tokens of the SQL the simulated MariaDB server understands (MariaDB's lexical rules: backticked
 * identifiers with doubled backticks, single- or double-quoted strings with backslash escapes, `--`
 * and `#` comments to the end of the line, block comments).
 */

export type Token =
  | { kind: 'word'; value: string; upper: string; line: number }
  | { kind: 'ident'; value: string; line: number }
  | { kind: 'string'; value: string; line: number }
  | { kind: 'number'; value: string; line: number }
  | { kind: 'symbol'; value: string; line: number };

export class SqlSyntaxError extends Error {
  constructor(
    readonly near: string,
    readonly line: number,
  ) {
    super(`You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${near.slice(0, 80)}' at line ${line}`);
  }
}

const ESCAPES: Record<string, string> = { '0': '\0', n: '\n', r: '\r', t: '\t', Z: '\x1a', b: '\b' };

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (/\s/.test(c)) {
      i += 1;
    } else if ((c === '-' && sql.startsWith('-- ', i)) || c === '#' || (c === '-' && sql.startsWith('--\n', i))) {
      while (i < sql.length && sql[i] !== '\n') i += 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new SqlSyntaxError(sql.slice(i), line);
      line += (sql.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new SqlSyntaxError(sql.slice(i), line);
        const d = sql[j] as string;
        if (d === '\\' && j + 1 < sql.length) {
          const next = sql[j + 1] as string;
          value += ESCAPES[next] ?? next;
          j += 2;
        } else if (d === c && sql[j + 1] === c) {
          value += c;
          j += 2;
        } else if (d === c) {
          break;
        } else {
          if (d === '\n') line += 1;
          value += d;
          j += 1;
        }
      }
      tokens.push({ kind: 'string', value, line });
      i = j + 1;
    } else if (c === '`') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= sql.length) throw new SqlSyntaxError(sql.slice(i), line);
        if (sql[j] === '`' && sql[j + 1] === '`') {
          value += '`';
          j += 2;
        } else if (sql[j] === '`') {
          break;
        } else {
          value += sql[j];
          j += 1;
        }
      }
      tokens.push({ kind: 'ident', value, line });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const value = /^[0-9]+(\.[0-9]+)?/.exec(sql.slice(i))?.[0] as string;
      tokens.push({ kind: 'number', value, line });
      i += value.length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const value = /^[A-Za-z0-9_$]+/.exec(sql.slice(i))?.[0] as string;
      tokens.push({ kind: 'word', value, upper: value.toUpperCase(), line });
      i += value.length;
    } else if ('(),.;=*@%-<>!'.includes(c)) {
      const two = sql.slice(i, i + 2);
      const value = ['<>', '!=', '<=', '>='].includes(two) ? two : c;
      tokens.push({ kind: 'symbol', value, line });
      i += value.length;
    } else {
      throw new SqlSyntaxError(sql.slice(i), line);
    }
  }
  return tokens;
}

/** Statements separated by `;` (empty ones dropped). */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const statements: Token[][] = [[]];
  for (const token of tokens) {
    if (token.kind === 'symbol' && token.value === ';') statements.push([]);
    else statements.at(-1)?.push(token);
  }
  return statements.filter((statement) => statement.length > 0);
}

/** A cursor over one statement's tokens. */
export class Cursor {
  private at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  get done(): boolean {
    return this.at >= this.tokens.length;
  }

  get line(): number {
    return this.tokens[Math.min(this.at, this.tokens.length - 1)]?.line ?? 1;
  }

  peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  next(): Token {
    const token = this.tokens[this.at];
    if (!token) throw this.error();
    this.at += 1;
    return token;
  }

  /** Consume the keyword(s) if they come next. */
  accept(...words: string[]): boolean {
    for (let k = 0; k < words.length; k += 1) {
      const token = this.tokens[this.at + k];
      if (token?.kind !== 'word' || token.upper !== words[k]) return false;
    }
    this.at += words.length;
    return true;
  }

  expect(...words: string[]): void {
    if (!this.accept(...words)) throw this.error();
  }

  acceptSymbol(symbol: string): boolean {
    const token = this.tokens[this.at];
    if (token?.kind !== 'symbol' || token.value !== symbol) return false;
    this.at += 1;
    return true;
  }

  expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.error();
  }

  /** A name: a word, a backticked identifier or a quoted string (MariaDB accepts each for account parts). */
  name(): string {
    const token = this.next();
    if (token.kind === 'word' || token.kind === 'ident' || token.kind === 'string') return token.value;
    throw this.error(token);
  }

  end(): void {
    if (!this.done) throw this.error();
  }

  error(token: Token | undefined = this.tokens[this.at]): SqlSyntaxError {
    const rest = this.tokens.slice(token ? this.tokens.indexOf(token) : this.tokens.length);
    return new SqlSyntaxError(rest.map((t) => (t.kind === 'string' ? `'${t.value}'` : t.value)).join(' '), token?.line ?? this.line);
  }
}
