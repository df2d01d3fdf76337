import type { StepContext } from '../../../engine/types.js';
import { uploadFile, type SshConnection } from '../../../ssh/index.js';
import { appLoginWorks, ensureAppDatabase, ensureMariadbClient } from '../db-users.js';
import { dbEndpoint, type DbEndpoint } from '../db-users-master.js';
import { DEPLOYED_MARKER, deployFingerprint, fileAsWanted, httpStatus, inspectApp, readRemoteFile, runCompose, sha256Hex, waitForHttp, writeDeployedMarker } from '../shop/compose-app.js';
import { withSecretsMasked } from '../shop/secret-guard.js';
import { keptWordpressPassword, wordpressComposeFile, wordpressEnvFile } from './files.js';
import {
  WORDPRESS_COMPOSE_PATH,
  WORDPRESS_DATABASE,
  WORDPRESS_DIR,
  WORDPRESS_ENV_OWNER,
  WORDPRESS_ENV_PATH,
  WORDPRESS_HOST,
  WORDPRESS_PORT,
  WORDPRESS_SERVICE,
} from './names.js';

/** WordPress answered its login page with something other than 200/302. */
export class WordpressCheckError extends Error {
  override readonly name = 'WordpressCheckError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const DEPLOYED_PATH = `${WORDPRESS_DIR}/${DEPLOYED_MARKER}`;
export const LOGIN_PAGE = `http://localhost${WORDPRESS_PORT === 80 ? '' : `:${WORDPRESS_PORT}`}/wp-login.php`;

/** 302: not installed yet, redirected to the installer; 200: the login form. */
export const loginPageOk = (code: number) => code === 200 || code === 302;

interface WordpressFiles {
  endpoint: DbEndpoint;
  password: string;
  generated: boolean;
  compose: string;
  env: string;
  fingerprint: string;
}

async function wantedFiles(ctx: StepContext, connection: SshConnection): Promise<WordpressFiles> {
  const endpoint = dbEndpoint(ctx);
  const { password, generated } = keptWordpressPassword(await readRemoteFile(connection, WORDPRESS_ENV_PATH, ctx.signal));
  ctx.secret(password);
  const compose = wordpressComposeFile(endpoint);
  const env = wordpressEnvFile(password);
  return { endpoint, password, generated, compose, env, fingerprint: deployFingerprint([sha256Hex(compose), sha256Hex(env)]) };
}

function inspect(connection: SshConnection, signal: AbortSignal) {
  return inspectApp(connection, { dir: WORDPRESS_DIR, files: [WORDPRESS_COMPOSE_PATH, WORDPRESS_ENV_PATH], markers: [DEPLOYED_PATH] }, signal);
}

/** What apply still has to do on the host (empty: as wanted), and whether nothing of ours is there yet. Read-only. */
export async function wordpressGap(ctx: StepContext, connection: SshConnection): Promise<{ fresh: boolean; unfinished: string[] }> {
  const [files, facts] = await Promise.all([wantedFiles(ctx, connection), inspect(connection, ctx.signal)]);
  const unfinished: string[] = [];
  const fresh = facts.files.get(WORDPRESS_ENV_PATH) === undefined && facts.files.get(WORDPRESS_COMPOSE_PATH) === undefined;
  if (!facts.hasMariadb) unfinished.push('install mariadb-client');
  const login = { endpoint: files.endpoint, app: WORDPRESS_DATABASE, password: files.password };
  if (files.generated || !facts.hasMariadb || !(await appLoginWorks(connection, login, ctx.signal))) {
    unfinished.push(`create database ${WORDPRESS_DATABASE.database} and user ${WORDPRESS_DATABASE.user} on RDS`);
  }
  if (!fileAsWanted(facts.files.get(WORDPRESS_ENV_PATH), files.env, 0o600, WORDPRESS_ENV_OWNER)) unfinished.push(`write ${WORDPRESS_ENV_PATH} (mode 0600)`);
  if (!fileAsWanted(facts.files.get(WORDPRESS_COMPOSE_PATH), files.compose, 0o644, 'root')) unfinished.push(`write ${WORDPRESS_COMPOSE_PATH}`);
  if (!facts.running.includes(WORDPRESS_SERVICE) || facts.markers.get(DEPLOYED_PATH) !== files.fingerprint) {
    unfinished.push('docker compose up -d');
  } else if (!loginPageOk(await httpStatus(connection, LOGIN_PAGE, ctx.signal))) {
    unfinished.push('get 200 or 302 from /wp-login.php');
  }
  return { fresh, unfinished };
}

/**
 * The env file first (a new password is on the host before RDS knows it), then the database and user
 * (the image no longer creates them), the compose file, `up -d` when anything changed or the container
 * is not running, the login-page check, and the deployed marker last.
 */
export async function applyWordpress(ctx: StepContext): Promise<void> {
  const connection = await ctx.hosts.connect(WORDPRESS_HOST, ctx.signal);
  const signal = ctx.signal;
  const files = await wantedFiles(ctx, connection);
  await withSecretsMasked([files.password], async () => {
    await ensureMariadbClient(ctx, connection);
    const facts = await inspect(connection, signal);
    const env = await uploadFile(connection, WORDPRESS_ENV_PATH, files.env, { mode: 0o600, owner: WORDPRESS_ENV_OWNER, parents: true, signal, label: `write ${WORDPRESS_ENV_PATH}` });
    await ensureAppDatabase(ctx, connection, { endpoint: files.endpoint, app: WORDPRESS_DATABASE, password: files.password });
    const compose = await uploadFile(connection, WORDPRESS_COMPOSE_PATH, files.compose, { mode: 0o644, parents: true, signal, label: `write ${WORDPRESS_COMPOSE_PATH}` });

    const deployed = facts.markers.get(DEPLOYED_PATH) === files.fingerprint && !env.contentChanged && !compose.contentChanged;
    if (!deployed || !facts.running.includes(WORDPRESS_SERVICE)) {
      ctx.progress('docker compose up -d (WordPress)');
      await runCompose(ctx, connection, { dir: WORDPRESS_DIR, args: 'up -d', label: 'docker compose up -d (WordPress)', secrets: [files.password], timeoutMs: 20 * 60_000 });
    }
    const code = await waitForHttp(ctx, connection, LOGIN_PAGE, { accept: loginPageOk, timeoutMs: 3 * 60_000, settled: { codes: [500], forMs: 20_000 } });
    if (code === 500) {
      throw new WordpressCheckError(
        `WordPress answers 500 on /wp-login.php: the database is unreachable (${files.endpoint.host}:${files.endpoint.port}, user ${WORDPRESS_DATABASE.user})`,
        `check the RDS security group lets the WordPress host in on ${files.endpoint.port}, and \`sudo docker compose logs ${WORDPRESS_SERVICE}\` in ${WORDPRESS_DIR}; then rerun \`aws-runbook up\``,
      );
    }
    if (!loginPageOk(code)) {
      throw new WordpressCheckError(
        `WordPress does not answer /wp-login.php on ${WORDPRESS_HOST} as expected (${code ? `HTTP ${code}` : 'no answer'}; wanted 302 to the installer or 200)`,
        `look at \`sudo docker compose ps\` and \`sudo docker compose logs ${WORDPRESS_SERVICE}\` in ${WORDPRESS_DIR} on the host; then rerun \`aws-runbook up\``,
      );
    }
    if (!deployed) await writeDeployedMarker(connection, WORDPRESS_DIR, files.fingerprint, signal);
  });
}
