import type { Config } from '../../config/schema.js';
import type { Outputs, Step, StepContext } from '../../engine/types.js';
import { exec } from '../../ssh/exec.js';
import { uploadFile } from '../../ssh/upload.js';
import { ABSENT, present } from '../found.js';
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

export function uptimeKumaStepId(): string {
  return `hosts.uptime-kuma.${KUMA_HOST}`;
}

/** Uptime Kuma boots in ~20 s on a t3.micro (the image is pulled by `up` before that). */
const READY_TIMEOUT_MS = 3 * 60_000;

/** The tunnel to Kuma: to the monitoring host's own localhost, so no security group is crossed (see notes). */
export function kumaTunnelLine(ctx: StepContext): string {
  return `ssh -J ${LOGIN_USER}@${addressRef(ctx, BASTION)} -L ${KUMA_PORT}:localhost:${KUMA_PORT} ${LOGIN_USER}@${addressRef(ctx, KUMA_HOST)} -N`;
}

export function firstVisitorWarning(ctx: StepContext): string {
  return (
    `the first visitor becomes admin: open http://${addressRef(ctx, KUMA_HOST)}:${KUMA_PORT} through the bastion now — ` +
    `\`${kumaTunnelLine(ctx)}\`, then http://localhost:${KUMA_PORT} — and create the admin account`
  );
}

/**
 * Outputs: `url`, `composeFile`, `container`, `image`. Uptime Kuma on the monitoring host: the Compose file,
 * the container up, and its `/api/entry-page` answering on the host. find reads all three, so a rerun with
 * everything in place changes nothing and a stopped container is started again.
 */
export function uptimeKumaStep(config: Config): Step {
  const id = uptimeKumaStepId();
  const name = instanceName(config, KUMA_HOST);
  const outputs = (ctx: StepContext): Outputs => ({
    url: `http://${ctx.need(instanceStepId(KUMA_HOST), 'privateIp')}:${KUMA_PORT}`,
    composeFile: KUMA_COMPOSE_FILE,
    container: KUMA_CONTAINER,
    image: KUMA_IMAGE,
  });
  return {
    id,
    section: 'hosts',
    title: `Uptime Kuma on ${name}`,
    needs: [dockerStepId(KUMA_HOST), instanceStepId(KUMA_HOST)],
    typicalSeconds: 60,

    async find(ctx) {
      // Docker absent (not merely its daemon silent): nothing of Kuma can be there.
      if (!loggedIn(ctx, KUMA_HOST) || ctx.output(dockerStepId(KUMA_HOST), 'composeVersion') === undefined) return ABSENT;
      const connection = await ctx.hosts.connect(KUMA_HOST, ctx.signal);
      const probe = await exec(connection, KUMA_PROBE, { label: 'look at Uptime Kuma', sudo: true, timeoutMs: 60_000, signal: ctx.signal });
      const facts = parseKumaFacts(probe.stdout);
      if (!facts.composeSha256 && !facts.exists) return ABSENT;
      const answer = facts.running ? await httpOnHost(connection, KUMA_CHECK_URL, ctx.signal) : undefined;
      return present(outputs(ctx), true, [], kumaUnfinished(facts, answer));
    },

    preview(ctx) {
      return {
        summary: `run ${KUMA_IMAGE} on ${name} (Compose project in /opt/uptime-kuma, volume uptime-kuma, port ${KUMA_PORT}, restart unless-stopped), check ${KUMA_CHECK_URL} on the host; ${firstVisitorWarning(ctx)}`,
        cli: [
          `${sshLine(ctx, KUMA_HOST, `sudo install -d -m 0755 /opt/uptime-kuma && sudo tee ${KUMA_COMPOSE_FILE} >/dev/null`)} < compose.yaml`,
          sshLine(ctx, KUMA_HOST, `sudo docker compose -f ${KUMA_COMPOSE_FILE} up -d`),
          sshLine(ctx, KUMA_HOST, `curl -fsS ${KUMA_CHECK_URL}`),
          kumaTunnelLine(ctx),
        ],
        notes: [
          "seed: a one-off `docker run … --restart always`; here a Compose file (`up -d` recreates only what changed, the file says what runs) with restart unless-stopped, so a container stopped on purpose stays stopped after a reboot.",
          `seed: port ${KUMA_PORT} published with no word on who may reach it; here the Cyber security group lets it in from the admin CIDR only (src/tasks/security/rules.ts), and the host has no public address: the tunnel above goes to its own localhost through the bastion.`,
          "seed: nothing about Uptime Kuma's setup page, where whoever comes first creates the admin account; open it right after this step.",
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
      ctx.progress(`Uptime Kuma answers ${KUMA_CHECK_URL} on ${KUMA_HOST}; ${firstVisitorWarning(ctx)}`);
      return outputs(ctx);
    },
  };
}
