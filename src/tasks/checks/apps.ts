import type { Config } from '../../config/schema.js';
import type { HostName } from '../../engine/types.js';
import { describeAnswer, httpOnHost, type HttpAnswer } from '../hosts/docker-http-check.js';
import { GITLAB_READINESS_URL, readinessProblem } from '../hosts/gitlab/probe.js';
import { instanceName } from '../hosts/names.js';
import { SHOP_DIR, SHOP_HOST, shopPort } from '../hosts/shop/names.js';
import { KUMA_CHECK_URL, KUMA_DIR, KUMA_HOST, kumaAnswerProblem } from '../hosts/uptime-kuma-compose.js';
import { LOGIN_PAGE } from '../hosts/wordpress/wordpress-apply.js';
import { WORDPRESS_DIR, WORDPRESS_HOST } from '../hosts/wordpress/names.js';
import { onHost } from './on-host.js';
import { fail, pass, warn, type Check, type CheckResult } from './types.js';

/**
 * The apps group (docs/design.md#verification-checklist): one HTTP GET per application, made with curl ON its host over SSH (the
 * way the hosts steps check them: GitLab's readiness answers localhost only, Uptime Kuma is published on its
 * host's loopback only), so the answer is the application's own, whatever the security groups say.
 */

interface AppSpec {
  id: string;
  host: HostName;
  title: string;
  url: string;
  verdict(answer: HttpAnswer): CheckResult;
}

const logs = (host: HostName, dir: string) => `on ${host}: cd ${dir} && sudo docker compose ps && sudo docker compose logs --tail 50`;

/** The shop's home page: 200 (another 2xx or a redirect is shown as a warning). */
export function shopVerdict(url: string, answer: HttpAnswer): CheckResult {
  const seen = `GET ${url} on ${SHOP_HOST}: ${describeAnswer(answer)}`;
  if (answer.status === 200) return pass(`GET ${url} on ${SHOP_HOST}: HTTP 200`);
  if (answer.status > 200 && answer.status < 400) return warn(seen, `the shop answers, but not 200: look at where it redirects (curl -si ${url} on ${SHOP_HOST})`);
  return fail(seen, answer.status === 0 ? `the shop does not answer: ${logs(SHOP_HOST, SHOP_DIR)}` : `the shop answers an error: ${logs(SHOP_HOST, SHOP_DIR)}`);
}

/**
 * 200: the login form of an installed WordPress. 302: a redirect to its installer — not installed, and the
 * first visitor would pick the admin; 500: WordPress cannot reach its database.
 */
export function wordpressVerdict(answer: HttpAnswer): CheckResult {
  const seen = `GET ${LOGIN_PAGE} on ${WORDPRESS_HOST}: ${describeAnswer(answer)}`;
  if (answer.status === 200) return pass(`GET ${LOGIN_PAGE} on ${WORDPRESS_HOST}: HTTP 200 (the login form: WordPress is installed)`);
  if (answer.status === 302) {
    return fail(
      `${seen}: WordPress is not installed (its installer is where the first visitor picks the admin)`,
      '`aws-runbook up --only hosts` installs it with WP-CLI (and keeps port 80 on the host\'s loopback until then)',
    );
  }
  if (answer.status === 500) {
    return fail(
      `${seen}: WordPress cannot reach its database`,
      'check the database (`aws-runbook verify --only database`: RDS available, the web SG let in on 3306), then the `wordpress` DB user; `aws-runbook up --only hosts` recreates the user and env file',
    );
  }
  return fail(seen, `wanted 200: ${logs(WORDPRESS_HOST, WORDPRESS_DIR)}`);
}

export function gitlabVerdict(answer: HttpAnswer): CheckResult {
  const problem = readinessProblem(answer);
  if (!problem) return pass(`GET ${GITLAB_READINESS_URL} on gitlab: HTTP 200, status "ok"`);
  return fail(`GET ${GITLAB_READINESS_URL} on gitlab: ${problem}`, 'on gitlab: sudo gitlab-ctl status; sudo gitlab-ctl tail --no-follow | tail -n 50 (GitLab takes minutes to start after a boot)');
}

export function kumaVerdict(answer: HttpAnswer): CheckResult {
  const problem = kumaAnswerProblem(answer);
  if (!problem) return pass(`GET ${KUMA_CHECK_URL} on ${KUMA_HOST}: HTTP 200, Uptime Kuma's entry page`);
  return fail(`GET ${KUMA_CHECK_URL} on ${KUMA_HOST}: ${problem}`, logs(KUMA_HOST, KUMA_DIR));
}

function appSpecs(config: Config): AppSpec[] {
  const shopUrl = `http://localhost:${shopPort(config)}/`;
  return [
    { id: 'apps.shop.http', host: SHOP_HOST, title: `The shop answers HTTP 200 on ${instanceName(config, SHOP_HOST)}`, url: shopUrl, verdict: (a) => shopVerdict(shopUrl, a) },
    { id: 'apps.wordpress.login-page', host: WORDPRESS_HOST, title: 'WordPress is installed: /wp-login.php answers 200', url: LOGIN_PAGE, verdict: wordpressVerdict },
    { id: 'apps.gitlab.readiness', host: 'gitlab', title: 'GitLab is ready (/-/readiness)', url: GITLAB_READINESS_URL, verdict: gitlabVerdict },
    { id: 'apps.uptime-kuma.entry-page', host: KUMA_HOST, title: 'Uptime Kuma answers /api/entry-page', url: KUMA_CHECK_URL, verdict: kumaVerdict },
  ];
}

export function appsChecks(config: Config): Check[] {
  return appSpecs(config).map((spec) => ({
    id: spec.id,
    group: 'apps',
    title: spec.title,
    needsHosts: true,
    run: (ctx) => onHost(ctx, spec.host, async (connection) => spec.verdict(await httpOnHost(connection, spec.url, ctx.signal))),
  }));
}
