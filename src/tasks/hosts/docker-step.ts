import type { Config } from '../../config/schema.js';
import type { HostName, Outputs, Step, StepContext } from '../../engine/types.js';
import { exec } from '../../ssh/exec.js';
import { ABSENT, present } from '../found.js';
import { HostCheckError } from './docker-http-check.js';
import { DOCKER_PACKAGES, dockerOutputs, dockerUnfinished, missingDockerPackages, parseServerVersion, probeDocker } from './docker-probe.js';
import { aptInstallScript, loggedIn, sshLine } from './docker-remote.js';
import { loginStepId } from './login-step.js';
import { instanceName } from './names.js';

/** The hosts that run containers: the shop, WordPress, and Uptime Kuma on the monitoring host. */
export const DOCKER_HOSTS: readonly HostName[] = ['ecommerce', 'wordpress', 'monitoring'];

/** The step that installs and starts Docker on a host (outputs `dockerVersion`, `composeVersion`). */
export function dockerStepId(host: HostName): string {
  return `hosts.docker.${host}`;
}

const INFO = "docker info --format '{{.ServerVersion}}'";

/**
 * Docker from Ubuntu's archive (`docker.io` + `docker-compose-v2`, as the seed), the daemon enabled and
 * started, proven by `docker info` answering. find reads all of it from the host, so a rerun on a host
 * where Docker is as wanted changes nothing; apply does only what is missing (plus the harmless
 * `systemctl enable --now docker`).
 */
export function dockerStep(config: Config, host: HostName): Step {
  const id = dockerStepId(host);
  const name = instanceName(config, host);
  const statusLine = (ctx: StepContext) => sshLine(ctx, host, 'sudo systemctl status docker --no-pager; sudo journalctl -u docker -n 50 --no-pager');
  return {
    id,
    section: 'hosts',
    title: `Docker on ${name}`,
    needs: [loginStepId(host)],
    typicalSeconds: 90,

    async find(ctx) {
      if (!loggedIn(ctx, host)) return ABSENT;
      const facts = await probeDocker(await ctx.hosts.connect(host, ctx.signal), ctx.signal);
      if (!facts.dockerPath && !facts.composeVersion) return ABSENT;
      return present(dockerOutputs(facts), true, [], dockerUnfinished(facts));
    },

    preview(ctx, found) {
      const packages = DOCKER_PACKAGES.join(' ');
      const now = found.kind === 'present' && found.outputs['dockerVersion'] ? ` (there now: Docker ${found.outputs['dockerVersion']}, Compose ${found.outputs['composeVersion'] || 'missing'})` : '';
      return {
        summary: `install ${packages} on ${name}, enable and start the daemon, check it answers \`docker info\`${now}`,
        cli: [
          sshLine(ctx, host, `sudo DEBIAN_FRONTEND=noninteractive apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${packages}`),
          sshLine(ctx, host, 'sudo systemctl enable --now docker'),
          sshLine(ctx, host, `sudo ${INFO} && sudo docker compose version`),
        ],
        notes: [
          'runbook: `sudo apt install …` (apt, the interactive front end) and, in the shop part, no `apt update` first; here apt-get without prompts, the package lists refreshed only when older than a day.',
          'runbook: `docker compose up` without sudo, though `ubuntu` was never put in the docker group (permission denied on /var/run/docker.sock); here every docker command runs through sudo (docker-group membership is root access anyway).',
        ],
      };
    },

    async apply(ctx): Promise<Outputs> {
      const connection = await ctx.hosts.connect(host, ctx.signal);
      const missing = missingDockerPackages(await probeDocker(connection, ctx.signal));
      if (missing.length > 0) {
        ctx.progress(`installing ${missing.join(' ')} on ${host}`);
        await exec(connection, aptInstallScript(missing), {
          label: `apt-get install ${missing.join(' ')}`,
          sudo: true,
          timeoutMs: 20 * 60_000,
          signal: ctx.signal,
          onLine: (line) => ctx.progress(line),
        });
      }
      await exec(connection, 'systemctl enable --now docker', { label: 'systemctl enable --now docker', sudo: true, timeoutMs: 120_000, signal: ctx.signal });
      const info = await exec(connection, INFO, { label: 'docker info', sudo: true, allowFailure: true, timeoutMs: 60_000, signal: ctx.signal });
      if (info.code !== 0 || !parseServerVersion(info.stdout)) {
        const said = (info.stderr || info.stdout).trim().split('\n').slice(-3).join(' ') || `exit code ${info.code}`;
        throw new HostCheckError(host, '`docker info`', `the Docker daemon does not answer: ${said}`, `look at the daemon on ${name}: ${statusLine(ctx)}`);
      }
      const facts = await probeDocker(connection, ctx.signal);
      const left = dockerUnfinished(facts);
      if (left.length > 0) {
        throw new HostCheckError(host, 'the Docker install check', `still to do after installing: ${left.join(', ')}`, `look at the host: ${statusLine(ctx)}`);
      }
      ctx.progress(`${host}: Docker ${facts.serverVersion} answers \`docker info\`, Compose ${facts.composeVersion}`);
      return dockerOutputs(facts);
    },
  };
}

export function dockerSteps(config: Config): Step[] {
  return DOCKER_HOSTS.map((host) => dockerStep(config, host));
}
