import type { Config } from '../../config/schema.js';
import type { HostName, Outputs, StepContext } from '../../engine/types.js';
import { COMPUTE_STEP_IDS, elasticIpStepIds, hasElasticIp, instanceSpecs } from '../compute/names.js';

/** The login user of the Ubuntu AMI (and of the lab hosts). */
export const LOGIN_USER = 'ubuntu';

/** The bastion: the GitLab host, in the Cyber public subnet; every other host is reached through it. */
export const BASTION = 'gitlab' as const satisfies HostName;

export const HOST_NAMES: readonly HostName[] = ['gitlab', 'ecommerce', 'wordpress', 'monitoring', 'ia'];

/** The compute step that launched a host (output `instanceId`). */
export function instanceStepId(host: HostName): string {
  return COMPUTE_STEP_IDS[host];
}

/** The step that read a host's key fingerprints from its console (output `fingerprints`). */
export function hostKeyStepId(host: HostName): string {
  return `hosts.host-key.${host}`;
}

/** Seed-style instance name, for titles: VM-GitLab-BFHK. */
export function instanceName(config: Config, host: HostName): string {
  return instanceSpecs(config).find((spec) => spec.key === host)?.name ?? host;
}

/** The private key for SSH: access.privateKeyPath, or the public key's path without `.pub`. */
export function privateKeyPathOf(config: Config): string {
  return config.access.privateKeyPath ?? config.access.publicKeyPath.replace(/\.pub$/, '');
}

/**
 * The address a public host answers on from the internet: its Elastic IP once associated (it survives a
 * stop/start), else the address recorded at launch. Undefined for a private host or before launch.
 */
export function publicAddressOf(outputsOf: (stepId: string) => Outputs | undefined, host: HostName): string | undefined {
  const elastic = hasElasticIp(host) ? outputsOf(elasticIpStepIds(host).association)?.['publicIp'] : undefined;
  return elastic ?? outputsOf(instanceStepId(host))?.['publicIp'];
}

/** `publicAddressOf` for a step: the public host's address as far as this run knows it. */
export function publicAddress(ctx: StepContext, host: HostName): string | undefined {
  return publicAddressOf((stepId) => {
    const publicIp = ctx.output(stepId, 'publicIp');
    return publicIp === undefined ? undefined : { publicIp };
  }, host);
}

/** `publicAddress`, or `placeholder` for a preview. */
export function publicAddressRef(ctx: StepContext, host: HostName, placeholder: string): string {
  return publicAddress(ctx, host) ?? placeholder;
}
