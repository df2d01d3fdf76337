import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecurityGroupCommand,
  DescribeAddressesCommand,
  DescribeKeyPairsCommand,
  DescribeVolumesCommand,
  ModifyInstanceMetadataOptionsCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients, type AwsClients } from '../../src/aws/clients.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { tagValue } from '../../src/aws/tags.js';
import { createStepContext, deterministicClientToken } from '../../src/engine/context.js';
import type { Config } from '../../src/config/schema.js';
import type { Outputs, Step } from '../../src/engine/types.js';
import { SANDBOX_IMAGES } from '../../src/sandbox/ami-catalogue.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { computeSteps, COMPUTE_STEP_IDS, PublicKeyFileError, readOperatorPublicKey } from '../../src/tasks/compute.js';
import { describeInstances } from '../../src/tasks/compute/instance-describe.js';
import { ec2InstanceMonthly, publicIpv4Monthly } from '../../src/tasks/costs.js';
import { vpcNetworkSteps } from '../../src/tasks/network.js';
import { journalEc2Calls, MemoryHost, mutatingCalls, runSteps, testConfig, type JournalEntry } from '../helpers/moto.js';
import { workerSandbox } from '../helpers/worker-moto.js';
import { stepById } from '../helpers/step-by-id.js';

const keys = mkdtempSync(join(tmpdir(), 'compute-test-keys-'));
const keygen = (name: string) => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', join(keys, name)]);
  return join(keys, `${name}.pub`);
};
const operatorKey = keygen('operator');
const otherKey = keygen('other');
const NEWEST = SANDBOX_IMAGES[0]!;
const INSTANCES = {
  'compute.ecommerce': { name: 'VM-Ecommerce', type: 't3.small', subnet: 'network.mvp.subnet-public', sg: 'security.web', public: true },
  'compute.wordpress': { name: 'VM-WordPress', type: 't3.small', subnet: 'network.mvp.subnet-public', sg: 'security.web', public: true },
  'compute.gitlab': { name: 'VMCyber-Gitlab', type: 't3.large', subnet: 'network.cyber.subnet-public', sg: 'security.cyber', public: true },
  'compute.monitoring': { name: 'VMCyber-Monitoring', type: 't3.micro', subnet: 'network.cyber.subnet-private-1', sg: 'security.cyber', public: false },
  'compute.ia': { name: 'VMIA-Workstation', type: 't3.micro', subnet: 'network.ia.subnet-private-1', sg: 'security.ia', public: false },
} as const;
const INSTANCE_IDS = Object.keys(INSTANCES) as (keyof typeof INSTANCES)[];
/** The public hosts keep an Elastic IP each: allocated, then associated with their instance. */
const EIP_HOSTS = ['ecommerce', 'wordpress', 'gitlab'] as const;
const STEP_IDS = INSTANCE_IDS.flatMap((id) => (INSTANCES[id].public ? [id, `${id}.eip`, `${id}.eip-association`] : [id]));
const NEEDED = ['network.mvp.subnet-public', 'network.cyber.subnet-public', 'network.cyber.subnet-private-1', 'network.ia.subnet-private-1', 'security.web', 'security.cyber', 'security.ia'];

let sandbox: Sandbox;
let clients: AwsClients;
let journal: JournalEntry[];
let host: MemoryHost;
/** The network and stand-in security groups, built once: each test runs compute as its own project on top. */
let shared: Map<string, Outputs>;
let suffix: string;
let config: Config;
let testCount = 0;
const project = () => suffix.toLowerCase();
const ours = () => [{ Name: 'tag:aws-runbook:project', Values: [project()] }];
/** The seed's own names (BFHK), for previews. */
const seedConfig = () => testConfig({ access: { publicKeyPath: operatorKey } });

/** Stand-ins for the steps compute needs, found from the shared outputs (no AWS calls). */
const standIns: Step[] = NEEDED.map((id) => ({
  id,
  section: id.startsWith('security.') ? 'security' : 'network',
  title: `stand-in ${id}`,
  needs: [],
  find: async () => ({ kind: 'present' as const, outputs: shared.get(id) ?? {}, ours: true, differences: [], unfinished: [] }),
  preview: () => ({ summary: id, cli: [] }),
  apply: async () => shared.get(id) ?? {},
}));
const withPrerequisites = (steps: Step[]) => [...standIns, ...steps];

function newHost(forConfig: Config): MemoryHost {
  const made = new MemoryHost(forConfig, clients, journal);
  for (const id of NEEDED) made.outputs.set(id, shared.get(id) ?? {});
  return made;
}

beforeAll(async () => {
  sandbox = await workerSandbox();
  const base = new MemoryHost(testConfig(), createAwsClients({ region: 'us-east-2', endpoint: sandbox.endpoint }));
  const network = [...vpcNetworkSteps(base.config, 'mvp'), ...vpcNetworkSteps(base.config, 'ia'), ...vpcNetworkSteps(base.config, 'cyber')];
  expect((await runSteps(network, base)).conflict).toBeUndefined();
  // Stand-ins for the security section (written elsewhere): one group per VPC, with the output key it records.
  for (const [stepId, vpc] of [['security.web', 'mvp'], ['security.cyber', 'cyber'], ['security.ia', 'ia']] as const) {
    const group = await base.aws.ec2.send(new CreateSecurityGroupCommand({ GroupName: stepId, Description: 'stand-in', VpcId: base.outputsOf(`network.${vpc}.vpc`)?.vpcId }));
    base.outputs.set(stepId, { groupId: group.GroupId! });
  }
  shared = new Map(base.outputs);
  base.aws.destroy();
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(keys, { recursive: true, force: true });
});
beforeEach(() => {
  testCount += 1;
  suffix = `T${testCount}`;
  config = testConfig({ suffix, access: { publicKeyPath: operatorKey } });
  journal = [];
  clients = createAwsClients({ region: 'us-east-2', endpoint: sandbox.endpoint });
  journalEc2Calls(clients, journal);
  host = newHost(config);
  sandbox.gateway.clearFaults();
  sandbox.gateway.resetLog();
  sandbox.gateway.setLatency(undefined);
});
afterEach(() => clients.destroy());

function out(stepId: string, key: string): string {
  const value = host.outputsOf(stepId)?.[key];
  if (!value) throw new Error(`no ${key} for ${stepId}`);
  return value;
}
const ctxOf = (step: Step, on: MemoryHost = host) => createStepContext(on, step.id);
const liveOf = async (stepId: string): Promise<Instance[]> =>
  (await describeInstances(clients.ec2, [...ours(), { Name: 'tag:aws-runbook:step', Values: [stepId] }])).filter((i) => i.State?.Name !== 'terminated');

describe('computeSteps (shape)', () => {
  it('has the key pair, the image lookup and five instances with their needs', () => {
    const steps = computeSteps(config);
    expect(steps.map((s) => s.id)).toEqual(['compute.key-pair', 'compute.ami', ...STEP_IDS]);
    expect(new Set(steps.map((s) => s.section))).toEqual(new Set(['compute']));
    for (const id of INSTANCE_IDS) expect(stepById(steps, id).needs).toEqual(['compute.ami', 'compute.key-pair', INSTANCES[id].subnet, INSTANCES[id].sg]);
    expect(stepById(steps, 'compute.ami').destroy).toBeUndefined();
    for (const key of EIP_HOSTS) {
      expect(stepById(steps, `compute.${key}.eip`).needs).toEqual([]);
      expect(stepById(steps, `compute.${key}.eip-association`).needs).toEqual([`compute.${key}.eip`, `compute.${key}`]);
    }
  });
});

describe('compute against the sandbox', () => {
  it('imports the key and launches the five instances exactly as wanted', async () => {
    const report = await runSteps(withPrerequisites(computeSteps(config)), host);
    expect(report.conflict).toBeUndefined();

    const local = await readOperatorPublicKey(operatorKey);
    const [pair] = (await clients.ec2.send(new DescribeKeyPairsCommand({ KeyNames: [`KeyVM-${suffix}`] }))).KeyPairs ?? [];
    expect(host.outputsOf('compute.key-pair')).toEqual({ keyName: `KeyVM-${suffix}`, keyPairId: pair?.KeyPairId });
    expect(local.fingerprints).toContain(pair?.KeyFingerprint);
    expect(tagValue(pair?.Tags, 'aws-runbook:step')).toBe('compute.key-pair');
    expect(host.outputsOf('compute.ami')).toMatchObject({ imageId: NEWEST.imageId, name: NEWEST.name, creationDate: NEWEST.creationDate, rootDeviceName: '/dev/sda1' });

    for (const id of INSTANCE_IDS) {
      const want = INSTANCES[id];
      const [instance, ...extra] = await liveOf(id);
      expect(extra, id).toEqual([]);
      expect(instance, id).toMatchObject({
        InstanceType: want.type,
        SubnetId: out(want.subnet, 'subnetId'),
        KeyName: `KeyVM-${suffix}`,
        ImageId: NEWEST.imageId,
        State: { Name: 'running' },
        MetadataOptions: { HttpTokens: 'required', HttpEndpoint: 'enabled' },
      });
      expect(instance?.SecurityGroups?.map((g) => g.GroupId)).toEqual([out(want.sg, 'groupId')]);
      expect(tagValue(instance?.Tags, 'Name')).toBe(`${want.name}-${suffix}`);
      expect(tagValue(instance?.Tags, 'aws-runbook:project')).toBe(project());
      const volumes = (await clients.ec2.send(new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instance!.InstanceId!] }] }))).Volumes ?? [];
      expect(volumes.map((v) => [v.VolumeType, v.Encrypted, tagValue(v.Tags, 'Name')])).toEqual([['gp3', true, `${want.name}-${suffix}`]]);
      // A public host's address is its Elastic IP's (the association's output), not the one it launched with.
      expect(host.outputsOf(id)).toEqual({ instanceId: instance?.InstanceId, privateIp: instance?.PrivateIpAddress, availabilityZone: 'us-east-2a' });
      expect(Boolean(instance?.PublicIpAddress), `${id} public address`).toBe(want.public);
      if (!want.public) continue;
      const [address] = (await clients.ec2.send(new DescribeAddressesCommand({ AllocationIds: [out(`${id}.eip`, 'allocationId')] }))).Addresses ?? [];
      expect(address).toMatchObject({ Domain: 'vpc', InstanceId: instance?.InstanceId, PublicIp: instance?.PublicIpAddress });
      expect(tagValue(address?.Tags, 'Name')).toBe(`EIP-${want.name.replace(/^VM(Cyber)?-/, '')}-${suffix}`);
      expect(host.outputsOf(`${id}.eip-association`)).toEqual({ associationId: address?.AssociationId, publicIp: instance?.PublicIpAddress });
    }
    expect(mutatingCalls(journal).sort()).toEqual(['ImportKeyPair', ...Array(5).fill('RunInstances'), ...Array(3).fill('AllocateAddress'), ...Array(3).fill('AssociateAddress')].sort());
    const tokens = journal.flatMap((e) => (e.type === 'begin' && e.action === 'RunInstances' ? [e.clientToken] : []));
    expect(tokens).toEqual(INSTANCE_IDS.map((id) => deterministicClientToken(project(), id, 'launch')));
    expect(journal.filter((e) => e.type === 'call' && e.mutating && e.client !== 'ec2Once')).toEqual([]);
  });

  it('on a rerun every step is present, ours, complete, and nothing that changes anything is sent; the image lookup reads no image until an instance is to be launched', async () => {
    const steps = computeSteps(config);
    await runSteps(withPrerequisites(steps), host);
    journal.length = 0;
    const mark = sandbox.gateway.log.at(-1)?.seq ?? 0;
    for (const step of steps) {
      const found = await step.find(ctxOf(step));
      expect(found, step.id).toMatchObject({ kind: 'present', ours: true, differences: [], unfinished: [] });
      if (found.kind === 'present') expect(found.outputs, step.id).toEqual(host.outputsOf(step.id));
    }
    await runSteps(withPrerequisites(steps), host);
    expect(mutatingCalls(journal)).toEqual([]);
    expect(sandbox.gateway.mutatingCount({ since: mark })).toBe(0);

    // The image lookup, recorded done: no DescribeImages while every instance is there; the newest again once one is gone.
    const ami = stepById(steps, COMPUTE_STEP_IDS.ami);
    // The state file records an older image (Canonical published NEWEST since the launch).
    const older = SANDBOX_IMAGES.find((i) => i.name.endsWith('-amd64-server-20240423'))!;
    const recorded = { imageId: older.imageId, name: older.name, creationDate: older.creationDate, rootDeviceName: '/dev/sda1' };
    host.done.set(COMPUTE_STEP_IDS.ami, recorded);
    host.outputs.set(COMPUTE_STEP_IDS.ami, recorded);
    const imageReads = (since: number) => sandbox.gateway.log.filter((c) => c.seq > since && c.action === 'DescribeImages');

    let since = sandbox.gateway.log.at(-1)?.seq ?? 0;
    const kept = await ami.find(ctxOf(ami));
    expect(kept).toEqual({ kind: 'present', outputs: recorded, ours: true, differences: [], unfinished: [] });
    expect(imageReads(since)).toEqual([]);
    expect(ami.preview(ctxOf(ami), kept).summary).toBe(
      `Use ${older.imageId} (${older.name}, published ${older.creationDate}): the newest Ubuntu 24.04 LTS (noble) amd64 from Canonical (099720109477) in us-east-2 ` +
        'when the instances were launched (every one is there: the images are looked up again when one is to be launched)',
    );

    // Terminated by hand: its step will launch again, and on the newest image.
    await clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [out('compute.ia', 'instanceId')] }));
    since = sandbox.gateway.log.at(-1)?.seq ?? 0;
    const fresh = await ami.find(ctxOf(ami));
    expect(fresh).toMatchObject({ kind: 'present', outputs: { imageId: NEWEST.imageId } });
    expect(imageReads(since)).toHaveLength(1);
    expect(ami.preview(ctxOf(ami), fresh).summary).toMatch(/: the newest Ubuntu 24\.04 LTS \(noble\) amd64 from Canonical \(099720109477\) in us-east-2$/);
  });

  it('a lost RunInstances answer is refound by tags: one instance', async () => {
    const steps = computeSteps(config).filter((s) => ['compute.key-pair', 'compute.ami', 'compute.gitlab'].includes(s.id));
    sandbox.gateway.inject({ action: 'RunInstances', kind: 'drop-response', times: 1 });
    expect((await runSteps(withPrerequisites(steps), host)).conflict).toBeUndefined();
    expect(sandbox.gateway.log.filter((e) => e.action === 'RunInstances').map((e) => e.dropped ?? false)).toEqual([true]);
    const live = await liveOf('compute.gitlab');
    expect(live.map((i) => i.InstanceId)).toEqual([out('compute.gitlab', 'instanceId')]);
  });

  it('a lost answer the describes do not show yet is resent with the same ClientToken and answered with the same instance', async () => {
    let hidden = 0;
    clients.ec2.middlewareStack.add(
      (next, context) => async (args) => {
        // AWS's describes lag a fresh launch: the first look by tags sees nothing.
        if (context.commandName === 'DescribeInstancesCommand' && hidden === 0 && sandbox.gateway.log.some((e) => e.dropped)) {
          hidden += 1;
          return { output: { Reservations: [], $metadata: {} }, response: {} } as never;
        }
        return next(args);
      },
      { step: 'initialize', name: 'describeLag' },
    );
    const steps = computeSteps(config).filter((s) => ['compute.key-pair', 'compute.ami', 'compute.ia'].includes(s.id));
    sandbox.gateway.inject({ action: 'RunInstances', kind: 'drop-response', times: 1 });
    await runSteps(withPrerequisites(steps), host);
    expect(hidden).toBe(1);
    expect(sandbox.gateway.log.filter((e) => e.action === 'RunInstances').map((e) => (e.dropped ? 'dropped' : e.idempotentReplay ? 'replayed' : 'sent'))).toEqual([
      'dropped',
      'replayed',
    ]);
    expect((await liveOf('compute.ia')).map((i) => i.InstanceId)).toEqual([out('compute.ia', 'instanceId')]);
  });

  it('waits for a pending instance (the gateway’s readiness model): find says unfinished meanwhile', async () => {
    sandbox.gateway.setLatency({ scale: 1, perKindMs: { default: 0, RunInstances: 0, Instances: 0, KeyPair: 0 }, readyAfterMs: { instance: 1500 } });
    const steps = computeSteps(config).filter((s) => ['compute.key-pair', 'compute.ami', 'compute.monitoring'].includes(s.id));
    const monitoring = stepById(steps, 'compute.monitoring');
    const landed = sandbox.gateway.whenLanded({ action: 'RunInstances' });
    const started = performance.now();
    const running = runSteps(withPrerequisites(steps), host);
    await landed;
    const meanwhile = await monitoring.find(ctxOf(monitoring));
    expect(meanwhile).toMatchObject({ kind: 'present', ours: true, differences: [], unfinished: ['wait until it is running (it is pending)'] });
    expect((await running).conflict).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(1400);
    expect((await liveOf('compute.monitoring'))[0]?.State?.Name).toBe('running');
    expect(mutatingCalls(journal)).toEqual(['ImportKeyPair', 'RunInstances']);
  });

  it('finishes a stopped instance with IMDSv1 open: starts it and requires IMDSv2, nothing else', async () => {
    const steps = withPrerequisites(computeSteps(config));
    await runSteps(steps, host);
    const instanceId = out('compute.wordpress', 'instanceId');
    await clients.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
    await clients.ec2.send(new ModifyInstanceMetadataOptionsCommand({ InstanceId: instanceId, HttpTokens: 'optional' }));
    const step = stepById(steps, 'compute.wordpress');
    const found = await step.find(ctxOf(step));
    expect(found).toMatchObject({ kind: 'present', ours: true, differences: [], unfinished: ['start it (it is stopped)', expect.stringContaining('IMDSv2')] });
    expect(step.preview(ctxOf(step), found).cli).toEqual([
      `aws ec2 start-instances --instance-ids ${instanceId}`,
      `aws ec2 modify-instance-metadata-options --instance-id ${instanceId} --http-tokens required --http-endpoint enabled`,
      `aws ec2 wait instance-running --instance-ids ${instanceId}`,
    ]);
    journal.length = 0;
    await runSteps(steps, host);
    expect(mutatingCalls(journal)).toEqual(['StartInstances', 'ModifyInstanceMetadataOptions']);
    expect((await liveOf('compute.wordpress'))[0]).toMatchObject({ State: { Name: 'running' }, MetadataOptions: { HttpTokens: 'required' } });
  });

  it('names conflicts: another type and image on our instance; a hand-made instance with our Name', async () => {
    const steps = withPrerequisites(computeSteps(config));
    await runSteps(steps.filter((s) => !s.id.startsWith('compute.') || ['compute.key-pair', 'compute.ami'].includes(s.id)), host);
    const impostor = SANDBOX_IMAGES.find((i) => i.ownerId !== NEWEST.ownerId)!;
    const tags = createStepContext(host, 'compute.ecommerce').tags(`VM-Ecommerce-${suffix}`);
    await clients.ec2.send(
      new RunInstancesCommand({ ImageId: impostor.imageId, InstanceType: 't3.nano', MinCount: 1, MaxCount: 1, SubnetId: out('network.mvp.subnet-public', 'subnetId'), KeyName: `KeyVM-${suffix}`, SecurityGroupIds: [out('security.web', 'groupId')], TagSpecifications: [{ ResourceType: 'instance', Tags: tags }] }),
    );
    await clients.ec2.send(
      new RunInstancesCommand({ ImageId: NEWEST.imageId, MinCount: 1, MaxCount: 1, SubnetId: out('network.cyber.subnet-public', 'subnetId'), TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: `VMCyber-Gitlab-${suffix}` }] }] }),
    );
    // An older Ubuntu 24.04 image from Canonical is no conflict (a newer one was published since the launch).
    const older = SANDBOX_IMAGES[1]!;
    await clients.ec2.send(
      new RunInstancesCommand({ ImageId: older.imageId, InstanceType: 't3.small', MinCount: 1, MaxCount: 1, SubnetId: out('network.mvp.subnet-public', 'subnetId'), KeyName: `KeyVM-${suffix}`, SecurityGroupIds: [out('security.web', 'groupId')], MetadataOptions: { HttpTokens: 'required' }, TagSpecifications: [{ ResourceType: 'instance', Tags: createStepContext(host, 'compute.wordpress').tags(`VM-WordPress-${suffix}`) }] }),
    );
    const wordpress = stepById(steps, 'compute.wordpress');
    expect(await wordpress.find(ctxOf(wordpress))).toMatchObject({ kind: 'present', ours: true, differences: [], unfinished: [] });
    const ecommerce = stepById(steps, 'compute.ecommerce');
    const found = await ecommerce.find(ctxOf(ecommerce));
    expect(found.kind === 'present' && found.differences).toEqual([
      expect.stringMatching(/is a t3\.nano, wanted t3\.small/),
      expect.stringMatching(new RegExp(`runs image ${impostor.imageId} .*owner 111122223333.*wanted Ubuntu 24\\.04`)),
    ]);
    expect(ecommerce.preview(ctxOf(ecommerce), found).summary).toMatch(/^Conflict: /);
    const gitlab = stepById(steps, 'compute.gitlab');
    const hand = await gitlab.find(ctxOf(gitlab));
    expect(hand).toMatchObject({ kind: 'present', ours: false, differences: [expect.stringMatching(new RegExp(`named VMCyber-Gitlab-${suffix} .*tag is missing`))] });
    expect((await runSteps(steps, host)).conflict?.stepId).toBe('compute.ecommerce');
  });

  it('destroy terminates every instance and deletes the key pair; the next up launches with the next ClientTokens', async () => {
    const steps = computeSteps(config);
    await runSteps(withPrerequisites(steps), host);
    const first = INSTANCE_IDS.map((id) => out(id, 'instanceId'));
    for (const step of [...steps].reverse()) await step.destroy?.(ctxOf(step), host.outputsOf(step.id) ?? {});
    const left = await describeInstances(clients.ec2, ours());
    expect(left.map((i) => i.State?.Name)).toEqual(Array(5).fill('terminated'));
    expect(((await clients.ec2.send(new DescribeAddressesCommand({ Filters: ours() }))).Addresses ?? []).map((a) => a.AllocationId)).toEqual([]);
    await expect(clients.ec2.send(new DescribeKeyPairsCommand({ KeyNames: [`KeyVM-${suffix}`] }))).rejects.toMatchObject({ name: 'InvalidKeyPair.NotFound' });

    journal.length = 0;
    expect((await runSteps(withPrerequisites(steps), host)).conflict).toBeUndefined();
    for (const [n, id] of INSTANCE_IDS.entries()) {
      expect((await liveOf(id)).map((i) => i.InstanceId)).toEqual([out(id, 'instanceId')]);
      expect(out(id, 'instanceId')).not.toBe(first[n]);
    }
    const tokens = journal.flatMap((e) => (e.type === 'begin' && e.action === 'RunInstances' ? [e.clientToken] : []));
    expect(tokens.filter((t) => t === deterministicClientToken(project(), 'compute.ia', 'launch-2'))).toHaveLength(1);
    expect(sandbox.gateway.log.filter((e) => e.idempotencyError === 'IdempotentInstanceTerminated')).toHaveLength(5);
  });
});

describe('compute.key-pair', () => {
  it('a missing public key: preview and apply name the path and the fix (classified invalid); find still sees the pair, for teardown', async () => {
    const missing = join(keys, 'absent.pub');
    const broken = newHost(testConfig({ suffix, access: { publicKeyPath: missing } }));
    const [step] = computeSteps(broken.config);
    expect(await step!.find(ctxOf(step!, broken))).toEqual({ kind: 'absent' });
    const error = await step!.apply(ctxOf(step!, broken), { kind: 'absent' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublicKeyFileError);
    expect((error as Error).message).toContain(missing);
    expect((error as Error).message).toContain('ssh-keygen -t ed25519');
    expect(classifyAwsError(error).kind).toBe('invalid');
    const preview = step!.preview(ctxOf(step!, broken), { kind: 'absent' });
    expect(preview.summary).toContain(`Cannot import key pair KeyVM-${suffix}: ${missing}`);
    expect(preview.notes?.join('\n')).toMatch(/does not exist.*ssh-keygen/s);
    await expect(step!.apply(ctxOf(step!, broken), { kind: 'absent' })).rejects.toBeInstanceOf(PublicKeyFileError);
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('another local key than the imported one is a conflict naming both fingerprints; no local key at all still finds the pair', async () => {
    const [importStep] = computeSteps(config);
    await runSteps([importStep!], host);
    const keyless = newHost(testConfig({ suffix, access: { publicKeyPath: join(keys, 'gone.pub') } }));
    const [keylessStep] = computeSteps(keyless.config);
    expect(await keylessStep!.find(ctxOf(keylessStep!, keyless))).toMatchObject({ kind: 'present', ours: true, differences: [] });
    const rotated = newHost(testConfig({ suffix, access: { publicKeyPath: otherKey } }));
    const [step] = computeSteps(rotated.config);
    const found = await step!.find(ctxOf(step!, rotated));
    const other = await readOperatorPublicKey(otherKey);
    expect(found).toMatchObject({ kind: 'present', ours: true, differences: [expect.stringContaining(`not ${otherKey} (${other.awsFingerprint})`)] });
    expect((await runSteps([step!], rotated)).conflict?.stepId).toBe('compute.key-pair');
  });

  it('previews the import with the fingerprint and the seed note', () => {
    const [step] = computeSteps(seedConfig());
    const preview = step!.preview(ctxOf(step!, new MemoryHost(seedConfig(), clients)), { kind: 'absent' });
    expect(preview.summary).toMatch(/^Create key pair KeyVM-BFHK from .*operator\.pub \(ed25519, .+=\)$/);
    expect(preview.cli).toEqual([
      `aws ec2 import-key-pair --key-name KeyVM-BFHK --public-key-material fileb://${operatorKey} --tag-specifications 'ResourceType=key-pair,Tags=[{Key=Name,Value=KeyVM-BFHK},{Key=aws-runbook:project,Value=bfhk},{Key=aws-runbook:step,Value=compute.key-pair}]' --query KeyPairId --output text`,
    ]);
    expect(preview.notes?.join('\n')).toContain('KeyVM-BFHK.pem');
  });
});

describe('compute previews', () => {
  it('an instance: the exact run-instances line with placeholders, IMDSv2, gp3 encryption, both tag specs, the cost with its public IPv4', () => {
    const bare = new MemoryHost(seedConfig(), clients, journal);
    const step = stepById(computeSteps(seedConfig()), 'compute.ecommerce');
    const preview = step.preview(ctxOf(step, bare), { kind: 'absent' });
    const token = deterministicClientToken('bfhk', 'compute.ecommerce', 'launch');
    expect(preview.cli[0]).toBe(
      `ECOMMERCE_INSTANCE_ID=$(aws ec2 run-instances --image-id $UBUNTU_AMI_ID --instance-type t3.small --key-name $KEY_NAME --subnet-id $MVP_SUBNET_PUBLIC_ID ` +
        `--security-group-ids $WEB_SG_ID --count 1 --client-token ${token} --metadata-options HttpTokens=required,HttpEndpoint=enabled ` +
        `--block-device-mappings 'DeviceName=/dev/sda1,Ebs={VolumeType=gp3,Encrypted=true,DeleteOnTermination=true}' ` +
        `--tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=VM-Ecommerce-BFHK},{Key=aws-runbook:project,Value=bfhk},{Key=aws-runbook:step,Value=compute.ecommerce}]' ` +
        `'ResourceType=volume,Tags=[{Key=Name,Value=VM-Ecommerce-BFHK},{Key=aws-runbook:project,Value=bfhk},{Key=aws-runbook:step,Value=compute.ecommerce}]' ` +
        `--query 'Instances[0].InstanceId' --output text)`,
    );
    // The public address is priced once, on the Elastic IP step that replaces the auto-assigned one.
    expect(preview.monthlyCostUsd).toBe(ec2InstanceMonthly('us-east-2', 't3.small', 8));
    expect(preview.notes?.join('\n')).toMatch(/hard-coded AMIs.*priced on its Elastic IP step/s);
    const eip = stepById(computeSteps(seedConfig()), 'compute.ecommerce.eip');
    const eipPreview = eip.preview(ctxOf(eip, bare), { kind: 'absent' });
    expect(eipPreview.monthlyCostUsd).toBe(publicIpv4Monthly('us-east-2'));
    expect(eipPreview.cli[0]).toMatch(/^ECOMMERCE_EIP_ALLOCATION_ID=\$\(aws ec2 allocate-address --domain vpc --tag-specifications 'ResourceType=elastic-ip,Tags=\[\{Key=Name,Value=EIP-Ecommerce-BFHK\}/);
    const association = stepById(computeSteps(seedConfig()), 'compute.ecommerce.eip-association');
    expect(association.preview(ctxOf(association, bare), { kind: 'absent' }).cli).toEqual([
      'aws ec2 associate-address --allocation-id $ECOMMERCE_EIP_ALLOCATION_ID --instance-id $ECOMMERCE_INSTANCE_ID --no-allow-reassociation',
    ]);

    const monitoring = stepById(computeSteps(seedConfig()), 'compute.monitoring');
    expect(monitoring.preview(ctxOf(monitoring, bare), { kind: 'absent' }).monthlyCostUsd).toBe(ec2InstanceMonthly('us-east-2', 't3.micro', 8));
  });

  it('the image lookup: the newest Canonical image, the describe-images line, the seed’s hard-coded ids; none → a clear error naming the region', async () => {
    const step = stepById(computeSteps(config), COMPUTE_STEP_IDS.ami);
    const found = await step.find(ctxOf(step));
    const preview = step.preview(ctxOf(step), found);
    expect(preview.summary).toBe(`Use ${NEWEST.imageId} (${NEWEST.name}, published ${NEWEST.creationDate}): the newest Ubuntu 24.04 LTS (noble) amd64 from Canonical (099720109477) in us-east-2`);
    expect(preview.cli[0]).toContain("aws ec2 describe-images --owners 099720109477 --filters 'Name=name,Values=ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'");
    expect(preview.notes?.join(' ')).toMatch(/ami-004cab0cd49679909.*ami-0ecbf87a86cfa9a8f.*ami-06e3c045d79fd65d9/);
    expect(mutatingCalls(journal)).toEqual([]);

    const empty = { ...clients, region: 'eu-south-2', ec2: { send: async () => ({ Images: [] }) } } as unknown as AwsClients;
    const none = new MemoryHost(config, empty, []);
    expect(await step.find(ctxOf(step, none))).toEqual({ kind: 'absent' });
    await expect(step.apply(ctxOf(step, none), { kind: 'absent' })).rejects.toThrow(/No Ubuntu 24\.04 LTS .* in eu-south-2/);
  });
});
