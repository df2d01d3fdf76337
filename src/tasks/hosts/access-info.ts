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
  if (shop) urls.push({ label: 'shop', url: `http://${shop}:${shopPort(config)}/`, note: 'admin at /admin/, user admin (password on request, g)' });
  const wordpress = address('wordpress', 'publicIp');
  if (wordpress) urls.push({ label: 'WordPress', url: `http://${wordpress}/`, note: `log in at /wp-login.php as admin (password on request, g); its email is admin@${config.suffix.toLowerCase()}.invalid: change it in Settings` });
  urls.push({ label: 'GitLab', url: `http://${bastion}/`, note: 'user root (its initial password on request, g: GitLab deletes it after 24 h)' });
  const monitoring = address('monitoring', 'privateIp');
  if (monitoring) {
    urls.push({
      label: 'Uptime Kuma',
      url: 'http://localhost:3001/',
      // Kuma is published on the monitoring host's own loopback only: the tunnel has to end on that host.
      note: `through a tunnel: ssh ${jump} -N -L 3001:localhost:3001 ${LOGIN_USER}@${monitoring}; user admin (password on request, g); it watches the shop, WordPress and GitLab`,
    });
  }
  return { urls, ssh };
}
