import type { Config } from '../../config/schema.js';
import type { Outputs, Step } from '../../engine/types.js';
import type { SshConnection } from '../../ssh/connect.js';
import { exec } from '../../ssh/exec.js';
import { ABSENT, present } from '../found.js';
import { HostCheckError } from './docker-http-check.js';
import { aptInstallScript, loggedIn, sshLine } from './docker-remote.js';
import { loginStepId } from './login-step.js';
import { instanceName } from './names.js';

const HOST = 'ia' as const;

export function iaPingStepId(): string {
  return `hosts.ping.${HOST}`;
}

async function pingPath(connection: SshConnection, signal: AbortSignal): Promise<string> {
  const result = await exec(connection, 'command -v ping || true', { label: 'command -v ping', timeoutMs: 30_000, signal });
  return result.stdout.trim().split('\n')[0] ?? '';
}

/**
 * Outputs: `ping` (its path). The IA workstation gets nothing but SSH (the login step) and ping, which the
 * connectivity checks run from it; minimal Ubuntu images may lack iputils-ping, so it is installed if missing.
 */
export function iaPingStep(config: Config): Step {
  const name = instanceName(config, HOST);
  return {
    id: iaPingStepId(),
    section: 'hosts',
    title: `ping on ${name}`,
    needs: [loginStepId(HOST)],
    typicalSeconds: 5,

    async find(ctx) {
      if (!loggedIn(ctx, HOST)) return ABSENT;
      const path = await pingPath(await ctx.hosts.connect(HOST, ctx.signal), ctx.signal);
      return path ? present({ ping: path }, true) : ABSENT;
    },

    preview(ctx) {
      return {
        summary: `check that ${name} has ping (install iputils-ping if not); nothing else is installed there`,
        cli: [sshLine(ctx, HOST, 'command -v ping || sudo DEBIAN_FRONTEND=noninteractive apt-get install -y iputils-ping')],
        notes: ['runbook: the IA workstation is only reached by SSH and ping (its screenshots); the same here, through the bastion.'],
      };
    },

    async apply(ctx): Promise<Outputs> {
      const connection = await ctx.hosts.connect(HOST, ctx.signal);
      let path = await pingPath(connection, ctx.signal);
      if (!path) {
        ctx.progress('installing iputils-ping');
        await exec(connection, aptInstallScript(['iputils-ping']), { label: 'apt-get install iputils-ping', sudo: true, timeoutMs: 10 * 60_000, signal: ctx.signal });
        path = await pingPath(connection, ctx.signal);
        if (!path) throw new HostCheckError(HOST, '`command -v ping`', 'ping is still missing after installing iputils-ping', `look at the host: ${sshLine(ctx, HOST, 'apt-cache policy iputils-ping')}`);
      }
      return { ping: path };
    },
  };
}
