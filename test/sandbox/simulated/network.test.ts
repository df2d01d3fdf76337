import { beforeAll, describe, expect, it } from 'vitest';
import type { HostName } from '../../../src/engine/types.js';
import type { SimulatedWorld } from '../../../src/sandbox/simulated/world.js';
import { curlScript, parseCurlOutput } from '../../../src/tasks/hosts/docker-http-check.js';
import { runOn, testWorld } from './helpers.js';

let world: SimulatedWorld;
beforeAll(async () => {
  world = await testWorld();
});

async function ping(from: HostName, to: HostName): Promise<'ok' | 'blocked' | 'no-route'> {
  const result = await runOn(world.host(from), `ping -c 1 -W 2 ${world.host(to).privateIp}`);
  if (result.code === 0) return 'ok';
  return /Destination Net Unreachable/.test(result.stdout) ? 'no-route' : 'blocked';
}

describe('the simulated network', () => {
  it('answers pings as the designed ping matrix (docs/design.md#ping-matrix) expects: Cyber→IA and Cyber→MVP ok, IA/MVP→Cyber blocked, IA↔MVP no route', async () => {
    expect(await ping('monitoring', 'ia')).toBe('ok');
    expect(await ping('gitlab', 'ecommerce')).toBe('ok');
    expect(await ping('ia', 'gitlab')).toBe('blocked');
    expect(await ping('wordpress', 'monitoring')).toBe('blocked');
    expect(await ping('ia', 'ecommerce')).toBe('no-route');
    expect(await ping('ecommerce', 'ia')).toBe('no-route');
    const unknown = await runOn(world.host('gitlab'), 'ping -c 2 192.0.2.99');
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toMatch(/2 packets transmitted, 0 received, 100% packet loss/);
  });

  it('curl: a host answers on its own ports, reaches another where the groups allow, and nothing else', async () => {
    const gitlab = world.host('gitlab');
    const closed = parseCurlOutput((await runOn(gitlab, curlScript('http://localhost/-/readiness'))).stdout);
    expect(closed.status).toBe(0);
    world.host('ecommerce').listeners.set(5085, { owner: 'test', answer: ({ from }) => ({ status: 200, body: `hello ${from.name}` }) });
    const shop = world.host('ecommerce').privateIp;
    expect(parseCurlOutput((await runOn(gitlab, curlScript(`http://${shop}:5085/`))).stdout)).toEqual({ status: 200, body: 'hello gitlab' });
    expect(parseCurlOutput((await runOn(world.host('ia'), curlScript(`http://${shop}:5085/`))).stdout).body).toMatch(/No route to host/);
    const outside = await runOn(gitlab, 'curl -sS -m 5 https://example.com/');
    expect(outside).toMatchObject({ code: 6 });
    expect(outside.stderr).toMatch(/Could not resolve host: example\.com/);
  });
});
