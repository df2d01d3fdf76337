/**
 * The statements the simulated RDS server recognises, by shape: each is a template of the statement as
 * the tool sends it (`CREATE USER{ifNotExists} {account} IDENTIFIED BY {password}`), matched against
 * the whole statement; anything else is refused with MariaDB's syntax error (1064), never answered.
 *
 * Why shapes and not a SQL parser: what the tool sends is mostly account management (CREATE/ALTER/DROP
 * USER, GRANT with multi-word privileges, REVOKE ALL PRIVILEGES, GRANT OPTION), which the well-kept npm
 * parsers do not parse (node-sql-parser 5.4 with its MariaDB and MySQL dialects, sql-parser-cst 0.42:
 * each refuses ALTER USER, REVOKE, DROP USER and `GRANT … LOCK TABLES …`). Behaviour is the lab's to
 * prove: it runs the same statements on a real MariaDB.
 */

export class SqlSyntaxError extends Error {
  constructor(
    readonly near: string,
    readonly line: number,
  ) {
    super(`You have an error in your SQL syntax; check the manual that corresponds to your MariaDB server version for the right syntax to use near '${near.slice(0, 80)}' at line ${line}`);
  }
}

/** One statement of a script: its text (comments out, whitespace runs as one space) and the line it starts on. */
export interface Statement {
  text: string;
  line: number;
}

/**
 * What the mariadb client does before sending anything: split a script at `;` outside quotes and
 * comments, drop comments (`-- `, `#`, `/* … *\/`), keep what a versioned comment holds (`/*!32312 IF NOT
 * EXISTS*\/`: MariaDB runs it), and collapse whitespace.
 */
export function splitStatements(sql: string): Statement[] {
  const statements: Statement[] = [];
  let text = '';
  let line = 1;
  let startLine = 1;
  const end = () => {
    const trimmed = text.trim();
    if (trimmed !== '') statements.push({ text: trimmed, line: startLine });
    text = '';
  };
  for (const [token, versioned] of sql.matchAll(PIECE)) {
    if (token === ';') end();
    else if (versioned === undefined && /^(?:\s|--|#|\/\*)/.test(token)) text += text.endsWith(' ') ? '' : ' ';
    else {
      if (text.trim() === '') startLine = line;
      text += versioned === undefined ? token : `${text.endsWith(' ') ? '' : ' '}${versioned.trim().replace(/\s+/g, ' ')} `;
    }
    line += token.split('\n').length - 1;
  }
  end();
  return statements;
}

/** A quoted string, identifier or name (unterminated ones run to the end), a versioned comment, a comment, `;`, a space, anything else. */
const PIECE = /'(?:[^'\\]|\\[\s\S]|'')*'?|"(?:[^"\\]|\\[\s\S]|"")*"?|`(?:[^`]|``)*`?|\/\*!\d*([\s\S]*?)\*\/|\/\*[\s\S]*?(?:\*\/|$)|(?:--(?=\s|$)|#)[^\n]*|;|\s+|[^'"`;\s/#-]+|[\s\S]/g;

const STRING = String.raw`'(?:[^'\\]|\\[\s\S]|'')*'`;
const NAME = String.raw`\x60(?:[^\x60]|\x60\x60)+\x60|[A-Za-z0-9_$]+`;
const PRIVILEGE = '[A-Za-z]+(?: [A-Za-z]+)*';

/** What a `{slot}` of a shape stands for (named groups; the optional clauses carry their leading space). */
const SLOTS: Record<string, string> = {
  database: `(?<database>${NAME})`,
  account: `(?<user>${STRING}|${NAME})(?: ?@ ?(?<host>${STRING}|${NAME}))?`,
  password: `(?<password>${STRING})`,
  privileges: `(?<privileges>${PRIVILEGE}(?: ?, ?${PRIVILEGE})*)`,
  ifNotExists: '(?<ifNotExists> IF NOT EXISTS)?',
  ifExists: '(?<ifExists> IF EXISTS)?',
  charset: '(?: (?:DEFAULT )?(?:CHARACTER SET|CHARSET) ?=? ?(?<charset>\\w+))?',
  collation: '(?: (?:DEFAULT )?COLLATE ?=? ?(?<collation>\\w+))?',
};

/** A shape's template as a regular expression over a whole statement (keywords in any case). */
export function shape(template: string): RegExp {
  const source = template
    .split(/(\{\w+\})/)
    .map((part) => {
      const slot = /^\{(\w+)\}$/.exec(part)?.[1];
      if (slot !== undefined) {
        const pattern = SLOTS[slot];
        if (pattern === undefined) throw new Error(`no slot {${slot}} in a statement shape`);
        return pattern;
      }
      return part.replace(/\s+/g, ' ').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`, 'i');
}

const ESCAPES: Record<string, string> = { '0': '\0', n: '\n', r: '\r', t: '\t', Z: '\x1a', b: '\b' };

/** A name as written (`shop`, `` `my``db` ``, `'awsrb_backup'`) → its value. */
export function nameValue(written: string): string {
  if (written.startsWith('`')) return written.slice(1, -1).replace(/``/g, '`');
  if (written.startsWith("'")) return stringValue(written);
  return written;
}

/** A string literal as written, with MariaDB's backslash escapes and doubled quotes → its value. */
export function stringValue(written: string): string {
  return written.slice(1, -1).replace(/\\([\s\S])|''/g, (all, escaped: string | undefined) => (escaped === undefined ? "'" : (ESCAPES[escaped] ?? escaped)));
}
