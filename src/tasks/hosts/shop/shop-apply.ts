import type { Config } from '../../../config/schema.js';
import type { Outputs, StepContext } from '../../../engine/types.js';
import { uploadArchive, uploadFile } from '../../../ssh/index.js';
import { ensureAppDatabase, ensureMariadbClient } from '../db-users.js';
import { isSuccessOrRedirect, readRemoteFile, runCompose, waitForHttp, writeDeployedMarker } from './compose-app.js';
import { keptShopSecrets, shopEnvSecrets } from './env-file.js';
import { SHOP_DATABASE, SHOP_DIR, SHOP_ENV_PATH, SHOP_HOST, SHOP_OWNER, SHOP_WEB_SERVICE, shopPort } from './names.js';
import { withSecretsMasked } from './secret-guard.js';
import { DEPLOYED_PATH, inspectShop, shopEnvContent, shopFingerprint, shopUrl, shopWanted, SOURCE_MARKER } from './shop-plan.js';
import { resolveShopSource, withSourceArchive } from './source.js';
import { requireStripeKeys } from './stripe-keys.js';

/** The shop did not answer on its port after compose. */
export class ShopHttpError extends Error {
  override readonly name = 'ShopHttpError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const COMPOSE_UP_TIMEOUT_MS = 30 * 60_000;
const MIGRATE_TIMEOUT_MS = 15 * 60_000;
const HTTP_TIMEOUT_MS = 3 * 60_000;

export function shopOutputs(ctx: StepContext, config: Config, digest: string): Outputs {
  return { url: shopUrl(ctx, shopPort(config)), database: SHOP_DATABASE.database, dbUser: SHOP_DATABASE.user, sourceDigest: digest };
}

/**
 * Source, `.env`, database user, compose, migrations, HTTP check, in that order; each part is skipped
 * when the host already has it. The source goes first because unpacking writes over the directory; the
 * `.env` (with a newly generated DB password) before the database user, so the password is on the host
 * before RDS knows it; the deployed marker last, so an interrupted deployment is redone.
 */
export async function applyShop(ctx: StepContext, config: Config): Promise<Outputs> {
  const stripe = requireStripeKeys(process.env);
  const source = await resolveShopSource(config);
  const wanted = await shopWanted(ctx, config);
  const digest = wanted.digest as string;
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
      ctx.progress(`uploading the shop source (${source.kind} ${source.path}) to ${SHOP_DIR}`);
      await withSourceArchive(source, (archive) => uploadArchive(connection, archive, SHOP_DIR, { owner: SHOP_OWNER, signal, label: `unpack the shop source in ${SHOP_DIR}` }));
      await uploadFile(connection, SOURCE_MARKER, `${digest}\n`, { mode: 0o644, signal, label: 'record the shop source digest' });
    }

    const env = shopEnvContent(wanted, kept, stripe);
    const written = await uploadFile(connection, SHOP_ENV_PATH, env, { mode: 0o600, owner: SHOP_OWNER, parents: true, signal, label: `write ${SHOP_ENV_PATH}` });
    if (written.changed) ctx.progress(`${SHOP_ENV_PATH} written (mode 0600, owner ${SHOP_OWNER})`);

    await ensureAppDatabase(ctx, connection, { endpoint: wanted.endpoint, app: SHOP_DATABASE, password: kept.dbPassword });

    const fingerprint = shopFingerprint(digest, env);
    const deployed = facts.markers.get(DEPLOYED_PATH) === fingerprint && !written.contentChanged;
    const running = facts.running.includes(SHOP_WEB_SERVICE);
    if (!deployed || !running) {
      ctx.progress('docker compose up -d --build');
      await runCompose(ctx, connection, { dir: SHOP_DIR, args: 'up -d --build', label: 'docker compose up -d --build (shop)', secrets, timeoutMs: COMPOSE_UP_TIMEOUT_MS });
      ctx.progress('running the Django migrations');
      await runCompose(ctx, connection, {
        dir: SHOP_DIR,
        args: `exec -T ${SHOP_WEB_SERVICE} python manage.py migrate --noinput`,
        label: 'manage.py migrate (shop)',
        secrets,
        timeoutMs: MIGRATE_TIMEOUT_MS,
      });
    }

    const url = `http://localhost:${wanted.port}/`;
    const code = await waitForHttp(ctx, connection, url, { accept: isSuccessOrRedirect, timeoutMs: HTTP_TIMEOUT_MS });
    if (!isSuccessOrRedirect(code)) {
      throw new ShopHttpError(
        `the shop does not answer on ${SHOP_HOST} port ${wanted.port} (${code ? `HTTP ${code}` : 'no answer'} from ${url})`,
        `look at \`sudo docker compose logs ${SHOP_WEB_SERVICE}\` in ${SHOP_DIR} on the host; the compose file must publish \${SHOP_PORT:-8000}; rerun \`aws-runbook up\` once fixed`,
      );
    }
    if (!deployed) await writeDeployedMarker(connection, SHOP_DIR, fingerprint, signal);
    return shopOutputs(ctx, config, digest);
  });
}
