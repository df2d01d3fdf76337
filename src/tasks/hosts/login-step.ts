import type { Config } from '../../config/schema.js';
import type { HostName, Step } from '../../engine/types.js';
import { exec } from '../../ssh/exec.js';
import { ABSENT, present } from '../found.js';
import { BASTION, hostKeyStepId, instanceName, LOGIN_USER, publicAddressRef } from './names.js';

export function loginStepId(host: HostName): string {
  return `hosts.login.${host}`;
}

/**
 * Outputs: `hostname`. The first SSH login to a host — through the bastion for every host but the bastion
 * itself, the host key checked against its console — which every later step on the host builds on. Nothing
 * changes on the host: find logs in and reads the hostname, so a rerun re-proves the login at no cost.
 */
export function loginStep(config: Config, host: HostName): Step {
  const id = loginStepId(host);
  const name = instanceName(config, host);
  const through = host === BASTION ? 'its public address' : `${instanceName(config, BASTION)} (the bastion)`;
  const read = async (ctx: Parameters<Step['find']>[0]) => {
    const connection = await ctx.hosts.connect(host, ctx.signal);
    const result = await exec(connection, 'hostname', { label: 'hostname', signal: ctx.signal, timeoutMs: 30_000 });
    return { hostname: result.stdout.trim() };
  };
  return {
    id,
    section: 'hosts',
    title: `SSH login to ${name} through ${host === BASTION ? 'its public address' : 'the bastion'}`,
    needs: [hostKeyStepId(host), ...(host === BASTION ? [] : [loginStepId(BASTION)])],
    async find(ctx) {
      if (!ctx.output(hostKeyStepId(host), 'fingerprints') || !ctx.output(id, 'hostname')) return ABSENT;
      return present(await read(ctx), true);
    },
    preview(ctx) {
      const jump = host === BASTION ? '' : `-J ${LOGIN_USER}@${publicAddressRef(ctx, BASTION, '$BASTION_PUBLIC_IP')} `;
      return {
        summary: `log in to ${name} as ${LOGIN_USER} through ${through}, accepting only the host keys from its console`,
        cli: [`ssh ${jump}${LOGIN_USER}@${host === BASTION ? publicAddressRef(ctx, host, '$ADDRESS') : ctx.ref(`compute.${host}`, 'privateIp', '$ADDRESS')} hostname`],
      };
    },
    async apply(ctx) {
      return read(ctx);
    },
  };
}
