import { databaseSettings } from './containers.js';
import { fail, ok, readJson, type Call, type DatabaseFailure, type HostFiles, type Outcome } from './host.js';

/**
 * `python manage.py …` in the container built from the shop's source. Rocket eCommerce cannot run here,
 * so this plays Django with the vendor's own rule from its core/settings.py (containers.ts:
 * databaseSettings): the database is MySQL/MariaDB only when DB_ENGINE, DB_NAME and DB_USERNAME are all set
 * in the container's environment (logged in with DB_USERNAME/DB_PASS at DB_HOST:DB_PORT), otherwise
 * SQLite in db.sqlite3 next to manage.py, without a word (this emulation keeps a JSON record there, so a
 * fallback is visible on disk). `migrate` creates Django's tables in whichever it is; `createsuperuser
 * --noinput` needs DJANGO_SUPERUSER_PASSWORD and refuses a taken username as Django does; a command the
 * source does not ship (apps' management/commands/*.py) is Django's "Unknown command".
 */

/** The tables Django's `migrate` creates for the apps Rocket eCommerce installs (auth, admin, sessions, its own). */
const TABLES = ['django_migrations', 'django_content_type', 'auth_permission', 'auth_group', 'auth_user', 'django_admin_log', 'django_session', 'common_product', 'common_tag'];
const BUILTIN = ['migrate', 'createsuperuser', 'collectstatic', 'check', 'showmigrations'];

async function commandsOf(fs: HostFiles, dir: string, depth = 0): Promise<string[]> {
  if (depth > 6) return [];
  const found: string[] = [];
  for (const name of await fs.list(dir)) {
    const path = `${dir}/${name}`;
    if (await fs.isDirectory(path)) found.push(...(await commandsOf(fs, path, depth + 1)));
    else if (/\/management\/commands\/[a-z][a-z0-9_]*\.py$/.test(path) && name !== '__init__.py') found.push(name.slice(0, -3));
  }
  return found;
}

interface Sqlite {
  tables: string[];
  users: string[];
}

const dbError = (failure: DatabaseFailure) => fail(`django.db.utils.OperationalError: (${failure.code}, "${failure.message}")`, 1);

/** `manage.py ARGV` in the container of a service built from `dir`, with the container's environment `env`. */
export async function manage(call: Call, dir: string, argv: readonly string[], env: Record<string, string>): Promise<Outcome> {
  const { fs, database } = call.host;
  if (!(await fs.exists(`${dir}/manage.py`))) return fail(`python: can't open file '/app/manage.py': [Errno 2] No such file or directory`, 2);
  const [command = 'help', ...args] = argv;
  if (!BUILTIN.includes(command) && !(await commandsOf(fs, dir)).includes(command)) return fail(`Unknown command: '${command}'\nType 'manage.py help' for usage.`, 1);
  const settings = databaseSettings(env);
  const sqliteFile = `${dir}/db.sqlite3`;
  const sqlite = () => readJson<Sqlite>(fs, sqliteFile, { tables: [], users: [] });
  if (command === 'migrate') {
    if (settings) {
      const failure = await database.createTables(settings, TABLES);
      if (failure) return dbError(failure);
    } else await fs.write(sqliteFile, JSON.stringify({ ...(await sqlite()), tables: TABLES }));
    return ok('Operations to perform:\n  Apply all migrations: admin, auth, common, contenttypes, sessions\nRunning migrations:\n  Applying contenttypes.0001_initial... OK\n');
  }
  if (command === 'createsuperuser') {
    const username = args.includes('--username') ? args[args.indexOf('--username') + 1] : undefined;
    if (!args.includes('--noinput') && !args.includes('--no-input')) return fail('Superuser creation skipped due to not running in a TTY. You can run `manage.py createsuperuser` in your project to create one manually.', 1);
    if (!username) return fail('CommandError: You must use --username with --noinput.', 1);
    if (!env['DJANGO_SUPERUSER_PASSWORD']) return fail('CommandError: Not enough arguments: DJANGO_SUPERUSER_PASSWORD is not set.', 1);
    let created: boolean;
    if (settings) {
      const result = await database.addUser(settings, username);
      if (typeof result === 'object') return dbError(result);
      created = result;
    } else {
      const state = await sqlite();
      created = !state.users.includes(username);
      if (created) await fs.write(sqliteFile, JSON.stringify({ ...state, users: [...state.users, username] }));
    }
    return created ? ok('Superuser created successfully.\n') : fail('CommandError: Error: That username is already taken.', 1);
  }
  if (command === 'collectstatic' && !args.includes('--no-input') && !args.includes('--noinput')) return fail('collectstatic asks for confirmation: use --no-input', 1);
  const failure = settings ? await database.login(settings) : undefined;
  if (failure) return dbError(failure);
  if (command === 'collectstatic') return ok("128 static files copied to '/app/staticfiles'.\n");
  return ok(command === 'seed_tags' ? 'Tags seeded\n' : `${command}: OK\n`);
}
