import type { StepContext } from '../../../engine/types.js';
import { uploadFile, type SshConnection } from '../../../ssh/index.js';
import { ensureAdminPassword } from '../admin-credentials.js';
import { appLoginWorks, ensureAppDatabase, ensureMariadbClient } from '../db-users.js';
import { dbEndpoint, type DbEndpoint } from '../db-users-master.js';
import { DEPLOYED_MARKER, deployFingerprint, fileAsWanted, inspectApp, readRemoteFile, runCompose, sha256Hex, waitForHttp, writeDeployedMarker, type AppFacts } from '../shop/compose-app.js';
import { withSecretsMasked } from '../shop/secret-guard.js';
import { keptWordpressPassword, wordpressComposeFile, wordpressEnvFile } from './files.js';
import { WORDPRESS_COMPOSE_PATH, WORDPRESS_DATABASE, WORDPRESS_DIR, WORDPRESS_ENV_OWNER, WORDPRESS_ENV_PATH, WORDPRESS_HOST, WORDPRESS_SERVICE, type WordpressExposure } from './names.js';
import { describePage, FRONT_PAGE, INSTALLER_PATH, installedAnswer, installWordpress, LOGIN_PAGE, pageOnHost, WORDPRESS_ADMIN, wordpressIsInstalled } from './wordpress-install.js';
import { HintedError } from '../../../errors/hinted-error.js';

export { LOGIN_PAGE } from './wordpress-install.js';

/** WordPress answered its pages with something other than what an installed, working site answers. */
export class WordpressCheckError extends HintedError {
  override readonly name = 'WordpressCheckError';
}

const DEPLOYED_PATH = `${WORDPRESS_DIR}/${DEPLOYED_MARKER}`;

/** Up and talking to its database: 302 (to the installer, before the install) or 200 (the login form). */
export const loginPageOk = (code: number) => code === 200 || code === 302;

interface WordpressFiles {
  endpoint: DbEndpoint;
  password: string;
  generated: boolean;
  env: string;
}

async function wantedFiles(ctx: StepContext, connection: SshConnection): Promise<WordpressFiles> {
  const endpoint = dbEndpoint(ctx);
  const { password, generated } = keptWordpressPassword(await readRemoteFile(connection, WORDPRESS_ENV_PATH, ctx.signal));
  ctx.secret(password);
  return { endpoint, password, generated, env: wordpressEnvFile(password) };
}

const fingerprintOf = (compose: string, env: string) => deployFingerprint([sha256Hex(compose), sha256Hex(env)]);

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
  const running = facts.running.includes(WORDPRESS_SERVICE);
  // Installed, as a visitor sees it: the front page itself, not a redirect to the installer.
  const front = running ? await pageOnHost(connection, FRONT_PAGE, ctx.signal) : undefined;
  const installed = front !== undefined && installedAnswer(front);
  const compose = wordpressComposeFile(files.endpoint, installed ? 'public' : 'loopback');
  if (!fileAsWanted(facts.files.get(WORDPRESS_ENV_PATH), files.env, 0o600, WORDPRESS_ENV_OWNER)) unfinished.push(`write ${WORDPRESS_ENV_PATH} (mode 0600)`);
  if (!fileAsWanted(facts.files.get(WORDPRESS_COMPOSE_PATH), compose, 0o644, 'root')) unfinished.push(`write ${WORDPRESS_COMPOSE_PATH} (port 80 ${installed ? 'on every interface' : "on the host's 127.0.0.1 only"})`);
  if (!running || facts.markers.get(DEPLOYED_PATH) !== fingerprintOf(compose, files.env)) unfinished.push('docker compose up -d');
  if (!installed) {
    unfinished.push(`finish the install with WP-CLI (wp core install, admin \`${WORDPRESS_ADMIN.user}\`)${front ? `: / answers ${describePage(front)}` : ''}, then publish port 80`);
  } else if (!installedAnswer(await pageOnHost(connection, LOGIN_PAGE, ctx.signal))) {
    unfinished.push('get 200 from /wp-login.php');
  }
  return { fresh, unfinished };
}

/**
 * The env file first (a new password is on the host before RDS knows it), then the database and user
 * (the image no longer creates them), the compose file with port 80 on loopback until WordPress is
 * installed, `up -d` when anything changed or the container is not running, the login-page check, the
 * install with WP-CLI (its admin password kept on the host first), the compose file with port 80 public and
 * `up -d` again, the front page and login page checks (200 each), and the deployed marker last.
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

    const running = facts.running.includes(WORDPRESS_SERVICE);
    const installed = running && (await wordpressIsInstalled(ctx, connection));
    let composed = await deploy(ctx, connection, files, facts, env.contentChanged, installed ? 'public' : 'loopback');
    if (!installed) {
      if (!(await wordpressIsInstalled(ctx, connection))) {
        // Kept on the host before WordPress hears of it: a run stopped in between reuses it.
        const admin = await ensureAdminPassword(connection, WORDPRESS_ADMIN, signal);
        ctx.secret(admin.password);
        await withSecretsMasked([admin.password], () => installWordpress(ctx, connection, admin.password));
      }
      ctx.progress('WordPress installed: publishing port 80 on every interface');
      composed = await deploy(ctx, connection, files, { ...facts, running: [WORDPRESS_SERVICE] }, false, 'public');
    }
    await checkInstalledPages(ctx, connection);
    if (facts.markers.get(DEPLOYED_PATH) !== composed.fingerprint) await writeDeployedMarker(connection, WORDPRESS_DIR, composed.fingerprint, signal);
  });
}

/** The compose file for `exposure`, `up -d` when it (or the env file) changed or the service is not running, then WordPress up and reaching its database. */
async function deploy(ctx: StepContext, connection: SshConnection, files: WordpressFiles, facts: AppFacts, envChanged: boolean, exposure: WordpressExposure): Promise<{ fingerprint: string }> {
  const content = wordpressComposeFile(files.endpoint, exposure);
  const compose = await uploadFile(connection, WORDPRESS_COMPOSE_PATH, content, { mode: 0o644, parents: true, signal: ctx.signal, label: `write ${WORDPRESS_COMPOSE_PATH}` });
  const fingerprint = fingerprintOf(content, files.env);
  const deployed = facts.markers.get(DEPLOYED_PATH) === fingerprint && !envChanged && !compose.contentChanged;
  if (!deployed || !facts.running.includes(WORDPRESS_SERVICE)) {
    const where = exposure === 'public' ? 'port 80 on every interface' : "port 80 on the host's 127.0.0.1 until the install is done";
    ctx.progress(`docker compose up -d (WordPress, ${where})`);
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
  return { fingerprint };
}

/** The step's checks: the front page and the login page answer 200 (not a redirect to the installer). */
async function checkInstalledPages(ctx: StepContext, connection: SshConnection): Promise<void> {
  for (const url of [FRONT_PAGE, LOGIN_PAGE]) {
    await waitForHttp(ctx, connection, url, { accept: (code) => code === 200, timeoutMs: 2 * 60_000, settled: { codes: [301, 302], forMs: 15_000 } });
    const answer = await pageOnHost(connection, url, ctx.signal);
    if (!installedAnswer(answer)) {
      const installer = answer.location.includes(INSTALLER_PATH);
      throw new WordpressCheckError(
        `WordPress answers ${url} on ${WORDPRESS_HOST} with ${describePage(answer)}${installer ? ': it is not installed' : ''} (wanted 200)`,
        `look at \`sudo docker compose run --rm -T wp-cli wp core is-installed; echo $?\` and \`sudo docker compose logs ${WORDPRESS_SERVICE}\` in ${WORDPRESS_DIR} on the host; then rerun \`aws-runbook up\``,
      );
    }
  }
}
