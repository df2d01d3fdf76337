import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { hostAccessInfo } from '../../../src/tasks/hosts/access-info.js';

const config = configSchema.parse({ suffix: 'BFHK' });
const outputs: Record<string, Record<string, string>> = {
  // The bastion's address is its Elastic IP's; the shop's is still the one it launched with (no association yet).
  'compute.gitlab': { instanceId: 'i-1', privateIp: '10.3.1.10' },
  'compute.gitlab.eip-association': { associationId: 'eipassoc-1', publicIp: '198.51.100.10' },
  'compute.ecommerce': { instanceId: 'i-2', publicIp: '198.51.100.11', privateIp: '10.1.1.10' },
  'compute.monitoring': { instanceId: 'i-3', privateIp: '10.3.2.10' },
  'compute.ia': { instanceId: 'i-4', privateIp: '10.2.2.10' },
};

describe('hostAccessInfo', () => {
  it('is undefined until the bastion has a public address', () => {
    expect(hostAccessInfo(config, () => undefined)).toBeUndefined();
  });

  it('reaches the bastion directly and every other host through it; Uptime Kuma through a tunnel', () => {
    const info = hostAccessInfo(config, (id) => outputs[id]);
    expect(info?.ssh).toEqual([
      { host: 'gitlab', name: 'VMCyber-Gitlab-BFHK', command: 'ssh ubuntu@198.51.100.10' },
      { host: 'ecommerce', name: 'VM-Ecommerce-BFHK', command: 'ssh -J ubuntu@198.51.100.10 ubuntu@10.1.1.10' },
      { host: 'monitoring', name: 'VMCyber-Monitoring-BFHK', command: 'ssh -J ubuntu@198.51.100.10 ubuntu@10.3.2.10' },
      { host: 'ia', name: 'VMIA-Workstation-BFHK', command: 'ssh -J ubuntu@198.51.100.10 ubuntu@10.2.2.10' },
    ]);
    const urls = Object.fromEntries((info?.urls ?? []).map((u) => [u.label, u]));
    expect(urls['shop']?.url).toBe('http://198.51.100.11:5085/');
    expect(urls['GitLab']?.url).toBe('http://198.51.100.10/');
    expect(urls['Uptime Kuma']?.note).toContain('ssh -J ubuntu@198.51.100.10 -N -L 3001:localhost:3001 ubuntu@10.3.2.10');
    expect(urls['WordPress']).toBeUndefined(); // no address recorded for it
    // Every admin is the tool's (no first-visitor window left to warn about); passwords only on request.
    expect(JSON.stringify(info)).not.toMatch(/first visitor|install\.php/);
    expect(hostAccessInfo(config, (id) => ({ ...outputs, 'compute.wordpress': { instanceId: 'i-5', publicIp: '198.51.100.12' } })[id])?.urls.find((u) => u.label === 'WordPress')).toMatchObject({
      url: 'http://198.51.100.12/',
      note: expect.stringContaining('admin@bfhk.invalid'),
    });
  });
});
