import type { Config } from '../../../config/schema.js';
import type { StepContext } from '../../../engine/types.js';
import { exec, shellQuote, type SshConnection } from '../../../ssh/index.js';
import { ADMIN_ACCOUNTS, adminPasswordFile } from '../admin-credentials.js';
import { publicAddressRef } from '../names.js';
import { maskSecrets } from '../shop/secret-guard.js';
import { WORDPRESS_DIR, WORDPRESS_HOST, WORDPRESS_PORT, WP_CLI_SERVICE } from './names.js';

/**
 * Finishing WordPress's install without its web installer: WP-CLI's `wp core install` (the site URL, title,
 * admin account) run in the `wp-cli` Compose service on WordPress's own volume, the admin password read
 * from stdin (`--prompt=admin_password`: WP-CLI asks for that argument alone and reads the answer from
 * STDIN, so it is in no process's argv), and `wp core is-installed` (exit 0 installed, 1 not) to make a
 * rerun skip it.
 */

export const WORDPRESS_ADMIN = ADMIN_ACCOUNTS.wordpress;
const ORIGIN = `http://localhost${WORDPRESS_PORT === 80 ? '' : `:${WORDPRESS_PORT}`}`;
export const FRONT_PAGE = `${ORIGIN}/`;
export const LOGIN_PAGE = `${ORIGIN}/wp-login.php`;
/** Where WordPress sends every page while it is not installed. */
export const INSTALLER_PATH = '/wp-admin/install.php';

export interface PageAnswer {
  /** 0: nothing answered. */
  status: number;
  /** The Location of a redirect ('' when none). */
  location: string;
}

/** GET `url` on the host itself, not following redirects. Never throws on an HTTP or connection failure. */
export async function pageOnHost(connection: SshConnection, url: string, signal: AbortSignal): Promise<PageAnswer> {
  const result = await exec(connection, `curl -sS -o /dev/null -m 10 -w '%{http_code} %{redirect_url}' ${shellQuote(url)}`, { label: `curl ${url}`, allowFailure: true, signal, timeoutMs: 30_000 });
  const [code = '', location = ''] = result.stdout.trim().split(/\s+/);
  const status = Number.parseInt(code, 10);
  return { status: Number.isInteger(status) ? status : 0, location };
}

/** The answer of a WordPress that is installed: 200 for the page itself (a redirect to the installer is not). */
export const installedAnswer = (answer: PageAnswer) => answer.status === 200;

export function describePage(answer: PageAnswer): string {
  if (answer.status === 0) return 'no answer';
  return answer.location ? `HTTP ${answer.status} to ${answer.location}` : `HTTP ${answer.status}`;
}

/** The site's address: its public one (the Elastic IP once there), as WordPress must know it (siteurl, home). */
export function siteUrl(ctx: StepContext): string {
  return `http://${publicAddressRef(ctx, WORDPRESS_HOST, '$WORDPRESS_PUBLIC_IP')}/`;
}

export function siteTitle(config: Config): string {
  return `WordPress ${config.suffix}`;
}

/** No address is configured for it: a reserved, never-delivered domain (RFC 2606) the operator replaces in Settings. */
export function adminEmail(config: Config): string {
  return `admin@${config.suffix.toLowerCase()}.invalid`;
}

const wpCli = (command: string) => `docker compose run --rm -T ${WP_CLI_SERVICE} wp ${command}`;

/** `wp core install …` as the host runs it (and the preview shows it): no password in it. */
export function installCommand(ctx: StepContext): string {
  const args = [
    `--url=${siteUrl(ctx)}`,
    `--title=${siteTitle(ctx.config)}`,
    `--admin_user=${WORDPRESS_ADMIN.user}`,
    `--admin_email=${adminEmail(ctx.config)}`,
  ].map(shellQuote);
  return wpCli(`core install ${args.join(' ')} --skip-email --prompt=admin_password`);
}

export const IS_INSTALLED_COMMAND = wpCli('core is-installed');

/** Whether WordPress's database holds an installed site (`wp core is-installed`). Needs the wordpress container up (its files on the volume). */
export async function wordpressIsInstalled(ctx: StepContext, connection: SshConnection): Promise<boolean> {
  const result = await exec(connection, IS_INSTALLED_COMMAND, { label: 'wp core is-installed', sudo: true, cwd: WORDPRESS_DIR, allowFailure: true, timeoutMs: 10 * 60_000, signal: ctx.signal });
  if (result.code === 0) return true;
  // Not installed: exit 1 and no error of WP-CLI's own ("Error: …") or of Compose's (the image pull's progress may be there).
  if (result.code === 1 && !/^\s*(Error|error|no such service)\b/m.test(result.stderr)) return false;
  throw new Error(`wp core is-installed failed on ${WORDPRESS_HOST} (exit code ${result.code}): ${result.stderr.trim().split('\n').slice(-3).join(' ')}`);
}

/** `wp core install`, the admin password on stdin. */
export async function installWordpress(ctx: StepContext, connection: SshConnection, password: string): Promise<void> {
  ctx.progress(`wp core install: ${siteUrl(ctx)}, admin \`${WORDPRESS_ADMIN.user}\` (password kept in ${adminPasswordFile(WORDPRESS_ADMIN)})`);
  await exec(connection, installCommand(ctx), {
    label: `wp core install (WordPress admin \`${WORDPRESS_ADMIN.user}\`)`,
    sudo: true,
    cwd: WORDPRESS_DIR,
    stdin: `${password}\n`,
    timeoutMs: 10 * 60_000,
    signal: ctx.signal,
    onLine: (line) => ctx.progress(maskSecrets(line, [password])),
  });
}
