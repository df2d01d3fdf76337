import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exec, HostKeyMismatchError, SshConnectError, SshPool, type SshHost } from '../../src/ssh/index.js';
import { makeKeyPair, startSshd, type KeyPair, type TestSshd } from '../helpers/sshd.js';
import { connectionsLogged, hostFor } from './fixture.js';

// The GitLab host (public) as the jump host in front of a private host, both on loopback addresses.
let jump: TestSshd;
let target: TestSshd;
let key: KeyPair;
const pools: SshPool[] = [];

beforeAll(async () => {
  target = await startSshd({ address: '127.0.0.3' });
  // The jump host may open forwards to the target only: any other destination is refused by its sshd.
  jump = await startSshd({ address: '127.0.0.2', extraConfig: [`PermitOpen 127.0.0.3:${target.port}`] });
  key = makeKeyPair('the EC2 key pair');
  jump.authorize(key.publicKey);
  target.authorize(key.publicKey);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.closeAll()));
  await Promise.all([jump?.stop(), target?.stop()]);
});

function hosts(targetExtra: Partial<SshHost> = {}): SshHost[] {
  return [hostFor(jump, key, 'gitlab'), hostFor(target, key, 'shop', { via: 'gitlab', ...targetExtra })];
}

function pool(list: SshHost[]): SshPool {
  const created = new SshPool(list);
  pools.push(created);
  return created;
}

describe('a host behind a jump host', () => {
  it('is reached through a forwarded channel of the (verified) jump host connection', async () => {
    const p = pool(hosts());
    const jumpConnectionsBefore = connectionsLogged(jump);
    const shop = await p.get('shop');
    expect(shop.label).toBe(`shop (127.0.0.3:${target.port} via gitlab)`);
    const result = await exec(shop, 'echo "$SSH_CONNECTION"');
    expect(result.stdout).toContain(`127.0.0.3 ${target.port}`);
    // The jump host's sshd opened the TCP connection to the target on our behalf...
    expect(jump.log()).toContain(`server_request_direct_tcpip: originator 127.0.0.1 port 0, target 127.0.0.3 port ${target.port}`);
    expect(jump.log()).toContain(`connected to 127.0.0.3 port ${target.port}`);
    // ...over the single pooled connection to the jump host, which is also usable on its own.
    expect(connectionsLogged(jump)).toBe(jumpConnectionsBefore + 1);
    const gitlab = await p.get('gitlab');
    expect((await exec(gitlab, 'echo "$SSH_CONNECTION"')).stdout).toContain(`127.0.0.2 ${jump.port}`);
    expect(connectionsLogged(jump)).toBe(jumpConnectionsBefore + 1);
    expect(p.connectCount).toBe(2);
  });

  it("checks the target's own host key: the jump host's fingerprints do not stand in for it", async () => {
    const p = pool(hosts({ fingerprints: jump.hostKeyFingerprints }));
    const error = await p.get('shop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    expect((error as Error).message).toContain('shop (127.0.0.3');
  });

  it('says which hop failed when the jump host cannot open the connection', async () => {
    // Same target address, a port the jump host's PermitOpen does not allow.
    const p = pool(hosts({ port: jump.port }));
    const error = (await p.get('shop').catch((e: unknown) => e)) as SshConnectError;
    expect(error).toBeInstanceOf(SshConnectError);
    expect(error.message).toMatch(/^The jump host gitlab \(127\.0\.0\.2:\d+\) could not open a connection to shop/);
    expect(error.fix).toMatch(/forwarding/);
  });

  it('refuses configurations that loop or name a missing jump host', async () => {
    const p = pool([
      { ...hostFor(jump, key, 'a'), via: 'b' },
      { ...hostFor(jump, key, 'b'), via: 'a' },
      { ...hostFor(jump, key, 'c'), via: 'nowhere' },
    ]);
    await expect(p.get('a')).rejects.toThrow(/loop/);
    await expect(p.get('c')).rejects.toThrow(/"nowhere", which was not added/);
  });
});
