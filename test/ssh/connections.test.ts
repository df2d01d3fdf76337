import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exec,
  HostKeyMismatchError,
  HostKeyUnknownError,
  parseConsoleFingerprints,
  SshConnectError,
  SshPool,
} from '../../src/ssh/index.js';
import { makeKeyPair, startSshd, type KeyPair, type TestSshd } from '../helpers/sshd.js';
import { connectionsLogged, hostFor } from './fixture.js';

let sshd: TestSshd;
let key: KeyPair;
const pools: SshPool[] = [];
function pool(...args: ConstructorParameters<typeof SshPool>): SshPool {
  const created = new SshPool(...args);
  pools.push(created);
  return created;
}

beforeAll(async () => {
  sshd = await startSshd({ address: '127.0.0.1' });
  key = sshd.makeClientKey();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.closeAll()));
  await sshd?.stop();
});

describe('SshPool', () => {
  it('reads the fingerprints from the console exactly as ssh-keygen reports them', () => {
    const parsed = parseConsoleFingerprints(sshd.consoleOutput);
    expect(parsed).toHaveLength(2);
    expect(new Set(parsed.map((f) => `${f.type} ${f.sha256}`))).toEqual(new Set(sshd.hostKeyFingerprints.map((f) => `${f.type} ${f.sha256}`)));
  });

  it('connects with the console fingerprints, runs a command and reuses one connection for concurrent uses', async () => {
    const p = pool([hostFor(sshd, key, 'shop')]);
    const before = connectionsLogged(sshd);
    const [a, b, c] = await Promise.all([p.get('shop'), p.get('shop'), p.get('shop')]);
    expect(b).toBe(a);
    expect(c).toBe(a);
    const results = await Promise.all([exec(a, 'id -un'), exec(a, 'echo $SSH_CONNECTION'), exec(await p.get('shop'), 'true')]);
    expect(results[0].stdout.trim()).toBe('ubuntu');
    expect(results[1].stdout).toContain(`${sshd.address} ${sshd.port}`);
    expect(p.connectCount).toBe(1);
    expect(connectionsLogged(sshd)).toBe(before + 1);
  });

  it('refuses a host whose key is not in the console list: HostKeyMismatchError, nothing authenticated', async () => {
    const accepted = () => (sshd.log().match(/Accepted publickey/g) ?? []).length;
    const before = accepted();
    const wrong = [{ type: 'ED25519', sha256: 'SHA256:6ZnAE12MifYiPKDUERsr5/oTnE04XBsgGq3PNe7GOqY' }];
    const p = pool([hostFor(sshd, key, 'shop', { fingerprints: wrong })]);
    const error = await p.get('shop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyMismatchError);
    const mismatch = error as HostKeyMismatchError;
    expect(mismatch.message).toContain(`shop (127.0.0.1:${sshd.port})`);
    expect(sshd.hostKeyFingerprints.map((f) => f.sha256)).toContain(mismatch.presented);
    expect(mismatch.expected).toEqual([wrong[0]?.sha256]);
    expect(accepted()).toBe(before);
    // a failed connect is not cached as a connection
    expect(p.connectCount).toBe(1);
    await expect(p.get('shop')).rejects.toBeInstanceOf(HostKeyMismatchError);
    expect(p.connectCount).toBe(2);
  });

  it('refuses every key when no fingerprint is known (HostKeyUnknownError)', async () => {
    const p = pool([hostFor(sshd, key, 'shop', { fingerprints: [] })]);
    const error = await p.get('shop').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostKeyUnknownError);
    expect((error as Error).message).toContain('shop');
  });

  it('reports a refused key as an authentication problem, without the key text', async () => {
    const stranger = makeKeyPair(); // never authorized on this daemon
    const p = pool([hostFor(sshd, stranger, 'shop')]);
    const error = (await p.get('shop').catch((e: unknown) => e)) as SshConnectError;
    expect(error).toBeInstanceOf(SshConnectError);
    expect(error.message).toMatch(/refused the key for user "ubuntu"/);
    expect(`${error.message} ${error.fix}`).not.toContain('PRIVATE KEY');
  });

  it('reconnects after the connection dropped', async () => {
    const p = pool([hostFor(sshd, key, 'shop')]);
    const first = await p.get('shop');
    first.ssh.dispose();
    await new Promise((resolve) => first.client.once('close', resolve));
    const second = await p.get('shop');
    expect(second).not.toBe(first);
    expect((await exec(second, 'echo ok')).stdout).toBe('ok\n');
    expect(p.connectCount).toBe(2);
  });

  it('survives a connection reset after connecting (no uncaught error) and connects again', async () => {
    const p = pool([hostFor(sshd, key, 'shop')]);
    const first = await p.get('shop');
    const closed = new Promise((resolve) => first.client.once('close', resolve));
    // What a network reset looks like to ssh2: its socket fails (an internal, poked for the test only).
    const socket = (first.client as unknown as { _sock: { destroy(error: Error): void } })._sock;
    socket.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    await closed;
    const second = await p.get('shop');
    expect(second).not.toBe(first);
    expect((await exec(second, 'echo back')).stdout).toBe('back\n');
  });

  describe('against a port that accepts TCP but never speaks SSH', () => {
    let silent: Server;
    let port = 0;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      silent = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      port = (silent.address() as { port: number }).port;
    });
    afterAll(async () => {
      sockets.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    });

    it('gives up after readyTimeout with an error naming the host and what to check', async () => {
      const p = pool([hostFor(sshd, key, 'stuck', { port })], { readyTimeoutMs: 300 });
      const error = (await p.get('stuck').catch((e: unknown) => e)) as SshConnectError;
      expect(error).toBeInstanceOf(SshConnectError);
      expect(error.message).toContain(`stuck (127.0.0.1:${port})`);
      expect(error.fix).toMatch(/security group/);
    });

    it('stops connecting when the caller aborts (AbortError)', async () => {
      const p = pool([hostFor(sshd, key, 'stuck', { port })], { readyTimeoutMs: 60_000 });
      const controller = new AbortController();
      const pending = p.get('stuck', { signal: controller.signal });
      setTimeout(() => controller.abort(), 100);
      const error = (await pending.catch((e: unknown) => e)) as Error;
      expect(error.name).toBe('AbortError');
      expect(error.message).toContain('stuck');
    });
  });
});
