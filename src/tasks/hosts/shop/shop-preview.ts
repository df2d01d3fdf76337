import type { Config } from '../../../config/schema.js';
import type { FindResult, HostName, StepContext, StepPreview } from '../../../engine/types.js';
import { shellQuote } from '../../../ssh/index.js';
import { ADMIN_ACCOUNTS, adminPasswordFile } from '../admin-credentials.js';
import { ensureAppDatabasePreviewSql } from '../db-users-sql.js';
import { DB_INSTANCE_STEP } from '../db-users-master.js';
import { BASTION, instanceName, LOGIN_USER, publicAddressRef } from '../names.js';
import { SHOP_DATABASE, SHOP_DIR, SHOP_ENV_PATH, SHOP_HOST, SHOP_OWNER, shopPort, shopService } from './names.js';
import { djangoSetupCommands, manageLine } from './shop-django.js';

/** How the operator reaches an app host by hand: `ssh -J ubuntu@$BASTION ubuntu@$ADDR`. */
export function sshThroughBastion(ctx: StepContext, host: HostName): { ssh: string; jump: string; target: string } {
  const jump = `${LOGIN_USER}@${publicAddressRef(ctx, BASTION, '$BASTION_PUBLIC_IP')}`;
  const target = `${LOGIN_USER}@${ctx.ref(`compute.${host}`, 'privateIp', `$${host.toUpperCase()}_PRIVATE_IP`)}`;
  return { ssh: `ssh -J ${jump} ${target}`, jump, target };
}

/** The database lines of an app's preview: read the master secret, create the app's database and user from the host. */
export function databasePreviewLines(ctx: StepContext, ssh: string, app: typeof SHOP_DATABASE): string[] {
  const arn = ctx.ref(DB_INSTANCE_STEP, 'masterUserSecretArn', '$MASTER_SECRET_ARN');
  const host = ctx.ref(DB_INSTANCE_STEP, 'endpointAddress', '$RDS_ENDPOINT');
  const port = Number(ctx.output(DB_INSTANCE_STEP, 'endpointPort') ?? 3306);
  const sql = ensureAppDatabasePreviewSql(app).trim().split('\n').join(' ');
  return [
    `MYSQL_PWD=$(aws secretsmanager get-secret-value --secret-id ${arn} --query SecretString --output text | jq -r .password)   # the RDS master password: kept in memory, never written down`,
    `${ssh} 'command -v mariadb || sudo apt-get install -y mariadb-client'`,
    `printf '%s\\n' "$MYSQL_PWD" ${shellQuote(sql)} | ${ssh} "IFS= read -r MYSQL_PWD; export MYSQL_PWD; mariadb -h ${host} -P ${port} -u admin"   # only when ${app.user} cannot log in with the password in its env file`,
  ];
}

const SEED_NOTES = [
  'runbook: the app talks to RDS as the master user `admin` (`mysql -u admin -p`), whose password `Azerty123!` is typed in plain text in `create-db-instance`; here RDS keeps the master password in Secrets Manager, the tool reads it into memory only, and the shop gets its own user `shop` with rights on its own database alone',
  "runbook: `.env` is written by hand with nano, world-readable, with the DB password and the Stripe secret key in it; here it is made from the vendor's env.sample at mode 0600 owned by ubuntu, under the names the shop reads (DB_ENGINE, DB_HOST, DB_NAME, DB_USERNAME, DB_PASS, DB_PORT: without them Rocket eCommerce silently runs on SQLite), SECRET_KEY random, DEBUG=False, the Stripe keys from the environment",
  "runbook: `unzip` and `default-mysql-client` are installed for a one-off manual session; here the vendor's zip is unpacked on this machine and sent as one archive, and `mariadb-client` (the server is MariaDB) is installed only when `mariadb` is missing",
  "runbook: `docker compose up -d --build` and nothing after; here the vendor's setup runs (migrate, seed_tags, collectstatic for DEBUG=False), the admin is created with a generated password (no one is left to do it by hand), the shop must answer on the port its compose file publishes, and its tables must be in RDS",
];

function cliLines(ctx: StepContext, config: Config): string[] {
  const { ssh, jump, target } = sshThroughBastion(ctx, SHOP_HOST);
  const facts = config.shopFacts?.ok ? config.shopFacts : undefined;
  const source = config.shop.source ?? '<shop.source>';
  const service = shopService(config);
  const envNames = facts ? facts.envNames.join(', ') : 'the env sample\'s names and DEBUG, SECRET_KEY, STRIPE_*, DB_ENGINE, DB_HOST, DB_NAME, DB_USERNAME, DB_PASS, DB_PORT';
  const host = ctx.ref(DB_INSTANCE_STEP, 'endpointAddress', '$RDS_ENDPOINT');
  const admin = ADMIN_ACCOUNTS.shop;
  const compose = (args: string) => `${ssh} 'cd ${SHOP_DIR} && sudo docker compose ${args}'`;
  return [
    `unzip -q ${source} -d shop && tar -czf shop.tar.gz -C shop/<top folder> .   # a .zip (the vendor's download) or a folder; a .tar.gz with the app at its top is sent as it is`,
    `scp -o ProxyJump=${jump} shop.tar.gz ${target}:/tmp/shop.tar.gz && ${ssh} 'sudo mkdir -p ${SHOP_DIR} && sudo tar -xzf /tmp/shop.tar.gz -C ${SHOP_DIR} && sudo chown -R ${SHOP_OWNER}: ${SHOP_DIR} && rm /tmp/shop.tar.gz'`,
    `${ssh} 'umask 077 && cat > ${SHOP_ENV_PATH}' < shop.env   # ${envNames}`,
    ...databasePreviewLines(ctx, ssh, SHOP_DATABASE),
    compose('up -d --build'),
    ...djangoSetupCommands(facts?.commands ?? ['seed_tags']).map((args) => compose(manageLine(service, args))),
    `${compose(manageLine(service, `createsuperuser --noinput --username ${admin.user} --email ${admin.user}@localhost`, ['DJANGO_SUPERUSER_PASSWORD']))}   # the password generated, kept in ${adminPasswordFile(admin)} (root only), shown on the Summary on request`,
    `${ssh} "curl -sS -o /dev/null -w '%{http_code}' http://localhost:${shopPort(config)}/"   # 2xx or 3xx`,
    `${ssh} "mariadb -h ${host} -u ${SHOP_DATABASE.user} -p ${SHOP_DATABASE.database} -e 'SHOW TABLES'"   # django_migrations and the shop's tables: the data is on RDS, not in SQLite`,
  ];
}

export function shopPreview(ctx: StepContext, config: Config, found: FindResult): StepPreview {
  const name = instanceName(config, SHOP_HOST);
  const facts = config.shopFacts;
  const notes = [...SEED_NOTES];
  if (facts?.ok) notes.unshift(`read from ${facts.from}: services ${facts.services.join(', ')}; manage.py runs in ${facts.manageService}; published on ${facts.publicPorts.join(', ')} (the web security group opens exactly these)`);
  if (facts && !facts.ok) {
    return { summary: `cannot install the shop on ${name}: shop.source ${facts.message}. Fix: ${facts.fix}`, cli: cliLines(ctx, config), notes };
  }
  if (found.kind === 'present' && found.unfinished.length > 0) {
    return { summary: `the shop on ${name}: to finish: ${found.unfinished.join('; ')}`, cli: cliLines(ctx, config), notes };
  }
  if (found.kind === 'present') return { summary: `the shop on ${name} runs as wanted (${found.outputs['url'] ?? `port ${shopPort(config)}`})`, cli: [], notes };
  return {
    summary:
      `install the shop (Rocket eCommerce) on ${name}: its source to ${SHOP_DIR}, .env 0600 from its env sample, its own DB user on RDS, ` +
      `docker compose up --build, ${djangoSetupCommands(facts?.ok ? facts.commands : ['seed_tags']).map((c) => c.split(' ')[0]).join(', ')} in ${shopService(config)}, ` +
      `an admin account, HTTP check on port ${shopPort(config)}, its tables on RDS`,
    cli: cliLines(ctx, config),
    notes,
  };
}
