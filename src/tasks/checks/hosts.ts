import type { Instance } from '@aws-sdk/client-ec2';
import type { Config } from '../../config/schema.js';
import type { HostName } from '../../engine/types.js';
import { exec } from '../../ssh/exec.js';
import { parseFacts } from '../hosts/docker-remote.js';
import { DOCKER_HOSTS } from '../hosts/docker-step.js';
import { BASTION, HOST_NAMES, instanceName, instanceStepId, LOGIN_USER } from '../hosts/names.js';
import { LiveInventory } from './inventory.js';
import { connectHost, onHost, sshCheckId } from './on-host.js';
import { fail, pass, warn, type Check, type CheckResult } from './types.js';

/**
 * The hosts group (docs/design.md#verification-checklist): each instance running (AWS only), each host logged in to through the
 * bastion with its verified host key, Docker active on the Docker hosts. Read-only.
 */

export const runningCheckId = (host: HostName) => `hosts.${host}.running`;
export const dockerCheckId = (host: HostName) => `hosts.${host}.docker`;

function addresses(instance: Instance): string {
  return [instance.PrivateIpAddress, instance.PublicIpAddress ? `public ${instance.PublicIpAddress}` : undefined].filter(Boolean).join(', ');
}

/** The verdict on the instance AWS describes for a host's compute step (undefined: none). Pure. */
export function instanceVerdict(config: Config, host: HostName, instance: Instance | undefined, recordedId: string | undefined): CheckResult {
  const step = instanceStepId(host);
  if (!instance) {
    return fail(`no live instance tagged aws-runbook:step=${step} (terminated, or never launched)`, `\`aws-runbook up --only compute\` launches it again (then \`--only hosts\` sets it up)`);
  }
  const id = instance.InstanceId ?? 'unknown id';
  const state = instance.State?.Name ?? 'unknown';
  const what = `${id} (${instanceName(config, host)}, ${instance.InstanceType ?? 'unknown type'}${instance.PrivateIpAddress ? `, ${addresses(instance)}` : ''})`;
  if (state === 'pending') return warn(`${what} is still starting (pending)`, 'wait a minute, then rerun this check');
  if (state !== 'running') {
    return fail(`${what} is ${state}`, `start it: aws ec2 start-instances --instance-ids ${id} --region ${config.region}`);
  }
  if (recordedId && recordedId !== id) {
    return warn(`${what} is running, but the state file records ${recordedId} for ${step}`, '`aws-runbook up --only compute` reconciles the state with AWS');
  }
  return pass(`${what} is running`);
}

function runningCheck(config: Config, host: HostName): Check {
  return {
    id: runningCheckId(host),
    group: 'hosts',
    title: `${instanceName(config, host)} is running`,
    async run(ctx) {
      const instance = LiveInventory.byStep(await ctx.live.instances(), instanceStepId(host));
      return instanceVerdict(config, host, instance, ctx.output(instanceStepId(host), 'instanceId'));
    },
  };
}

function sshCheck(config: Config, host: HostName): Check {
  const how = host === BASTION ? 'at its public address' : `through the bastion (${BASTION})`;
  return {
    id: sshCheckId(host),
    group: 'hosts',
    title: `SSH to ${instanceName(config, host)} ${how}, host key verified`,
    needsHosts: true,
    async run(ctx) {
      const started = Date.now();
      const reached = await connectHost(ctx, host);
      if (reached.result) return reached.result;
      const result = await exec(reached.connection, 'true', { label: 'true', allowFailure: true, timeoutMs: 15_000, signal: ctx.signal });
      const ms = Date.now() - started;
      if (result.code !== 0) {
        return fail(`logged in to ${reached.connection.label}, but \`true\` exited ${result.code ?? 'without a status'}`, 'the login shell of the user is broken: look at the host console (aws ec2 get-console-output)');
      }
      return pass(`${LOGIN_USER}@${reached.connection.label}: logged in with the configured key, host key matched the console's fingerprints (${ms} ms)`);
    },
  };
}

/** Read-only and without sudo: what systemd says about the docker service. */
export const DOCKER_STATE_SCRIPT = ['echo "active=$(systemctl is-active docker 2>/dev/null | head -n1)"', 'echo "enabled=$(systemctl is-enabled docker 2>/dev/null | head -n1)"'].join('\n');

/** The verdict from DOCKER_STATE_SCRIPT's output. Pure. */
export function dockerVerdict(host: HostName, stdout: string): CheckResult {
  const facts = parseFacts(stdout);
  const active = facts['active'] || 'unknown';
  const enabled = facts['enabled'] || 'unknown';
  const seen = `docker.service on ${host}: ${active}, ${enabled}`;
  if (active !== 'active') {
    return fail(seen, `start it: sudo systemctl enable --now docker (on ${host}); if it will not start: sudo journalctl -u docker -n 50 --no-pager`);
  }
  if (enabled !== 'enabled') return warn(seen, `it will not start after a reboot: sudo systemctl enable docker (on ${host})`);
  return pass(seen);
}

function dockerCheck(config: Config, host: HostName): Check {
  return {
    id: dockerCheckId(host),
    group: 'hosts',
    title: `Docker is up on ${instanceName(config, host)}`,
    needsHosts: true,
    run: (ctx) =>
      onHost(ctx, host, async (connection) => {
        const result = await exec(connection, DOCKER_STATE_SCRIPT, { label: 'systemctl is-active docker', timeoutMs: 30_000, signal: ctx.signal });
        return dockerVerdict(host, result.stdout);
      }),
  };
}

export function hostsChecks(config: Config): Check[] {
  return [...HOST_NAMES.map((host) => runningCheck(config, host)), ...HOST_NAMES.map((host) => sshCheck(config, host)), ...DOCKER_HOSTS.map((host) => dockerCheck(config, host))];
}
