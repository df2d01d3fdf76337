import type { Config } from '../../config/schema.js';
import type { HostName, Outputs, Step, StepContext } from '../../engine/types.js';
import type { SshConnection } from '../../ssh/connect.js';
import { exec } from '../../ssh/exec.js';
import { uploadFile } from '../../ssh/upload.js';
import { ABSENT, present } from '../found.js';
import { adminPasswordFile, ensureAdminPassword, readAdminPassword } from './admin-credentials.js';
import { HostCheckError, httpOnHost, waitForHttp } from './docker-http-check.js';
import { addressRef, loggedIn, sshLine } from './docker-remote.js';
import { dockerStepId } from './docker-step.js';
import { BASTION, instanceName, instanceStepId, LOGIN_USER } from './names.js';
import {
  KUMA_CHECK_URL,
  KUMA_COMPOSE_FILE,
  KUMA_CONTAINER,
  KUMA_HOST,
  KUMA_IMAGE,
  KUMA_PORT,
  KUMA_PROBE,
  kumaAnswerProblem,
  kumaComposeFile,
  kumaUnfinished,
  parseKumaFacts,
} from './uptime-kuma-compose.js';
import { KUMA_ADMIN, kumaSetupGap, setUpKuma, wantedMonitors, withKumaSession, type WantedMonitor } from './uptime-kuma-setup.js';

export function uptimeKumaStepId(): string {
  return `hosts.uptime-kuma.${KUMA_HOST}`;
}

/** Uptime Kuma boots in ~20 s on a t3.micro (the image is pulled by `up` before that). */
const READY_TIMEOUT_MS = 3 * 60_000;
const MONITORED: readonly HostName[] = ['ecommerce', 'wordpress', 'gitlab'];

/** The tunnel to Kuma: to the monitoring host's own localhost, where Kuma is published (see notes). */
export function kumaTunnelLine(ctx: StepContext): string {
  return `ssh -J ${LOGIN_USER}@${addressRef(ctx, BASTION)} -L ${KUMA_PORT}:localhost:${KUMA_PORT} ${LOGIN_USER}@${addressRef(ctx, KUMA_HOST)} -N`;
}

function monitorsOf(ctx: StepContext): WantedMonitor[] {
  return wantedMonitors(ctx.config, (host) => ctx.ref(instanceStepId(host), 'privateIp', `$${host.toUpperCase()}_PRIVATE_IP`));
}

const monitorList = (monitors: readonly WantedMonitor[]) => monitors.map((m) => `${m.name} ${m.url}`).join(', ');

/** What is left of Kuma's setup (admin, monitors), read through the tunnel; a Kuma that does not answer is left to apply. */
async function setupGap(ctx: StepContext, connection: SshConnection): Promise<string[]> {
  const password = await readAdminPassword(connection, KUMA_ADMIN, ctx.signal);
  if (password) ctx.secret(password);
  try {
    return await withKumaSession(connection, ctx.signal, (session) => kumaSetupGap(session, password, monitorsOf(ctx)));
  } catch (error) {
    if (!(error instanceof HostCheckError)) throw error;
    return [`set up Uptime Kuma (admin, monitors): ${error.message}`];
  }
}

/**
 * Outputs: `url` (through the tunnel), `tunnel`, `composeFile`, `container`, `image`, `adminUser`,
 * `adminPasswordFile`. Uptime Kuma on the monitoring host: the Compose file, the container up, its
 * `/api/entry-page` answering on the host, then — through an SSH tunnel, with Kuma's own socket.io API —
 * its admin account (the password generated and kept on the host, never in the state) and one HTTP
 * monitor each for the shop, WordPress and GitLab. find reads all of it, so a rerun with everything in
 * place changes nothing, a stopped container is started again and a missing monitor is added back.
 */
export function uptimeKumaStep(config: Config): Step {
  const id = uptimeKumaStepId();
  const name = instanceName(config, KUMA_HOST);
  const outputs = (ctx: StepContext): Outputs => ({
    url: `http://localhost:${KUMA_PORT}/`,
    tunnel: kumaTunnelLine(ctx),
    composeFile: KUMA_COMPOSE_FILE,
    container: KUMA_CONTAINER,
    image: KUMA_IMAGE,
    adminUser: KUMA_ADMIN.user,
    adminPasswordFile: adminPasswordFile(KUMA_ADMIN),
  });
  return {
    id,
    section: 'hosts',
    title: `Uptime Kuma on ${name}`,
    needs: [dockerStepId(KUMA_HOST), ...[KUMA_HOST, ...MONITORED].map(instanceStepId)],
    typicalSeconds: 60,

    async find(ctx) {
      // Docker absent (not merely its daemon silent): nothing of Kuma can be there.
      if (!loggedIn(ctx, KUMA_HOST) || ctx.output(dockerStepId(KUMA_HOST), 'composeVersion') === undefined) return ABSENT;
      const connection = await ctx.hosts.connect(KUMA_HOST, ctx.signal);
      const probe = await exec(connection, KUMA_PROBE, { label: 'look at Uptime Kuma', sudo: true, timeoutMs: 60_000, signal: ctx.signal });
      const facts = parseKumaFacts(probe.stdout);
      if (!facts.composeSha256 && !facts.exists) return ABSENT;
      const answer = facts.running ? await httpOnHost(connection, KUMA_CHECK_URL, ctx.signal) : undefined;
      const unfinished = kumaUnfinished(facts, answer);
      const answering = answer !== undefined && kumaAnswerProblem(answer) === undefined;
      return present(outputs(ctx), true, [], [...unfinished, ...(answering ? await setupGap(ctx, connection) : ['create the admin account and the monitors'])]);
    },

    preview(ctx) {
      const monitors = monitorsOf(ctx);
      return {
        summary:
          `run ${KUMA_IMAGE} on ${name} (Compose project in /opt/uptime-kuma, volume uptime-kuma, published on the host's 127.0.0.1:${KUMA_PORT} only, restart unless-stopped), check ${KUMA_CHECK_URL} on the host; ` +
          `then, through an SSH tunnel to its localhost:${KUMA_PORT} and Kuma's own API, the tool creates the admin account \`${KUMA_ADMIN.user}\` ` +
          `(generated password kept in ${adminPasswordFile(KUMA_ADMIN)} on the host, shown on the Summary on request) and three HTTP monitors: ${monitorList(monitors)}`,
        cli: [
          `${sshLine(ctx, KUMA_HOST, `sudo install -d -m 0755 /opt/uptime-kuma && sudo tee ${KUMA_COMPOSE_FILE} >/dev/null`)} < compose.yaml`,
          sshLine(ctx, KUMA_HOST, `sudo docker compose -f ${KUMA_COMPOSE_FILE} up -d`),
          sshLine(ctx, KUMA_HOST, `curl -fsS ${KUMA_CHECK_URL}`),
          kumaTunnelLine(ctx),
        ],
        notes: [
          "runbook: a one-off `docker run … --restart always`; here a Compose file (`up -d` recreates only what changed, the file says what runs) with restart unless-stopped, so a container stopped on purpose stays stopped after a reboot.",
          `runbook: port ${KUMA_PORT} published on every interface with no word on who may reach it; here it is published on the host's loopback only and reached through the tunnel above (to the monitoring host's own localhost, through the bastion), so no security group opens it.`,
          "runbook: leaves Kuma's setup page open, where whoever comes first creates the admin account; here the tool creates the account (over Kuma's socket.io API, through the tunnel) before anyone can, and adds the monitors — a rerun adds none twice (same name or URL).",
          `the monitors watch the hosts' private addresses, over the Cyber↔MVP peering and inside the Cyber VPC: the web security group takes HTTP and the shop's port from anywhere, the Cyber group takes GitLab's HTTP from the Cyber private subnet (the monitoring host's).`,
        ],
      };
    },

    async apply(ctx): Promise<Outputs> {
      const connection = await ctx.hosts.connect(KUMA_HOST, ctx.signal);
      const written = await uploadFile(connection, KUMA_COMPOSE_FILE, kumaComposeFile(), { mode: 0o644, parents: true, signal: ctx.signal });
      if (written.contentChanged) ctx.progress(`wrote ${KUMA_COMPOSE_FILE}`);
      await exec(connection, `docker compose -f ${KUMA_COMPOSE_FILE} up -d`, {
        label: 'docker compose up -d (Uptime Kuma)',
        sudo: true,
        timeoutMs: 15 * 60_000,
        signal: ctx.signal,
        onLine: (line) => ctx.progress(line),
      });
      const facts = parseKumaFacts((await exec(connection, KUMA_PROBE, { label: 'look at Uptime Kuma', sudo: true, timeoutMs: 60_000, signal: ctx.signal })).stdout);
      if (!facts.running) {
        throw new HostCheckError(KUMA_HOST, `the ${KUMA_CONTAINER} container`, 'it is not running after `docker compose up -d`', `look at it: ${sshLine(ctx, KUMA_HOST, `sudo docker compose -f ${KUMA_COMPOSE_FILE} logs --tail 50`)}`);
      }
      await waitForHttp(connection, {
        host: KUMA_HOST,
        url: KUMA_CHECK_URL,
        problem: kumaAnswerProblem,
        timeoutMs: READY_TIMEOUT_MS,
        fix: `look at the container: ${sshLine(ctx, KUMA_HOST, `sudo docker compose -f ${KUMA_COMPOSE_FILE} logs --tail 50`)}`,
        signal: ctx.signal,
        onWait: (message) => ctx.progress(message),
      });
      // Kept on the host before Kuma hears of it: a run stopped in between reuses it.
      const { password } = await ensureAdminPassword(connection, KUMA_ADMIN, ctx.signal);
      ctx.secret(password);
      const result = await withKumaSession(connection, ctx.signal, (session) => setUpKuma(session, password, monitorsOf(ctx)));
      ctx.progress(
        `Uptime Kuma: ${result.adminCreated ? `admin account \`${KUMA_ADMIN.user}\` created` : `admin \`${KUMA_ADMIN.user}\` logged in`}; ` +
          (result.added.length > 0 ? `monitors added: ${result.added.map((m) => m.name).join(', ')}` : 'every monitor was there'),
      );
      return outputs(ctx);
    },
  };
}
