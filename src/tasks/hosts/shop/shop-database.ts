import { exec, type SshConnection } from '../../../ssh/index.js';
import { mariadbCommand } from '../db-users.js';
import type { DbEndpoint } from '../db-users-master.js';
import { SHOP_DATABASE } from './names.js';

/**
 * Proof that the shop keeps its data on RDS: its tables, as its own database user sees them from the shop
 * host. Rocket eCommerce falls back to SQLite, silently, when its `.env` lacks DB_ENGINE, DB_NAME or
 * DB_USERNAME: the shop then answers HTTP 200 like a healthy one while its RDS database stays empty. After
 * `manage.py migrate`, Django's own `django_migrations` table must be there.
 */

/** The table Django's `migrate` creates first, in every project. */
export const DJANGO_MIGRATIONS_TABLE = 'django_migrations';

export type ShopTables = { login: true; tables: string[] } | { login: false; error: string };

/**
 * SHOW TABLES in the shop's database, as the shop's user (the password on stdin, MYSQL_PWD). Read-only.
 * `as` names another account and database (what the shop's own .env says, for `verify`).
 */
export async function shopTables(
  connection: SshConnection,
  endpoint: DbEndpoint,
  password: string,
  signal: AbortSignal,
  as: { user: string; database: string } = { user: SHOP_DATABASE.user, database: SHOP_DATABASE.database },
): Promise<ShopTables> {
  const result = await exec(connection, `${mariadbCommand(endpoint, as.user, as.database)} -N -B -e 'SHOW TABLES'`, {
    label: `list the tables of ${as.database} on RDS`,
    secretEnv: { MYSQL_PWD: password },
    allowFailure: true,
    signal,
    timeoutMs: 60_000,
  });
  if (result.code !== 0) return { login: false, error: (result.stderr.trim().split('\n').at(-1) ?? '') || `exit code ${result.code}` };
  return { login: true, tables: result.stdout.split('\n').map((t) => t.trim()).filter(Boolean) };
}

/** Why the tables do not prove the shop uses RDS (undefined: they do). */
export function shopTablesProblem(found: ShopTables, database = SHOP_DATABASE.database): string | undefined {
  if (!found.login) return `the shop's user cannot list its database on RDS (${found.error})`;
  if (found.tables.includes(DJANGO_MIGRATIONS_TABLE)) return undefined;
  return found.tables.length === 0
    ? `the shop's database ${database} on RDS has no table after migrate: the shop is not using it (Rocket eCommerce falls back to SQLite when its .env lacks DB_ENGINE, DB_NAME or DB_USERNAME)`
    : `the shop's database ${database} on RDS has no ${DJANGO_MIGRATIONS_TABLE} table (it has ${found.tables.slice(0, 5).join(', ')}): migrate did not run against it`;
}
