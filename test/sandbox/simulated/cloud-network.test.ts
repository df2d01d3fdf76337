import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { CachedCloudNetwork } from '../../../src/sandbox/simulated/cloud-network.js';
import { SimulatedNetwork, type CloudNetwork, type Protocol } from '../../../src/sandbox/simulated/network.js';
import { simulatedHostSpecs } from '../../../src/sandbox/simulated/world.js';
import { designedNetwork } from './helpers.js';

const config = configSchema.parse({ access: { adminCidr: '203.0.113.7/32' } });
const OPERATOR = { address: '203.0.113.7' };
const addresses = {
  hosts: new Map(simulatedHostSpecs(config).map((spec) => [spec.name, { privateIp: spec.privateIp, publicIp: spec.publicIp }] as const)),
  database: '10.1.2.20',
};
const ssh: Protocol = { kind: 'tcp', port: 22 };
const icmp: Protocol = { kind: 'icmp' };
const mariadb: Protocol = { kind: 'tcp', port: 3306 };

/** The network simulated from a cloud like the design, changed as a test says (what someone did in the cloud). */
function network(change: (cloud: CloudNetwork) => void = () => undefined): SimulatedNetwork {
  const cloud = structuredClone(designedNetwork(config).network);
  change(cloud);
  return new SimulatedNetwork(cloud, addresses);
}

function table(cloud: CloudNetwork, key: string) {
  const found = cloud.model.routeTables.find((t) => t.key === key);
  if (!found) throw new Error(`no route table ${key}`);
  return found;
}

describe('the simulated network, from what the cloud holds', () => {
  it('judges hosts, the database and the internet by the cloud\'s routes and groups', () => {
    const net = network();
    expect(net.toPrivate('gitlab', 'ecommerce', ssh)).toBe('ok');
    expect(net.toPrivate('monitoring', 'ia', icmp)).toBe('ok');
    expect(net.toPrivate('ia', 'gitlab', icmp)).toBe('blocked');
    expect(net.toPrivate('ia', 'ecommerce', icmp)).toBe('no-route');
    // The RDS endpoint: SG-RDS lets in SG-Web's members only.
    expect(net.toPrivate('ecommerce', undefined, mariadb)).toBe('ok');
    expect(net.toPrivate('monitoring', undefined, mariadb)).toBe('blocked');
    // The operator, from the admin CIDR: SSH to the bastion only; a private host has no public address.
    expect(net.toPublic(OPERATOR, 'gitlab', ssh)).toBe('ok');
    expect(net.toPublic(OPERATOR, 'ecommerce', ssh)).toBe('blocked');
    expect(net.toPublic(OPERATOR, 'ecommerce', { kind: 'tcp', port: 5085 })).toBe('ok');
    expect(net.toPublic(OPERATOR, 'monitoring', ssh)).toBe('no-route');
    // Hosts to public addresses: by their own (internet gateway) or their NAT gateway's.
    expect(net.toPublic({ host: 'wordpress' }, 'ecommerce', { kind: 'tcp', port: 80 })).toBe('ok');
    expect(net.toPublic({ host: 'monitoring' }, 'ecommerce', { kind: 'tcp', port: 5085 })).toBe('ok');
    expect(net.toPublic({ host: 'monitoring' }, 'gitlab', ssh)).toBe('blocked');
  });

  it('a route, a rule, a peering, a public address, an instance or the database gone from the cloud is gone here', () => {
    const withoutPeeringRoute = network((cloud) => {
      const mvp = table(cloud, 'mvp-public');
      mvp.routes = mvp.routes.filter((r) => r.destination !== config.network.cyber.cidr);
    });
    expect(withoutPeeringRoute.toPrivate('gitlab', 'ecommerce', icmp)).toBe('no-route'); // no route back
    expect(withoutPeeringRoute.toPrivate('gitlab', 'ecommerce', ssh)).toBe('no-route');
    expect(withoutPeeringRoute.toPrivate('gitlab', 'ia', icmp)).toBe('ok');

    const withoutIcmpRule = network((cloud) => {
      const ia = cloud.model.securityGroups.find((g) => g.key === 'ia');
      if (ia) ia.ingress = ia.ingress.filter((rule) => rule.protocol !== 'icmp');
    });
    expect(withoutIcmpRule.toPrivate('monitoring', 'ia', icmp)).toBe('blocked');
    expect(withoutIcmpRule.toPrivate('gitlab', 'ia', ssh)).toBe('ok');

    const inactivePeering = network((cloud) => {
      for (const peering of cloud.model.peerings) peering.active = false;
    });
    expect(inactivePeering.toPrivate('gitlab', 'ecommerce', icmp)).toBe('no-route');

    const withoutInternetRoute = network((cloud) => {
      const cyber = table(cloud, 'cyber-public');
      cyber.routes = cyber.routes.filter((r) => r.target !== 'igw');
    });
    expect(withoutInternetRoute.toPublic(OPERATOR, 'gitlab', ssh)).toBe('no-route');

    expect(network((cloud) => (cloud.publicHosts = cloud.publicHosts.filter((h) => h !== 'gitlab'))).toPublic(OPERATOR, 'gitlab', ssh)).toBe('no-route');
    const withoutShop = network((cloud) => (cloud.model.hosts = cloud.model.hosts.filter((h) => h.name !== 'ecommerce')));
    expect([withoutShop.toPrivate('gitlab', 'ecommerce', icmp), withoutShop.toPrivate('ecommerce', undefined, mariadb)]).toEqual(['no-route', 'no-route']);
    expect(network((cloud) => delete cloud.database).toPrivate('ecommerce', undefined, mariadb)).toBe('no-route');
    expect(network((cloud) => cloud.database && (cloud.database.securityGroups = ['web'])).toPrivate('ecommerce', undefined, mariadb)).toBe('blocked');
  });
});

describe('CachedCloudNetwork', () => {
  const reading = (n: number): CloudNetwork => ({ ...designedNetwork(config).network, natAddresses: { n: String(n) } });

  it('reads the cloud once until it changes; a change while reading reads again', async () => {
    let loads = 0;
    let release: (() => void) | undefined;
    const cache = new CachedCloudNetwork(async () => {
      loads += 1;
      if (loads === 2) await new Promise<void>((resolve) => (release = resolve));
      return reading(loads);
    });
    const first = await cache.read();
    expect(await cache.read()).toBe(first);
    expect(loads).toBe(1);
    cache.invalidate();
    const pending = cache.read();
    await new Promise((resolve) => setImmediate(resolve));
    cache.invalidate(); // the cloud changed while the second reading was in flight
    release?.();
    expect((await pending).natAddresses).toEqual({ n: '3' });
    expect([loads, cache.loads]).toEqual([3, 3]);
  });

  it('a failed reading is not kept: the next command reads again', async () => {
    let loads = 0;
    const cache = new CachedCloudNetwork(async () => {
      loads += 1;
      if (loads === 1) throw new Error('moto is not answering');
      return reading(loads);
    });
    await expect(cache.read()).rejects.toThrow(/moto is not answering/);
    expect((await cache.read()).natAddresses).toEqual({ n: '2' });
  });
});
