/* global process, console */
// What `python manage.py …` does inside the shop's container. The licensed Rocket eCommerce code cannot
// run here (no Docker engine, no Python packages), so this plays Django as far as the tool depends on it,
// with the vendor's own rules (test/fixtures/shop/rocket-ecommerce/core/settings.py, from the vendor's
// settings): the database is MySQL/MariaDB only when DB_ENGINE, DB_NAME and DB_USERNAME are all set in the
// container's environment (its env_file, .env), otherwise SQLite in db.sqlite3 next to manage.py, without
// a word. `migrate` creates Django's tables in whichever it is (in MariaDB for real, with the host's
// `mariadb` client and the app's own credentials: the lab's RDS is a real MariaDB); `createsuperuser
// --noinput` needs DJANGO_SUPERUSER_PASSWORD and refuses a taken username as Django does; a command the
// source does not ship is Django's "Unknown command".
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The tables Django's `migrate` creates for the apps Rocket eCommerce installs (auth, admin, sessions, its own). */
const TABLES = ['django_migrations', 'django_content_type', 'auth_permission', 'auth_group', 'auth_user', 'django_admin_log', 'django_session', 'common_product', 'common_tag'];
const BUILTIN = ['migrate', 'createsuperuser', 'collectstatic', 'check', 'showmigrations', 'shell', 'changepassword'];

function commandsOf(dir) {
  const found = spawnSync('find', [dir, '-path', '*/management/commands/*.py', '-not', '-name', '__init__.py'], { encoding: 'utf8' });
  return (found.stdout ?? '').split('\n').filter(Boolean).map((path) => path.split('/').pop().replace(/\.py$/, ''));
}

/** The vendor's settings rule: MySQL/MariaDB when DB_ENGINE, DB_NAME and DB_USERNAME are set, else SQLite. */
function databaseOf(env, dir) {
  if (env.DB_ENGINE && env.DB_NAME && env.DB_USERNAME) {
    return { kind: 'mysql', host: env.DB_HOST || 'localhost', port: env.DB_PORT || '3306', user: env.DB_USERNAME, password: env.DB_PASS ?? '', name: env.DB_NAME };
  }
  return { kind: 'sqlite', file: join(dir, 'db.sqlite3') };
}

function sql(db, statement) {
  const result = spawnSync('mariadb', ['--connect-timeout=10', '-h', db.host, '-P', db.port, '-u', db.user, '-D', db.name, '-N', '-B', '-e', statement], {
    encoding: 'utf8',
    env: { ...process.env, MYSQL_PWD: db.password },
  });
  if (result.status !== 0) throw new Error(`django.db.utils.OperationalError: ${(result.stderr ?? '').trim().split('\n').at(-1)}`);
  return result.stdout.trim();
}

// SQLite: the file Django would create (a JSON record here: tables and users), so a fallback is visible on disk.
function sqliteState(db) {
  return existsSync(db.file) ? JSON.parse(readFileSync(db.file, 'utf8')) : { tables: [], users: [] };
}

function migrate(db) {
  if (db.kind === 'sqlite') {
    writeFileSync(db.file, JSON.stringify({ ...sqliteState(db), tables: TABLES }));
  } else {
    for (const table of TABLES) {
      const columns = table === 'auth_user' ? 'id INT AUTO_INCREMENT PRIMARY KEY, username VARCHAR(150) UNIQUE, email VARCHAR(254), password VARCHAR(128), is_superuser TINYINT' : 'id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255)';
      sql(db, `CREATE TABLE IF NOT EXISTS ${table} (${columns})`);
    }
    if (sql(db, 'SELECT COUNT(*) FROM django_migrations') === '0') sql(db, "INSERT INTO django_migrations (name) VALUES ('contenttypes.0001_initial'), ('auth.0001_initial'), ('common.0001_initial')");
  }
  console.log('Operations to perform:\n  Apply all migrations: admin, auth, common, contenttypes, sessions\nRunning migrations:\n  Applying contenttypes.0001_initial... OK');
  return 0;
}

function createSuperuser(db, args, env) {
  const username = args[args.indexOf('--username') + 1];
  const email = args.includes('--email') ? args[args.indexOf('--email') + 1] : '';
  if (!args.includes('--noinput') && !args.includes('--no-input')) return fail('Superuser creation skipped due to not running in a TTY. You can run `manage.py createsuperuser` in your project to create one manually.', 1);
  if (!args.includes('--username') || !username) return fail('CommandError: You must use --username with --noinput.', 1);
  if (!env.DJANGO_SUPERUSER_PASSWORD) return fail('CommandError: Not enough arguments: DJANGO_SUPERUSER_PASSWORD is not set.', 1);
  const taken = db.kind === 'sqlite' ? sqliteState(db).users.includes(username) : sql(db, `SELECT COUNT(*) FROM auth_user WHERE username = '${username.replace(/'/g, "''")}'`) !== '0';
  if (taken) return fail('CommandError: Error: That username is already taken.', 1);
  if (db.kind === 'sqlite') writeFileSync(db.file, JSON.stringify({ ...sqliteState(db), users: [...sqliteState(db).users, username] }));
  // Django stores a salted hash; the stand-in never keeps the password itself.
  else sql(db, `INSERT INTO auth_user (username, email, password, is_superuser) VALUES ('${username.replace(/'/g, "''")}', '${email.replace(/'/g, "''")}', 'pbkdf2_sha256$stand-in', 1)`);
  console.log('Superuser created successfully.');
  return 0;
}

function fail(message, code) {
  console.error(message);
  return code;
}

/** `python manage.py ARGS` in the container of a service built from `dir`, with its environment `env`. */
export function manage(dir, argv, env) {
  if (!existsSync(join(dir, 'manage.py'))) return fail(`python: can't open file '/app/manage.py': [Errno 2] No such file or directory`, 2);
  const [command = 'help', ...args] = argv;
  if (!BUILTIN.includes(command) && !commandsOf(dir).includes(command)) return fail(`Unknown command: '${command}'\nType 'manage.py help' for usage.`, 1);
  const db = databaseOf(env, dir);
  try {
    if (command === 'migrate') return migrate(db);
    if (command === 'createsuperuser') return createSuperuser(db, args, env);
    if (command === 'collectstatic') {
      if (!args.includes('--no-input') && !args.includes('--noinput')) return fail('collectstatic asks for confirmation: use --no-input', 1);
      console.log('128 static files copied to \'/app/staticfiles\'.');
      return 0;
    }
    if (db.kind === 'mysql') sql(db, 'SELECT 1');
    console.log(command === 'seed_tags' ? 'Tags seeded' : `${command}: OK`);
    return 0;
  } catch (error) {
    return fail(error.message, 1);
  }
}
