import type { Config } from '../../../config/schema.js';
import type { StepContext } from '../../../engine/types.js';
import type { SshConnection } from '../../../ssh/index.js';
import { ADMIN_ACCOUNTS, readAdminPassword } from '../admin-credentials.js';
import { appLoginWorks } from '../db-users.js';
import { dbEndpoint, type DbEndpoint } from '../db-users-master.js';
import { instanceStepId, publicAddress } from '../names.js';
import { DEPLOYED_MARKER, deployFingerprint, fileAsWanted, httpStatus, inspectApp, isSuccessOrRedirect, readRemoteFile, sha256Hex, type AppFacts } from './compose-app.js';
import { buildShopEnv, keptShopSecrets, type ShopKeptSecrets } from './env-file.js';
import type { ShopLayout } from './layout.js';
import { DEFAULT_SHOP_SERVICE, SHOP_DATABASE, SHOP_DIR, SHOP_ENV_PATH, SHOP_HOST, SHOP_OWNER, shopPort } from './names.js';
import { shopTables, shopTablesProblem } from './shop-database.js';
import { inspectShopSource, ShopSourceError, sourceDigest, type InspectedSource } from './source.js';
import { STRIPE_ENV, stripeKeysFrom, type StripeKeys } from './stripe-keys.js';

/**
 * What the shop should look like on its host, and how far the host is from it. Shared by find (which
 * turns the gap into `unfinished`) and apply (which closes it). Everything here is read-only.
 */

export const SOURCE_MARKER = `${SHOP_DIR}/.aws-runbook-source`;
export const DEPLOYED_PATH = `${SHOP_DIR}/${DEPLOYED_MARKER}`;

export interface ShopWanted {
  /** Undefined when shop.source is unusable (`up` refuses to start then; a `plan` says why). */
  inspected: InspectedSource | undefined;
  sourceProblem: ShopSourceError | undefined;
  digest: string | undefined;
  endpoint: DbEndpoint;
  allowedHosts: string[];
  /** The port visitors use (the HTTP check, the URL). */
  port: number;
  /** The compose service that runs manage.py. */
  service: string;
  /** Undefined when the environment lacks usable keys (a `plan` may run without them). */
  stripe: StripeKeys | undefined;
}

export function shopUrl(ctx: StepContext, port: number): string {
  const address = publicAddress(ctx, SHOP_HOST) ?? ctx.output(instanceStepId(SHOP_HOST), 'privateIp') ?? '$ECOMMERCE_PUBLIC_IP';
  return `http://${address}:${port}/`;
}

/** The source read (or why it cannot be), without throwing for an unusable one. */
export async function inspectedOrProblem(config: Config): Promise<InspectedSource | ShopSourceError> {
  return inspectShopSource(config).catch((error: unknown) => {
    if (error instanceof ShopSourceError) return error;
    throw error;
  });
}

export async function shopWanted(ctx: StepContext, config: Config, env: NodeJS.ProcessEnv = process.env): Promise<ShopWanted> {
  const inspected = await inspectedOrProblem(config);
  const ok = inspected instanceof ShopSourceError ? undefined : inspected;
  const addresses = [publicAddress(ctx, SHOP_HOST), ctx.output(instanceStepId(SHOP_HOST), 'privateIp')].filter((a): a is string => Boolean(a));
  return {
    inspected: ok,
    sourceProblem: inspected instanceof ShopSourceError ? inspected : undefined,
    digest: ok ? await sourceDigest(ok.source) : undefined,
    endpoint: dbEndpoint(ctx),
    // localhost: the tool's own HTTP check (Django refuses an unknown Host header when ALLOWED_HOSTS is read).
    allowedHosts: [...addresses, 'localhost', '127.0.0.1'],
    port: ok?.layout.port ?? shopPort(config),
    service: ok?.layout.manageService ?? DEFAULT_SHOP_SERVICE,
    stripe: stripeKeysFrom(env),
  };
}

export function shopEnvContent(wanted: ShopWanted, kept: ShopKeptSecrets, stripe: StripeKeys): string {
  const layout: ShopLayout | undefined = wanted.inspected?.layout;
  return buildShopEnv({
    kept,
    stripe,
    db: { host: wanted.endpoint.host, port: wanted.endpoint.port, name: SHOP_DATABASE.database, user: SHOP_DATABASE.user },
    sample: layout?.envSample?.entries,
    allowedHosts: layout?.readsAllowedHosts ? wanted.allowedHosts : undefined,
  });
}

export function shopFingerprint(digest: string, env: string): string {
  return deployFingerprint([digest, sha256Hex(env)]);
}

export interface ShopGap {
  /** Nothing of ours on the host yet. */
  fresh: boolean;
  unfinished: string[];
}

export function inspectShop(connection: SshConnection, signal: AbortSignal): Promise<AppFacts> {
  return inspectApp(connection, { dir: SHOP_DIR, files: [SHOP_ENV_PATH], markers: [SOURCE_MARKER, DEPLOYED_PATH] }, signal);
}

/** The host against the wanted shop: what apply still has to do (empty: as wanted). Read-only. */
export async function shopGap(ctx: StepContext, connection: SshConnection, wanted: ShopWanted): Promise<ShopGap> {
  const [facts, existing] = await Promise.all([inspectShop(connection, ctx.signal), readRemoteFile(connection, SHOP_ENV_PATH, ctx.signal)]);
  const unfinished: string[] = [];
  const fresh = existing === undefined && facts.markers.get(SOURCE_MARKER) === undefined;
  if (!facts.hasMariadb) unfinished.push('install mariadb-client');
  if (!wanted.digest) unfinished.push(`upload the source to ${SHOP_DIR} (${wanted.sourceProblem?.message ?? 'shop.source is not usable'})`);
  else if (facts.markers.get(SOURCE_MARKER) !== wanted.digest) unfinished.push(`upload the source to ${SHOP_DIR}`);

  const { secrets: kept, generated } = keptShopSecrets(existing);
  let fingerprint: string | undefined;
  if (!wanted.stripe) {
    unfinished.push(`write ${SHOP_ENV_PATH} (needs ${STRIPE_ENV.publishable} and ${STRIPE_ENV.secret} in the environment)`);
  } else {
    const env = shopEnvContent(wanted, kept, wanted.stripe);
    fingerprint = wanted.digest ? shopFingerprint(wanted.digest, env) : undefined;
    if (!fileAsWanted(facts.files.get(SHOP_ENV_PATH), env, 0o600, SHOP_OWNER)) unfinished.push(`write ${SHOP_ENV_PATH} (mode 0600)`);
  }

  const loginKnown = facts.hasMariadb && !generated.includes('dbPassword');
  const login = loginKnown && (await appLoginWorks(connection, { endpoint: wanted.endpoint, app: SHOP_DATABASE, password: kept.dbPassword }, ctx.signal));
  if (!login) unfinished.push(`create database ${SHOP_DATABASE.database} and user ${SHOP_DATABASE.user} on RDS`);
  const running = facts.running.includes(wanted.service);
  if (!running || fingerprint === undefined || facts.markers.get(DEPLOYED_PATH) !== fingerprint) {
    unfinished.push('docker compose up -d --build, migrations, static files and the admin account');
  } else {
    if (!isSuccessOrRedirect(await httpStatus(connection, `http://localhost:${wanted.port}/`, ctx.signal))) unfinished.push(`get an HTTP answer on port ${wanted.port}`);
    const tablesProblem = login ? shopTablesProblem(await shopTables(connection, wanted.endpoint, kept.dbPassword, ctx.signal)) : undefined;
    if (tablesProblem) unfinished.push(`run the migrations against RDS (${tablesProblem})`);
    if (!(await readAdminPassword(connection, ADMIN_ACCOUNTS.shop, ctx.signal))) unfinished.push(`create the shop's admin account (${ADMIN_ACCOUNTS.shop.user})`);
  }
  return { fresh, unfinished };
}
