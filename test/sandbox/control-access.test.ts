import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gateway, type LabMap } from '../../src/sandbox/gateway.js';
import { isLabAddress, LAB_ADDRESS_RANGES } from '../../src/sandbox/lab-map.js';
import { controlFetch } from './clients.js';

/**
 * The control API answers its owner only (src/sandbox/control-access.ts). Control calls never reach moto,
 * so the gateway here forwards to a closed loopback port: nothing else is needed.
 */
let gateway: Gateway;
beforeAll(async () => {
  gateway = await Gateway.start({ target: 'http://127.0.0.1:9' });
});
afterAll(async () => {
  await gateway?.stop();
});

const LAB: LabMap = { instances: { 'compute.gitlab': { privateIp: '10.3.1.10', publicIp: '198.51.100.10' } } };
/** What an attacker's page would post: its own host, with the console text host keys are pinned from. */
const EVIL = JSON.stringify({ instances: { 'compute.gitlab': { privateIp: '10.3.1.10', publicIp: '93.184.215.14', consoleOutput: 'attacker keys' } } });

/** A raw HTTP request to the gateway, with any Host, Origin and headers a browser or a rebinding page could send. */
function raw(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(gateway.endpoint);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const own = () => ({ host: new URL(gateway.endpoint).host, authorization: `Bearer ${gateway.controlToken}` });

describe('the control API refuses anyone but its owner, and changes nothing for them', () => {
  it('the token is random per gateway, 256 bits', async () => {
    const other = await Gateway.start({ target: 'http://127.0.0.1:9' });
    try {
      expect(gateway.controlToken).toMatch(/^[\w-]{43}$/);
      expect(other.controlToken).not.toBe(gateway.controlToken);
    } finally {
      await other.stop();
    }
  });

  it('no token: 401 on every route, and the lab map, faults and log stay as they were', async () => {
    gateway.setLab(LAB);
    const routes: [string, string, string?][] = [
      ['GET', 'log'],
      ['POST', 'faults', JSON.stringify({ action: '*', kind: 'server-error' })],
      ['DELETE', 'faults'],
      ['PUT', 'latency', JSON.stringify({ scale: 1 })],
      ['POST', 'reset-log'],
      ['POST', 'lab', EVIL],
      ['GET', 'lab/addresses'],
      ['DELETE', 'lab'],
    ];
    for (const [method, path, body] of routes) {
      // A "simple" cross-site request: text/plain needs no CORS preflight.
      const answer = await raw(method, `/_sandbox/${path}`, { host: own().host, 'content-type': 'text/plain' }, body);
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ error: "refused: a control request needs the gateway's token", hint: expect.stringContaining('AWS_RUNBOOK_SANDBOX_TOKEN') });
    }
    expect(gateway.labAddresses().sort()).toEqual(['10.3.1.10', '198.51.100.10']);
    expect((await controlFetch(gateway, 'log').then((r) => r.json())) as unknown).toMatchObject({ counts: { total: 0 } });
  });

  it('a wrong token: 401', async () => {
    const answer = await raw('POST', '/_sandbox/lab', { host: own().host, authorization: 'Bearer guessed' }, EVIL);
    expect(answer.status).toBe(401);
    expect(answer.body).toContain('wrong control token');
    expect(gateway.labAddresses()).not.toContain('93.184.215.14');
  });

  it('a Host other than the loopback address it listens on (DNS rebinding, a name for it): 403, even with the token', async () => {
    const port = new URL(gateway.endpoint).port;
    for (const host of [`rebind.attacker.example:${port}`, `localhost:${port}`, '127.0.0.1', `127.0.0.2:${port}`]) {
      const answer = await raw('POST', '/_sandbox/lab', { ...own(), host }, EVIL);
      expect(answer.status, host).toBe(403);
      expect(answer.body).toContain(`the control API answers only requests addressed to 127.0.0.1:${port}`);
    }
    expect(gateway.labAddresses()).not.toContain('93.184.215.14');
  });

  it('a foreign Origin (a web page): 403, even with the token; its own origin is fine', async () => {
    for (const origin of ['https://attacker.example', 'null', `http://localhost:${new URL(gateway.endpoint).port}`]) {
      const answer = await raw('POST', '/_sandbox/lab', { ...own(), origin }, EVIL);
      expect(answer.status, origin).toBe(403);
      expect(answer.body).toContain('refused: a control request from the web page');
    }
    const preflight = await raw('OPTIONS', '/_sandbox/lab', { host: own().host, origin: 'https://attacker.example', 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(403);
    expect(gateway.labAddresses()).not.toContain('93.184.215.14');
    const same = await raw('GET', '/_sandbox/lab/addresses', { ...own(), origin: gateway.endpoint });
    expect(same.status).toBe(200);
  });

  it('the owner (right Host, token, no Origin) is served', async () => {
    const answer = await raw('GET', '/_sandbox/lab/addresses', own());
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ addresses: expect.arrayContaining(['10.3.1.10', '198.51.100.10']) });
  });
});

describe('lab map addresses: loopback and the lab’s own ranges only', () => {
  it(`allows ${LAB_ADDRESS_RANGES.join(', ')} and nothing else`, () => {
    for (const address of ['127.0.0.1', '127.255.0.9', '10.0.0.1', '10.3.1.10', '10.255.255.254', '198.51.100.10', '203.0.113.7']) expect(isLabAddress(address), address).toBe(true);
    for (const address of ['93.184.215.14', '8.8.8.8', '54.12.3.4', '192.168.1.20', '172.16.0.5', '100.64.0.1', '192.0.2.1', '198.51.101.1', '203.0.114.1', '11.0.0.1', '0.0.0.0', '255.255.255.255', '169.254.169.254']) {
      expect(isLabAddress(address), address).toBe(false);
    }
  });

  it('a map naming an internet address is refused (400) with what is allowed; the previous map stays', async () => {
    gateway.setLab(LAB);
    for (const map of [EVIL, JSON.stringify({ instances: {}, rds: { address: '8.8.8.8', port: 3306 } })]) {
      const answer = await controlFetch(gateway, 'lab', { method: 'POST', body: map });
      expect(answer.status).toBe(400);
      const { error } = (await answer.json()) as { error: string };
      expect(error).toContain("must be a lab address: loopback or the lab's own ranges (127.0.0.0/8, 10.0.0.0/8, 198.51.100.0/24, 203.0.113.0/24), never an internet address");
    }
    expect(gateway.labAddresses().sort()).toEqual(['10.3.1.10', '198.51.100.10']);
    const fine = JSON.stringify({ instances: { 'compute.gitlab': { privateIp: '10.3.1.10', publicIp: '203.0.113.5' } }, rds: { address: '127.0.0.9', port: 3306 } });
    expect((await controlFetch(gateway, 'lab', { method: 'POST', body: fine })).status).toBe(204);
  });
});
