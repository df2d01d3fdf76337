import type { Config } from '../../../config/schema.js';
import type { FindResult, HostName, StepContext, StepPreview } from '../../../engine/types.js';
import { SHOP_PORT as SECURITY_GROUP_SHOP_PORT } from '../../security/rules.js';
import { ensureAppDatabasePreviewSql } from '../db-users-sql.js';
import { DB_INSTANCE_STEP } from '../db-users-master.js';
import { shellQuote } from '../../../ssh/index.js';
import { BASTION, instanceName, LOGIN_USER } from '../names.js';
import { SHOP_DATABASE, SHOP_DIR, SHOP_ENV_PATH, SHOP_HOST, SHOP_OWNER, SHOP_WEB_SERVICE, shopPort } from './names.js';
import { STRIPE_ENV } from './stripe-keys.js';

/** How the operator reaches an app host by hand: `ssh -J ubuntu@$BASTION ubuntu@$ADDR`. */
export function sshThroughBastion(ctx: StepContext, host: HostName): { ssh: string; jump: string; target: string } {
  const jump = `${LOGIN_USER}@${ctx.ref(`compute.${BASTION}`, 'publicIp', '$BASTION_PUBLIC_IP')}`;
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
  'seed: the app talks to RDS as the master user `admin` (`mysql -u admin -p`), whose password `Azerty123!` is typed in plain text in `create-db-instance`; here RDS keeps the master password in Secrets Manager, the tool reads it into memory only, and the shop gets its own user `shop` with rights on its own database alone',
  'seed: `.env` is written by hand with nano, world-readable (mode 0664), with the DB password and the Stripe secret key in it; here it is generated at mode 0600 owned by ubuntu, SECRET_KEY random, DEBUG=False, and the Stripe keys come from the environment and are never stored locally',
  'seed: `default-mysql-client` and `unzip` are installed for a one-off manual session; here `mariadb-client` (the server is MariaDB), installed only when `mariadb` is missing, and the source is a .tar.gz or folder unpacked in /opt/shop',
  'seed: `docker compose up -d --build` without migrations or a check; here migrations run (`manage.py migrate --noinput`) and the shop must answer HTTP on its port',
];

export function shopPreview(ctx: StepContext, config: Config, found: FindResult): StepPreview {
  const { ssh, jump, target } = sshThroughBastion(ctx, SHOP_HOST);
  const port = shopPort(config);
  const source = config.shop.source ?? '<shop.source>';
  const name = instanceName(config, SHOP_HOST);
  const cli = [
    `tar -czf shop.tar.gz -C ${source} .   # when shop.source is a folder`,
    `scp -o ProxyJump=${jump} shop.tar.gz ${target}:/tmp/shop.tar.gz && ${ssh} 'sudo mkdir -p ${SHOP_DIR} && sudo tar -xzf /tmp/shop.tar.gz -C ${SHOP_DIR} && sudo chown -R ${SHOP_OWNER}: ${SHOP_DIR} && rm /tmp/shop.tar.gz'`,
    `${ssh} 'umask 077 && cat > ${SHOP_ENV_PATH}' < shop.env   # SECRET_KEY, DEBUG=False, ALLOWED_HOSTS, DB_ENGINE=mysql, DB_HOST/PORT, DB_NAME/USER/PASSWORD (${SHOP_DATABASE.user}), ${STRIPE_ENV.publishable}, ${STRIPE_ENV.secret}, SHOP_PORT=${port}`,
    ...databasePreviewLines(ctx, ssh, SHOP_DATABASE),
    `${ssh} 'cd ${SHOP_DIR} && sudo docker compose up -d --build && sudo docker compose exec -T ${SHOP_WEB_SERVICE} python manage.py migrate --noinput'`,
    `${ssh} "curl -sS -o /dev/null -w '%{http_code}' http://localhost:${port}/"   # 2xx or 3xx`,
  ];
  const notes = [...SEED_NOTES];
  if (port !== SECURITY_GROUP_SHOP_PORT) notes.push(`shop.port is ${port} but the web security group opens ${SECURITY_GROUP_SHOP_PORT}: the shop will not be reachable from outside on ${port}`);
  if (found.kind === 'present' && found.unfinished.length > 0) {
    return { summary: `the shop on ${name}: to finish: ${found.unfinished.join('; ')}`, cli, notes };
  }
  if (found.kind === 'present') return { summary: `the shop on ${name} runs as wanted (${found.outputs['url'] ?? `port ${port}`})`, cli: [], notes };
  return {
    summary: `install the shop (Rocket eCommerce) on ${name}: source from ${source} to ${SHOP_DIR}, .env 0600, its own DB user on RDS, docker compose up --build, migrations, HTTP check on port ${port}`,
    cli,
    notes,
  };
}
