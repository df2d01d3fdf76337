import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKumaServer, type KumaData } from '../../src/sandbox/emulation/kuma/kuma-stand-in.js';
import { openTunnel, SshPool } from '../../src/ssh/index.js';
import { connectKuma } from '../../src/tasks/hosts/uptime-kuma-client.js';
import { setUpKuma, wantedMonitors } from '../../src/tasks/hosts/uptime-kuma-setup.js';
import { validateConfig } from '../../src/config/validate.js';
import { makeKeyPair, startSshd, type TestSshd } from '../helpers/sshd.js';
import { hostFor } from './fixture.js';

/**
 * The SSH tunnel the Uptime Kuma step opens (`ssh -L`): a loopback listener here, each connection a
 * direct-tcpip channel of a real sshd, to a service the remote host binds to its own loopback (the Kuma
 * stand-in on 127.0.0.5 plays Kuma on the monitoring host's 127.0.0.1). The sshd may open forwards to that
 * service only (PermitOpen), so going around it is refused and said.
 */

let sshd: TestSshd;
let pool: SshPool;
let kumaPort: number;
let data: KumaData | undefined;
let closeKuma: () => Promise<void>;

beforeAll(async () => {
  const { http, io } = createKumaServer({ store: { load: async () => data, save: async (next) => void (data = next) } });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.5', resolve));
  kumaPort = (http.address() as AddressInfo).port;
  closeKuma = () => new Promise<void>((resolve) => void io.close(() => resolve()));
  sshd = await startSshd({ address: '127.0.0.2', extraConfig: [`PermitOpen 127.0.0.5:${kumaPort}`] });
  const key = makeKeyPair('the EC2 key pair');
  sshd.authorize(key.publicKey);
  pool = new SshPool([hostFor(sshd, key, 'monitoring')]);
});

afterAll(async () => {
  await pool?.closeAll();
  await sshd?.stop();
  await closeKuma?.();
});

describe('an SSH tunnel to a service on the remote host', () => {
  it("carries Kuma's socket.io API through the sshd: the admin and the monitors are set up", async () => {
    const connection = await pool.get('monitoring');
    const tunnel = await openTunnel(connection, { host: '127.0.0.5', port: kumaPort });
    try {
      expect(tunnel.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const session = await connectKuma(tunnel.url, { timeoutMs: 5_000 });
      try {
        const wanted = wantedMonitors(validateConfig({}, 'test'), () => '10.9.9.9');
        expect(await setUpKuma(session, 'Tunnelled-Password-0123', wanted)).toMatchObject({ adminCreated: true });
      } finally {
        session.close();
      }
      expect(data?.monitors.map((m) => m.name)).toEqual(['Shop (Rocket eCommerce)', 'WordPress', 'GitLab']);
      expect(sshd.log()).toContain(`server_request_direct_tcpip: originator 127.0.0.1 port`);
      expect(sshd.log()).toContain(`target 127.0.0.5 port ${kumaPort}`);
      expect(tunnel.lastError).toBeUndefined();
    } finally {
      await tunnel.close();
    }
  });

  it('says why when the sshd refuses the forward, and the client does not connect', async () => {
    const connection = await pool.get('monitoring');
    const tunnel = await openTunnel(connection, { host: '127.0.0.5', port: kumaPort + 1 });
    try {
      await expect(connectKuma(tunnel.url, { timeoutMs: 3_000 })).rejects.toThrow(/Uptime Kuma does not answer/);
      expect(tunnel.lastError?.message).toMatch(/^monitoring \(127\.0\.0\.2:\d+\) could not open a connection to 127\.0\.0\.5:\d+: /);
    } finally {
      await tunnel.close();
    }
  });

  it('is closed by an abort: the local port stops listening', async () => {
    const connection = await pool.get('monitoring');
    const stop = new AbortController();
    const tunnel = await openTunnel(connection, { host: '127.0.0.5', port: kumaPort }, stop.signal);
    stop.abort();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(connectKuma(tunnel.url, { timeoutMs: 2_000 })).rejects.toThrow(/does not answer/);
  });
});
