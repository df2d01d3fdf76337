import type { Config } from '../../config/schema.js';
import type { HostName, Outputs } from '../../engine/types.js';
import { BASTION, HOST_NAMES, instanceName, instanceStepId, LOGIN_USER, publicAddressOf } from './names.js';
import { shopPort } from './shop/names.js';

export interface HostAccessInfo {
  /** What each app answers on, as the operator reaches it. */
  urls: { label: string; url: string; note?: string }[];
  /** One SSH command per host, through the bastion for all but the bastion. */
  ssh: { host: HostName; name: string; command: string }[];
}

/**
 * URLs and SSH commands for the Summary, from the instances' recorded addresses: the public ones for what
 * the security groups open to the world, a tunnel through the bastion for Uptime Kuma (private subnet).
 * Undefined until the bastion's address is known. Pure: no call, no secret.
 */
export function hostAccessInfo(config: Config, outputsOf: (stepId: string) => Outputs | undefined): HostAccessInfo | undefined {
  const address = (host: HostName, key: 'publicIp' | 'privateIp') => (key === 'publicIp' ? publicAddressOf(outputsOf, host) : outputsOf(instanceStepId(host))?.[key]);
  const bastion = address(BASTION, 'publicIp');
  if (!bastion) return undefined;
  const jump = `-J ${LOGIN_USER}@${bastion}`;
  const ssh = HOST_NAMES.flatMap((host): HostAccessInfo['ssh'] => {
    const name = instanceName(config, host);
    if (host === BASTION) return [{ host, name, command: `ssh ${LOGIN_USER}@${bastion}` }];
    const privateIp = address(host, 'privateIp');
    return privateIp ? [{ host, name, command: `ssh ${jump} ${LOGIN_USER}@${privateIp}` }] : [];
  });
  const urls: HostAccessInfo['urls'] = [];
  const shop = address('ecommerce', 'publicIp');
  if (shop) urls.push({ label: 'shop', url: `http://${shop}:${shopPort(config)}/` });
  const wordpress = address('wordpress', 'publicIp');
  if (wordpress) urls.push({ label: 'WordPress', url: `http://${wordpress}/wp-admin/install.php`, note: 'finish the install: the first visitor picks the admin' });
  urls.push({ label: 'GitLab', url: `http://${bastion}/`, note: 'user root; the initial password is shown below on request, once' });
  const monitoring = address('monitoring', 'privateIp');
  if (monitoring) {
    urls.push({
      label: 'Uptime Kuma',
      url: 'http://localhost:3001/',
      // The tunnel ends on the monitoring host itself: its security group takes 3001 from the admin range
      // only, not from the bastion, so forwarding from the bastion to it would be dropped.
      note: `through a tunnel: ssh ${jump} -N -L 3001:localhost:3001 ${LOGIN_USER}@${monitoring} — the first visitor becomes admin: open it now`,
    });
  }
  return { urls, ssh };
}
