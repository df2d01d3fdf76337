import { readRemoteFile } from '../hosts/shop/compose-app.js';
import { parseEnvFile, SHOP_ENV } from '../hosts/shop/env-file.js';
import { SHOP_DIR, SHOP_ENV_PATH, SHOP_HOST } from '../hosts/shop/names.js';
import { DJANGO_MIGRATIONS_TABLE, shopTables, shopTablesProblem } from '../hosts/shop/shop-database.js';
import { onHost } from './on-host.js';
import { fail, pass, type Check } from './types.js';

/**
 * `apps.shop.database`: the shop keeps its data on RDS. Read from the shop's own .env (what Django reads:
 * Rocket eCommerce uses MySQL/MariaDB only when DB_ENGINE, DB_NAME and DB_USERNAME are set, and SQLite
 * silently otherwise), then its tables listed on RDS as that user: a shop answering 200 on SQLite fails
 * here. The password goes to the client on SSH stdin; nothing of the .env is shown but names.
 */
export function shopDatabaseCheck(): Check {
  return {
    id: 'apps.shop.database',
    group: 'apps',
    title: "The shop's tables are in its RDS database (not SQLite)",
    needsHosts: true,
    run: (ctx) =>
      onHost(ctx, SHOP_HOST, async (connection) => {
        const text = await readRemoteFile(connection, SHOP_ENV_PATH, ctx.signal);
        if (text === undefined) return fail(`${SHOP_ENV_PATH} does not exist on ${SHOP_HOST}`, '`aws-runbook up --only hosts` writes it');
        const env = parseEnvFile(text);
        const missing = [SHOP_ENV.dbEngine, SHOP_ENV.dbName, SHOP_ENV.dbUser].filter((name) => !env.get(name));
        const fix = `\`aws-runbook up --only hosts\` rewrites ${SHOP_ENV_PATH} with DB_ENGINE, DB_HOST, DB_NAME, DB_USERNAME, DB_PASS, DB_PORT, then migrates`;
        if (missing.length > 0) return fail(`${SHOP_ENV_PATH} lacks ${missing.join(', ')}: the shop runs on SQLite, not on RDS`, fix);
        const endpoint = { host: env.get(SHOP_ENV.dbHost) || 'localhost', port: Number(env.get(SHOP_ENV.dbPort) || 3306) };
        const as = { user: env.get(SHOP_ENV.dbUser) as string, database: env.get(SHOP_ENV.dbName) as string };
        const found = await shopTables(connection, endpoint, env.get(SHOP_ENV.dbPassword) ?? '', ctx.signal, as);
        const problem = shopTablesProblem(found, as.database);
        const where = `${as.database} on ${endpoint.host}:${endpoint.port} as ${as.user}`;
        if (problem) return fail(`${problem} (${where})`, `${fix}; or run \`sudo docker compose exec <service> python manage.py migrate\` in ${SHOP_DIR}`);
        const tables = found.login ? found.tables : [];
        return pass(`${tables.length} tables in ${where}, ${DJANGO_MIGRATIONS_TABLE} among them`);
      }),
  };
}
