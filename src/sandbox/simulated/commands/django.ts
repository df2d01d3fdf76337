import { posix } from 'node:path';
import type { ExecResult, IFileSystem } from 'just-bash';
import { DatabaseError } from '../database/server.js';
import type { Container, SimulatedHost } from '../host.js';
import { fail, ok } from '../shell/results.js';

/**
 * `python manage.py …` in a simulated container built from the shop's source. Rocket eCommerce cannot run
 * here, so this plays Django with the vendor's own rule from its core/settings.py: the database is
 * MySQL/MariaDB only when DB_ENGINE, DB_NAME and DB_USERNAME are all set in the container's environment
 * (otherwise SQLite in db.sqlite3, without a word), logged in with DB_USERNAME/DB_PASS at DB_HOST:DB_PORT.
 * `migrate` creates Django's tables there; `createsuperuser --noinput` needs DJANGO_SUPERUSER_PASSWORD and
 * refuses a taken username with Django's words; a command the source lacks is Django's "Unknown command".
 */

const TABLES = ['django_migrations', 'django_content_type', 'auth_permission', 'auth_group', 'auth_user', 'django_admin_log', 'django_session', 'common_product', 'common_tag'];
const BUILTIN = ['migrate', 'createsuperuser', 'collectstatic', 'check', 'showmigrations'];

type Db = { kind: 'mysql'; host: string; port: number; user: string; password: string; name: string } | { kind: 'sqlite'; file: string };

function databaseOf(env: Record<string, string>, dir: string): Db {
  if (env['DB_ENGINE'] && env['DB_NAME'] && env['DB_USERNAME']) {
    return { kind: 'mysql', host: env['DB_HOST'] || 'localhost', port: Number(env['DB_PORT'] || 3306), user: env['DB_USERNAME'], password: env['DB_PASS'] ?? '', name: env['DB_NAME'] };
  }
  return { kind: 'sqlite', file: posix.join(dir, 'db.sqlite3') };
}

async function commandsOf(fs: IFileSystem, dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (path: string, depth: number): Promise<void> => {
    if (depth > 6 || !(await fs.exists(path))) return;
    for (const name of await fs.readdir(path)) {
      const full = posix.join(path, name);
      if ((await fs.stat(full)).isDirectory) await walk(full, depth + 1);
      else if (/\/management\/commands\/[a-z][a-z0-9_]*\.py$/.test(full)) found.push(posix.basename(full, '.py'));
    }
  };
  await walk(dir, 0);
  return found;
}

interface SqliteState {
  tables: string[];
  users: string[];
}

async function readSqlite(fs: IFileSystem, file: string): Promise<SqliteState> {
  return (await fs.exists(file)) ? (JSON.parse(await fs.readFile(file)) as SqliteState) : { tables: [], users: [] };
}

/** The container's session on the simulated RDS, as Django's MySQL backend would open it. */
function connect(host: SimulatedHost, db: Extract<Db, { kind: 'mysql' }>) {
  const endpoint = host.world.databaseEndpoint;
  if (db.host !== endpoint.address || db.port !== endpoint.port || host.world.reachDatabase(host) !== 'ok') {
    throw new DatabaseError(2002, 'HY000', `Can't connect to server on '${db.host}' (115)`);
  }
  return host.world.database.connect(db.user, db.password, host.privateIp, db.name);
}

export async function manage(host: SimulatedHost, fs: IFileSystem, container: Container, dir: string, argv: readonly string[], extraEnv: Record<string, string>): Promise<ExecResult> {
  if (!(await fs.exists(posix.join(dir, 'manage.py')))) return fail(`python: can't open file '/app/manage.py': [Errno 2] No such file or directory`, 2);
  const [command = 'help', ...args] = argv;
  if (!BUILTIN.includes(command) && !(await commandsOf(fs, dir)).includes(command)) return fail(`Unknown command: '${command}'\nType 'manage.py help' for usage.`, 1);
  const env = { ...container.environment, ...extraEnv };
  const db = databaseOf(env, dir);
  try {
    if (command === 'migrate') {
      if (db.kind === 'sqlite') await fs.writeFile(db.file, JSON.stringify({ ...(await readSqlite(fs, db.file)), tables: TABLES }));
      else host.world.database.createTables(connect(host, db), TABLES);
      return ok('Operations to perform:\n  Apply all migrations: admin, auth, common, contenttypes, sessions\nRunning migrations:\n  Applying contenttypes.0001_initial... OK\n');
    }
    if (command === 'createsuperuser') {
      const username = args.includes('--username') ? args[args.indexOf('--username') + 1] : undefined;
      if (!args.includes('--noinput') && !args.includes('--no-input')) return fail('Superuser creation skipped due to not running in a TTY.', 1);
      if (!username) return fail('CommandError: You must use --username with --noinput.', 1);
      if (!env['DJANGO_SUPERUSER_PASSWORD']) return fail('CommandError: Not enough arguments: DJANGO_SUPERUSER_PASSWORD is not set.', 1);
      let created: boolean;
      if (db.kind === 'sqlite') {
        const state = await readSqlite(fs, db.file);
        created = !state.users.includes(username);
        if (created) await fs.writeFile(db.file, JSON.stringify({ ...state, users: [...state.users, username] }));
      } else created = host.world.database.keepRow(connect(host, db), 'auth_user', username);
      return created ? ok('Superuser created successfully.\n') : fail('CommandError: Error: That username is already taken.', 1);
    }
    if (command === 'collectstatic') {
      if (!args.includes('--no-input') && !args.includes('--noinput')) return fail('collectstatic asks for confirmation: use --no-input', 1);
      return ok("128 static files copied to '/app/staticfiles'.\n");
    }
    if (db.kind === 'mysql') connect(host, db);
    return ok(command === 'seed_tags' ? 'Tags seeded\n' : `${command}: OK\n`);
  } catch (error) {
    if (error instanceof DatabaseError) return fail(`django.db.utils.OperationalError: (${error.code}, "${error.message}")`, 1);
    throw error;
  }
}
