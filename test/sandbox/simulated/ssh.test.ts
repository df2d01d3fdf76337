import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { configSchema } from '../../../src/config/schema.js';
import { SimulatedHosts } from '../../../src/sandbox/simulated/simulated-hosts.js';
import { ed25519KeyPair } from '../../../src/sandbox/simulated/keys.js';
import { ssh2 } from '../../../src/sandbox/simulated/ssh2-server.js';
import { simulatedAddressPolicy } from '../../../src/ssh/address-policy.js';
import { designedNetwork } from './helpers.js';
import { exec, HostKeyMismatchError, parseConsoleFingerprints, SshConnectError, SshPool, streamCommand, uploadFile, type SshHost } from '../../../src/ssh/index.js';

const client = ed25519KeyPair('operator');
const config = configSchema.parse({ access: { adminCidr: '203.0.113.7/32' } });
let hosts: SimulatedHosts;
const sockets: string[] = [];
const originalConnect = net.Socket.prototype.connect;

beforeAll(async () => {
  // Every TCP (or IPC) connection this file's process starts is recorded: there must be none.
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    sockets.push(JSON.stringify(args[0]));
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  hosts = await SimulatedHosts.start({ config, authorizedKey: client.publicKey, network: designedNetwork(config) });
});

afterAll(() => {
  hosts?.close();
  net.Socket.prototype.connect = originalConnect;
});

/** The pool's view of a simulated host, with the fingerprints its console prints (as the tool reads them). */
function poolHost(name: 'gitlab' | 'ecommerce' | 'monitoring', extra: Partial<SshHost> = {}): SshHost {
  const host = hosts.world.host(name);
  const console = hosts.labMap().instances[`compute.${name}`]?.consoleOutput ?? '';
  return {
    name,
    address: name === 'gitlab' ? (host.publicIp as string) : host.privateIp,
    username: 'ubuntu',
    privateKey: client.privateKey,
    fingerprints: parseConsoleFingerprints(console),
    simulated: true,
    ...(name === 'gitlab' ? {} : { via: 'gitlab' }),
    ...extra,
  };
}

function pool(members: SshHost[]): SshPool {
  const policy = simulatedAddressPolicy(hosts.addresses(), (address, port) => hosts.connect(address, port));
  return new SshPool(members, { connector: policy.connect, readyTimeoutMs: 10_000 });
}

describe('simulated hosts over real SSH (ssh2 on both ends, in memory)', () => {
  it('logs in to the bastion and through it to a private host; commands, uploads and streams work; no socket is opened', async () => {
    const ssh = pool([poolHost('gitlab'), poolHost('monitoring')]);
    try {
      const monitoring = await ssh.get('monitoring');
      expect(monitoring.label).toBe('monitoring (simulated, 10.3.2.10 via gitlab)');
      expect((await exec(monitoring, 'hostname')).stdout).toBe('ip-10-3-2-10\n');
      expect((await exec(monitoring, 'echo oops >&2; exit 4', { allowFailure: true }))).toEqual({ code: 4, stdout: '', stderr: 'oops\n' });
      const first = await uploadFile(monitoring, '/etc/aws-runbook/app.conf', 'key=value\n', { mode: 0o640, parents: true });
      const again = await uploadFile(monitoring, '/etc/aws-runbook/app.conf', 'key=value\n', { mode: 0o640, parents: true });
      expect([first.changed, again.changed]).toEqual([true, false]);
      expect((await exec(monitoring, "stat -c '%a %U %G' /etc/aws-runbook/app.conf; cat /etc/aws-runbook/app.conf", { sudo: true })).stdout).toBe('640 root root\nkey=value\n');
      const stream = await streamCommand(monitoring, 'printf "%s\\n" one two | gzip -c');
      const chunks: Buffer[] = [];
      for await (const chunk of stream.stdout) chunks.push(chunk as Buffer);
      await stream.done;
      const { gunzipSync } = await import('node:zlib');
      expect(gunzipSync(Buffer.concat(chunks)).toString()).toBe('one\ntwo\n');
      expect(ssh.connectCount).toBe(2);
    } finally {
      await ssh.closeAll();
    }
    expect(sockets).toEqual([]);
  });

  it('verifies host keys for real: a host whose console printed other keys is refused', async () => {
    const other = ed25519KeyPair().publicKey;
    const wrong = parseConsoleFingerprints(`-----BEGIN SSH HOST KEY KEYS-----\n${other}\n-----END SSH HOST KEY KEYS-----\n`);
    const ssh = pool([poolHost('gitlab'), poolHost('ecommerce', { fingerprints: wrong })]);
    try {
      await expect(ssh.get('ecommerce')).rejects.toBeInstanceOf(HostKeyMismatchError);
      // The bastion's own keys match: the jump itself was fine.
      expect((await exec(await ssh.get('gitlab'), 'hostname')).stdout).toBe('ip-10-3-1-10\n');
    } finally {
      await ssh.closeAll();
    }
  });

  it('refuses a client key the host does not authorize', async () => {
    const stranger = ed25519KeyPair().privateKey;
    const ssh = pool([poolHost('gitlab', { privateKey: stranger })]);
    try {
      await expect(ssh.get('gitlab')).rejects.toThrow(/refused the key for user "ubuntu"/);
    } finally {
      await ssh.closeAll();
    }
  });

  it('the connector refuses any address it does not simulate, and private hosts from outside', async () => {
    const policy = simulatedAddressPolicy(hosts.addresses(), (address, port) => hosts.connect(address, port));
    await expect(policy.connect?.('192.0.2.1', 22)).rejects.toThrow(/not a simulated host's address/);
    await expect(hosts.connect('192.0.2.1', 22)).rejects.toThrow(/no simulated host has this address/);
    await expect(hosts.connect(hosts.world.host('ecommerce').privateIp, 22)).rejects.toThrow(/no route: a private address/);
    await expect(hosts.connect(hosts.world.host('ecommerce').publicIp as string, 22)).rejects.toThrow(/security group drops them/);
    const ssh = pool([{ ...poolHost('gitlab'), address: '198.51.100.200' }]);
    try {
      await expect(ssh.get('gitlab')).rejects.toBeInstanceOf(SshConnectError);
    } finally {
      await ssh.closeAll();
    }
    expect(sockets).toEqual([]);
  });

  it('key pairs are well-formed every time (ssh2\'s own keygen botches one ed25519 key in 256)', () => {
    for (let i = 0; i < 600; i += 1) {
      const pair = ed25519KeyPair();
      const privateKey = ssh2().utils.parseKey(pair.privateKey);
      const publicKey = ssh2().utils.parseKey(pair.publicKey);
      if (privateKey instanceof Error || Array.isArray(privateKey) || publicKey instanceof Error || Array.isArray(publicKey)) throw new Error(`key ${i} does not parse`);
      expect(privateKey.getPublicSSH().equals(publicKey.getPublicSSH())).toBe(true);
    }
  });

  it('the gateway is shown each host\'s addresses and console, and tells other clients no address', () => {
    const map = hosts.labMap();
    expect(map.simulated).toBe(true);
    expect(map.instances['compute.gitlab']).toMatchObject({ privateIp: '10.3.1.10', publicIp: expect.stringMatching(/^198\.51\.100\./) });
    expect(map.instances['compute.ia']?.publicIp).toBeUndefined();
    expect(parseConsoleFingerprints(map.instances['compute.ia']?.consoleOutput ?? '')).toHaveLength(1);
    expect(map.rds).toMatchObject({ address: '10.1.2.20', port: 3306 });
  });
});
