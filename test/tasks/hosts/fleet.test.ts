import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AwsClients } from '../../../src/aws/clients.js';
import { configSchema } from '../../../src/config/schema.js';
import { addressPolicyFor, UnreachableAddressError, type AddressPolicy } from '../../../src/ssh/address-policy.js';
import { Fleet, HostNotReadyError } from '../../../src/tasks/hosts/fleet.js';
import type { Sandbox } from '../../../src/sandbox/sandbox.js';
import { workerSandbox } from '../../helpers/worker-moto.js';

// Every address here is loopback: even a broken guard could only reach this machine (docs/design.md#network-safety).
const BASTION_ADDRESS = '127.0.0.1';

let sandbox: Sandbox;
let keyPath: string;
beforeAll(async () => {
  sandbox = await workerSandbox();
  // The gateway lists its lab only to its owner: the token `sandbox serve` prints (control-access.ts).
  process.env.AWS_RUNBOOK_SANDBOX_TOKEN = sandbox.controlToken;
  const dir = await mkdtemp(join(tmpdir(), 'awsrb-fleet-'));
  keyPath = join(dir, 'id');
  await writeFile(keyPath, '-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
});
afterAll(async () => {
  delete process.env.AWS_RUNBOOK_SANDBOX_TOKEN;
  await sandbox?.stop();
});

/** An EC2 stub answering DescribeInstances with one instance at `address`. */
function awsAnswering(address: string): AwsClients {
  const ec2 = {
    send: async () => ({
      Reservations: [{ Instances: [{ InstanceId: 'i-0bastion', PublicIpAddress: address, PrivateIpAddress: address, State: { Name: 'running' } }] }],
    }),
  };
  return { ec2, endpoint: 'http://127.0.0.1:9' } as unknown as AwsClients;
}

function fleet(policy: AddressPolicy, outputs: Record<string, Record<string, string>>) {
  const config = configSchema.parse({ suffix: 'Fleet', access: { adminCidr: '203.0.113.7/32', publicKeyPath: `${keyPath}.pub`, privateKeyPath: keyPath } });
  return new Fleet({ config, aws: awsAnswering(BASTION_ADDRESS), outputsOf: (id) => outputs[id], policy });
}

const recorded = {
  'compute.gitlab': { instanceId: 'i-0bastion' },
  'hosts.host-key.gitlab': { instanceId: 'i-0bastion', fingerprints: 'ED25519=SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
};

describe('where the Fleet may connect', () => {
  it('an emulator without a lab map: no host is reachable, and an address it answered is refused before any connection', async () => {
    const policy = await addressPolicyFor(sandbox.endpoint);
    expect(policy.reachable).toBe(false);
    const error = await fleet(policy, recorded).connect('gitlab').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreachableAddressError);
    expect(String((error as Error).message)).toMatch(/refusing to connect to 127\.0\.0\.1.*an emulator without a lab/);
  });

  it('plain moto (no gateway): same, the lab address list is simply absent', async () => {
    const policy = await addressPolicyFor(sandbox.motoEndpoint);
    expect(policy.reachable).toBe(false);
    expect(policy.allows(BASTION_ADDRESS)).toBe(false);
  });

  it("an emulator with a lab map: only the lab's addresses are allowed", async () => {
    sandbox.gateway.setLab({ instances: { 'compute.gitlab': { privateIp: '10.3.1.10', publicIp: '198.51.100.10' } }, rds: { address: '10.1.2.10', port: 3306 } });
    try {
      // Without the gateway's control token it lists nothing, and the policy says why.
      delete process.env.AWS_RUNBOOK_SANDBOX_TOKEN;
      const refused = await addressPolicyFor(sandbox.endpoint);
      expect(refused.reachable).toBe(false);
      expect(refused.notice).toMatch(/did not list its lab's hosts: it needs the control token `aws-runbook sandbox serve` printed: export AWS_RUNBOOK_SANDBOX_TOKEN=<token>/);
      process.env.AWS_RUNBOOK_SANDBOX_TOKEN = 'not-the-token';
      expect((await addressPolicyFor(sandbox.endpoint)).reachable).toBe(false);

      process.env.AWS_RUNBOOK_SANDBOX_TOKEN = sandbox.controlToken;
      const policy = await addressPolicyFor(sandbox.endpoint);
      expect(policy.reachable).toBe(true);
      expect(policy.notice).toBeUndefined();
      expect(['10.3.1.10', '198.51.100.10', '10.1.2.10'].every((a) => policy.allows(a))).toBe(true);
      expect(policy.allows('54.12.3.4')).toBe(false);
      expect(policy.allows(BASTION_ADDRESS)).toBe(false);
    } finally {
      process.env.AWS_RUNBOOK_SANDBOX_TOKEN = sandbox.controlToken;
      sandbox.gateway.setLab(undefined);
    }
  });

  it('an allowed address goes on to connect (here: nothing listens on loopback port 22, so the connect itself fails)', async () => {
    const allowLoopback: AddressPolicy = { allows: (a) => a === BASTION_ADDRESS, where: 'a test', reachable: true };
    const error = await fleet(allowLoopback, recorded).connect('gitlab').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(UnreachableAddressError);
    expect(error).toBeInstanceOf(Error);
  });

  it('a host whose instance or host keys are not recorded yet is not reachable, and says which step is missing', async () => {
    const allowAll: AddressPolicy = { allows: () => true, where: 'a test', reachable: true };
    const noKeys = await fleet(allowAll, { 'compute.gitlab': { instanceId: 'i-0bastion' } }).connect('gitlab').catch((e: unknown) => e);
    expect(noKeys).toBeInstanceOf(HostNotReadyError);
    expect(String((noKeys as Error).message)).toContain('hosts.host-key.gitlab');
    const noBastion = await fleet(allowAll, {}).connect('ia').catch((e: unknown) => e);
    expect(noBastion).toBeInstanceOf(HostNotReadyError);
    expect(String((noBastion as Error).message)).toContain('gitlab'); // a private host needs the bastion first
  });
});
