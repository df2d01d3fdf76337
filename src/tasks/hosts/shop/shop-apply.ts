import type { Config } from '../../../config/schema.js';
import type { Outputs, StepContext } from '../../../engine/types.js';
import { uploadArchive, uploadFile } from '../../../ssh/index.js';
import { ADMIN_ACCOUNTS, adminPasswordFile, ensureAdminPassword, forgetAdminPassword } from '../admin-credentials.js';
import { ensureAppDatabase, ensureMariadbClient } from '../db-users.js';
import { isSuccessOrRedirect, readRemoteFile, runCompose, waitForHttp, writeDeployedMarker } from './compose-app.js';
import { keptShopSecrets, shopEnvSecrets } from './env-file.js';
import { SHOP_DATABASE, SHOP_DIR, SHOP_ENV_PATH, SHOP_HOST, SHOP_OWNER } from './names.js';
import { withSecretsMasked } from './secret-guard.js';
import { shopTables, shopTablesProblem } from './shop-database.js';
import { ensureDjangoAdmin, runDjangoSetup } from './shop-django.js';
import { DEPLOYED_PATH, inspectShop, shopEnvContent, shopFingerprint, shopUrl, shopWanted, SOURCE_MARKER, type ShopWanted } from './shop-plan.js';
import { inspectShopSource, withSourceArchive } from './source.js';
import { requireStripeKeys } from './stripe-keys.js';
import { HintedError } from '../../../errors/hinted-error.js';

/** The shop did not answer on its port after compose, or does not keep its data on RDS. */
export class ShopCheckError extends HintedError {
  override readonly name = 'ShopCheckError';
}

const COMPOSE_UP_TIMEOUT_MS = 30 * 60_000;
const HTTP_TIMEOUT_MS = 3 * 60_000;

export function shopOutputs(ctx: StepContext, wanted: Pick<ShopWanted, 'port' | 'service'>, digest: string): Outputs {
  return { url: shopUrl(ctx, wanted.port), service: wanted.service, database: SHOP_DATABASE.database, dbUser: SHOP_DATABASE.user, sourceDigest: digest };
}

/**
 * Source, `.env`, database user, compose, Django's setup (migrate, seed_tags, collectstatic), the admin
 * account, the HTTP check and the proof that the tables are on RDS, in that order; each part is skipped
 * when the host already has it. The source goes first because unpacking writes over the directory; the
 * `.env` (with a newly generated DB password) before the database user, so the password is on the host
 * before RDS knows it; the admin's password is on the host before the account exists; the deployed marker
 * last, so an interrupted deployment is redone.
 */
export async function applyShop(ctx: StepContext, config: Config): Promise<Outputs> {
  const stripe = requireStripeKeys(process.env);
  const inspected = await inspectShopSource(config);
  const wanted = await shopWanted(ctx, config);
  const digest = wanted.digest as string;
  const { layout, source } = inspected;
  const connection = await ctx.hosts.connect(SHOP_HOST, ctx.signal);
  const signal = ctx.signal;

  const kept = keptShopSecrets(await readRemoteFile(connection, SHOP_ENV_PATH, signal)).secrets;
  ctx.secret(kept.secretKey);
  ctx.secret(kept.dbPassword);
  const secrets = shopEnvSecrets(kept, stripe);
  return withSecretsMasked(secrets, async () => {
    await ensureMariadbClient(ctx, connection);
    const facts = await inspectShop(connection, signal);

    if (facts.markers.get(SOURCE_MARKER) !== digest) {
      ctx.progress(`uploading the shop source (${source.kind} ${source.path}${inspected.tree.top ? `, folder ${inspected.tree.top}/` : ''}) to ${SHOP_DIR}`);
      await withSourceArchive(inspected, (archive) => uploadArchive(connection, archive, SHOP_DIR, { owner: SHOP_OWNER, signal, label: `unpack the shop source in ${SHOP_DIR}` }));
      await uploadFile(connection, SOURCE_MARKER, `${digest}\n`, { mode: 0o644, signal, label: 'record the shop source digest' });
    }

    const env = shopEnvContent(wanted, kept, stripe);
    const written = await uploadFile(connection, SHOP_ENV_PATH, env, { mode: 0o600, owner: SHOP_OWNER, parents: true, signal, label: `write ${SHOP_ENV_PATH}` });
    if (written.changed) ctx.progress(`${SHOP_ENV_PATH} written (mode 0600, owner ${SHOP_OWNER})`);

    await ensureAppDatabase(ctx, connection, { endpoint: wanted.endpoint, app: SHOP_DATABASE, password: kept.dbPassword });
    const admin = await ensureAdminPassword(connection, ADMIN_ACCOUNTS.shop, signal);
    ctx.secret(admin.password);

    const fingerprint = shopFingerprint(digest, env);
    const deployed = facts.markers.get(DEPLOYED_PATH) === fingerprint && !written.contentChanged;
    const running = facts.running.includes(layout.manageService);
    const setup = { service: layout.manageService, commands: layout.commands, secrets };
    if (!deployed || !running) {
      ctx.progress('docker compose up -d --build');
      await runCompose(ctx, connection, { dir: SHOP_DIR, args: 'up -d --build', label: 'docker compose up -d --build (shop)', secrets, timeoutMs: COMPOSE_UP_TIMEOUT_MS });
      await runDjangoSetup(ctx, connection, setup);
    }
    if ((!deployed || admin.generated) && (await ensureDjangoAdmin(ctx, connection, { ...setup, password: admin.password })) === 'exists' && admin.generated) {
      // The account predates this password (its file was removed by hand): the file must not claim it.
      await forgetAdminPassword(connection, ADMIN_ACCOUNTS.shop, signal);
      throw new ShopCheckError(
        `the shop's admin account (${ADMIN_ACCOUNTS.shop.user}) exists, but its password is not the one this tool kept (${adminPasswordFile(ADMIN_ACCOUNTS.shop)} was missing)`,
        `set a password yourself (\`sudo docker compose exec ${layout.manageService} python manage.py changepassword ${ADMIN_ACCOUNTS.shop.user}\` in ${SHOP_DIR}), or delete that user in the Django admin and rerun \`aws-runbook up\` to have it created again`,
      );
    }

    const url = `http://localhost:${layout.port}/`;
    const code = await waitForHttp(ctx, connection, url, { accept: isSuccessOrRedirect, timeoutMs: HTTP_TIMEOUT_MS });
    if (!isSuccessOrRedirect(code)) {
      throw new ShopCheckError(
        `the shop does not answer on ${SHOP_HOST} port ${layout.port} (${code ? `HTTP ${code}` : 'no answer'} from ${url})`,
        `look at \`sudo docker compose ps\` and \`sudo docker compose logs\` in ${SHOP_DIR} on the host (${layout.composeFile} publishes ${layout.publicPorts.join(', ')}); rerun \`aws-runbook up\` once fixed`,
      );
    }
    const tablesProblem = shopTablesProblem(await shopTables(connection, wanted.endpoint, kept.dbPassword, signal));
    if (tablesProblem) {
      throw new ShopCheckError(
        tablesProblem,
        `the shop's settings must read the database from ${SHOP_ENV_PATH} (DB_ENGINE=mysql, DB_HOST, DB_NAME, DB_USERNAME, DB_PASS, DB_PORT); check \`sudo docker compose exec ${layout.manageService} env\` in ${SHOP_DIR}, then rerun \`aws-runbook up\``,
      );
    }
    if (!deployed) await writeDeployedMarker(connection, SHOP_DIR, fingerprint, signal);
    return shopOutputs(ctx, wanted, digest);
  });
}
