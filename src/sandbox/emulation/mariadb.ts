import { DatabaseError, SqlSyntaxError, type ResultSet, type Session, type SimulatedDatabase } from '../simulated/database/server.js';
import { fail, ok, parseArgs, resolvePath, type Call, type Emulated, type Outcome, type ParsedArgs } from './host.js';

/**
 * MariaDB's client tools (package mariadb-client) on a host without the real ones (the sandbox's):
 * `mariadb`/`mysql` and `mariadb-dump`/`mysqldump`, talking to the simulated RDS server when the network
 * lets this host reach it (the RDS security group lets in the web hosts only). Credentials come from option files (`--defaults-extra-file`, process
 * substitution included), `MYSQL_PWD` or `--password=`; output is the batch format (tab-separated).
 */

/** The RDS server as a host reaches it (src/sandbox/simulated/world.ts). */
export interface DatabaseWorld {
  database: SimulatedDatabase;
  databaseEndpoint: { address: string; port: number };
  reachDatabase(): string;
}

/** What the client commands know: the call, its host's network (and through it the server). */
interface CommandEnv {
  call: Call;
  user: string;
  host: { privateIp: string };
  world: DatabaseWorld;
}

const VALUED = ['-h', '--host', '-P', '--port', '-u', '--user', '-D', '--database', '-e', '--execute', '--connect-timeout', '--defaults-extra-file', '--defaults-file', '--default-character-set'];
const FLAGS = new Set(['-N', '--skip-column-names', '-B', '--batch', '-s', '--silent', '-r', '--raw', '-f', '--force', '-n', '--unbuffered', '-q', '--quick', '--single-transaction', '--no-tablespaces', '--routines', '--events', '--triggers', '--hex-blob', '--no-data', '--skip-lock-tables', '--compact']);

/** `key=value` lines of the [client] (and tool) sections of an option file; values may be double-quoted with escapes. */
export function parseOptionFile(text: string, sections: readonly string[]): Record<string, string> {
  const options: Record<string, string> = {};
  let section = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = (header[1] as string).trim();
      continue;
    }
    if (!sections.includes(section)) continue;
    const eq = line.indexOf('=');
    const key = (eq === -1 ? line : line.slice(0, eq)).trim().replace(/_/g, '-');
    let value = eq === -1 ? '' : line.slice(eq + 1).trim();
    const quoted = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
    if (quoted) value = (quoted[1] as string).replace(/\\(.)/g, (_all, c: string) => ({ n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" })[c] ?? c);
    options[key] = value;
  }
  return options;
}

interface ClientOptions {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string | undefined;
  parsed: ParsedArgs;
}

async function clientOptions(tool: string, args: readonly string[], env: CommandEnv): Promise<ClientOptions> {
  const parsed = parseArgs(args, VALUED);
  for (const flag of parsed.flags) {
    if (!FLAGS.has(flag) && !flag.startsWith('--password') && flag !== '-p') throw new ClientError(`${tool}: unknown option '${flag}'`, 7);
  }
  const files = [parsed.values.get('--defaults-file'), parsed.values.get('--defaults-extra-file')].filter((f): f is string => f !== undefined);
  const fromFiles: Record<string, string> = {};
  for (const file of files) {
    const path = resolvePath(env.call.cwd, file);
    if (!(await env.call.host.fs.exists(path))) throw new ClientError(`${tool}: Could not open required defaults file: ${file}\n${tool}: Fatal error in defaults handling. Program aborted`, 1);
    Object.assign(fromFiles, parseOptionFile(await env.call.host.fs.read(path), ['client', 'mysql', 'mariadb', 'client-mariadb', tool === 'mariadb-dump' ? 'mysqldump' : 'mysql']));
  }
  const value = (short: string, long: string) => parsed.values.get(short) ?? parsed.values.get(long) ?? fromFiles[long.slice(2)];
  const port = Number(value('-P', '--port') ?? 3306);
  return {
    host: value('-h', '--host') ?? 'localhost',
    port: Number.isInteger(port) ? port : 3306,
    user: value('-u', '--user') ?? env.user,
    password: parsed.values.get('--password') ?? fromFiles['password'] ?? env.call.env['MYSQL_PWD'],
    database: value('-D', '--database'),
    parsed,
  };
}

class ClientError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Reach the server and log in, or the client's error (2002 can't connect, 1045 access denied…). */
function connect(options: ClientOptions, env: CommandEnv): Session {
  const endpoint = env.world.databaseEndpoint;
  const local = options.host === 'localhost' || options.host === '127.0.0.1';
  if (local || options.host !== endpoint.address || options.port !== endpoint.port) {
    const where = local ? "local server through socket '/run/mysqld/mysqld.sock' (2)" : `server on '${options.host}' (115)`;
    throw new ClientError(`ERROR 2002 (HY000): Can't connect to ${where}`, 1);
  }
  const reach = env.world.reachDatabase();
  if (reach !== 'ok') throw new ClientError(`ERROR 2002 (HY000): Can't connect to server on '${options.host}' (${reach === 'blocked' ? 110 : 113})`, 1);
  try {
    return env.world.database.connect(options.user, options.password, env.host.privateIp, options.database);
  } catch (error) {
    if (error instanceof DatabaseError) throw new ClientError(`ERROR ${error.code} (${error.state}): ${error.message}`, 1);
    throw error;
  }
}

function batch(result: ResultSet, header: boolean): string {
  const cell = (value: string | null) => (value === null ? 'NULL' : value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\0/g, '\\0'));
  const lines = [...(header ? [result.columns.join('\t')] : []), ...result.rows.map((row) => row.map(cell).join('\t'))];
  return lines.map((line) => `${line}\n`).join('');
}

function withEnv(body: (env: CommandEnv) => Promise<Outcome>): Emulated {
  return async (call) => {
    const network = call.host.network;
    if (!network) return fail(`${call.name}: this host has no emulated network`, 2);
    return body({ call, user: call.user, host: network, world: network.world });
  };
}

function client(): Emulated {
  return withEnv(async (env) => {
    const args = env.call.args;
    try {
      const options = await clientOptions('mariadb', args, env);
      const positional = options.parsed.operands[0];
      const session = connect({ ...options, database: options.database ?? positional }, env);
      const sql = options.parsed.values.get('-e') ?? options.parsed.values.get('--execute') ?? (await env.call.stdin());
      const header = !(options.parsed.flags.has('-N') || options.parsed.flags.has('--skip-column-names'));
      let out = '';
      let statements;
      try {
        statements = env.world.database.statements(sql);
      } catch (error) {
        if (error instanceof SqlSyntaxError) return fail(`ERROR 1064 (42000) at line ${error.line}: ${error.message}`, 1);
        throw error;
      }
      for (const statement of statements) {
        try {
          const { result } = env.world.database.execute(session, statement.text);
          if (result) out += batch(result, header);
        } catch (error) {
          if (error instanceof DatabaseError || error instanceof SqlSyntaxError) {
            const code = error instanceof DatabaseError ? `${error.code} (${error.state})` : '1064 (42000)';
            return fail(`ERROR ${code} at line ${statement.line}: ${error.message}`, 1, out);
          }
          throw error;
        }
      }
      return ok(out);
    } catch (error) {
      if (error instanceof ClientError) return fail(error.message, error.exitCode);
      throw error;
    }
  });
}

function dump(name: string): Emulated {
  return withEnv(async (env) => {
    try {
      const options = await clientOptions('mariadb-dump', env.call.args, env);
      const databases = options.parsed.operands;
      if (databases.length === 0) return fail(`Usage: ${name} [OPTIONS] database [tables]`, 1);
      const session = connect(options, env);
      const store = env.world.database.store;
      let out = `-- MariaDB dump 10.19  Distrib 10.11.8-MariaDB, for debian-linux-gnu (x86_64)\n--\n-- Host: ${options.host}    Database: ${databases[0]}\n`;
      out += '-- ------------------------------------------------------\n-- Server version\t10.11.9-MariaDB (simulated by the aws-runbook sandbox)\n\n';
      for (const database of databases) {
        if (!store.databases.has(database)) return fail(`${name}: Got error: 1049: "Unknown database '${database}'" when selecting the database`, 2);
        if (!store.has(session.account, 'SELECT', database)) {
          return fail(`${name}: Got error: 1044: "Access denied for user '${session.account.user}'@'%' to database '${database}'" when selecting the database`, 2);
        }
        out += `--\n-- Current Database: \`${database}\`\n--\n\nCREATE DATABASE /*!32312 IF NOT EXISTS*/ \`${database}\`;\n\nUSE \`${database}\`;\n`;
        out += '-- (the simulated server holds no table data)\n\n';
      }
      out += `-- Dump completed on ${new Date().toISOString().replace('T', ' ').slice(0, 19)}\n`;
      return ok(out);
    } catch (error) {
      if (error instanceof ClientError) return fail(error.message.replace(/^ERROR (\d+) \(\w+\): (.*)$/s, `${name}: Got error: $1: "$2" when trying to connect`), 2);
      throw error;
    }
  });
}

export const MARIADB_CLIENT: Readonly<Record<string, Emulated>> = { mariadb: client(), mysql: client(), 'mariadb-dump': dump('mariadb-dump'), mysqldump: dump('mysqldump') };
