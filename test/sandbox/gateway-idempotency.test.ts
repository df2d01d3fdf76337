import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
  EC2Client,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { CANONICAL_OWNER_ID, SANDBOX_IMAGES } from '../../src/sandbox/ami-catalogue.js';
import { SANDBOX_CREDENTIALS, startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { clientsFor, rejection } from './clients.js';

let sandbox: Sandbox;
let aws: ReturnType<typeof clientsFor>;
let direct: ReturnType<typeof clientsFor>;
let subnetId: string;

const NOBLE_AMD64 = 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*';
const newest = SANDBOX_IMAGES[0]!;

beforeAll(async () => {
  sandbox = await startSandbox();
  aws = clientsFor(sandbox.endpoint);
  direct = clientsFor(sandbox.motoEndpoint);
});

afterAll(async () => {
  await sandbox?.stop();
});

beforeEach(async () => {
  await fetch(`${sandbox.endpoint}/moto-api/reset`, { method: 'POST' }); // through the gateway: it forgets too
  sandbox.gateway.resetLog();
  sandbox.gateway.clearFaults();
  const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }));
  const subnet = await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.40.1.0/24', AvailabilityZone: 'us-east-2a' }));
  subnetId = subnet.Subnet!.SubnetId!;
  sandbox.gateway.resetLog();
});

const launch = (ec2: EC2Client, token: string, extra: Partial<RunInstancesCommandInput> = {}) =>
  ec2.send(new RunInstancesCommand({ ImageId: newest.imageId, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnetId, ClientToken: token, ...extra }));

async function instancesInMoto(): Promise<string[]> {
  const answer = await direct.ec2.send(new DescribeInstancesCommand({}));
  return (answer.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? '');
}

describe('sandbox: seeded Ubuntu images', () => {
  it('the Ubuntu 24.04 amd64 lookup through the gateway finds Canonical images only, with their real dates; the newest wins', async () => {
    const answer = await aws.ec2.send(
      new DescribeImagesCommand({
        Owners: [CANONICAL_OWNER_ID],
        Filters: [
          { Name: 'name', Values: [NOBLE_AMD64] },
          { Name: 'state', Values: ['available'] },
          { Name: 'architecture', Values: ['x86_64'] },
        ],
      }),
    );
    const images = answer.Images ?? [];
    expect(images.map((i) => i.Name).sort()).toEqual([
      'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20240423',
      'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115',
    ]);
    expect(images.every((i) => i.OwnerId === CANONICAL_OWNER_ID && i.Architecture === 'x86_64')).toBe(true);
    const [first] = [...images].sort((a, b) => (b.CreationDate ?? '').localeCompare(a.CreationDate ?? ''));
    expect(first).toMatchObject({ ImageId: newest.imageId, CreationDate: '2025-01-15T09:12:43.000Z', RootDeviceName: '/dev/sda1' });

    // moto alone stamps its load time on every catalogue image: the gateway supplies the real dates.
    const raw = await direct.ec2.send(new DescribeImagesCommand({ ImageIds: [newest.imageId] }));
    expect(raw.Images?.[0]?.CreationDate).not.toBe('2025-01-15T09:12:43.000Z');
  });

  it('keeps the catalogue in a temporary file that stop() removes', async () => {
    const own = await startSandbox();
    expect(existsSync(own.amiCataloguePath)).toBe(true);
    await own.stop();
    expect(existsSync(own.amiCataloguePath)).toBe(false);
  });
});

describe('gateway: ClientToken idempotency', () => {
  it('RunInstances twice with one token: one instance in moto, the same answer, the repeat not forwarded', async () => {
    const first = await launch(aws.ec2, 'token-one');
    const second = await launch(aws.ec2, 'token-one');
    const id = first.Instances?.[0]?.InstanceId;
    expect(id).toMatch(/^i-/);
    expect(second.Instances?.[0]?.InstanceId).toBe(id);
    expect(second.ReservationId).toBe(first.ReservationId);
    expect(await instancesInMoto()).toEqual([id]);
    expect(sandbox.gateway.log.map((e) => [e.action, e.idempotentReplay ?? false])).toEqual([
      ['RunInstances', false],
      ['RunInstances', true],
    ]);
    expect(sandbox.gateway.mutatingCount()).toBe(2);
    expect(sandbox.gateway.mutatingCount({ forwardedOnly: true })).toBe(1);
  });

  it('the same token with other parameters is IdempotentParameterMismatch, and nothing is made', async () => {
    await launch(aws.ec2, 'token-two');
    const error = await rejection(launch(aws.ec2, 'token-two', { InstanceType: 't3.large' }));
    expect(error.name).toBe('IdempotentParameterMismatch');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(await instancesInMoto()).toHaveLength(1);
    expect(sandbox.gateway.log.at(-1)).toMatchObject({ action: 'RunInstances', status: 400, idempotencyError: 'IdempotentParameterMismatch' });
  });

  it('a token whose instance was terminated is IdempotentInstanceTerminated; other tokens, regions and callers launch anew', async () => {
    const first = await launch(aws.ec2, 'token-three');
    await aws.ec2.send(new TerminateInstancesCommand({ InstanceIds: [first.Instances![0]!.InstanceId!] }));
    const error = await rejection(launch(aws.ec2, 'token-three'));
    expect(error.name).toBe('IdempotentInstanceTerminated');

    const other = await launch(aws.ec2, 'token-three-b');
    expect(other.Instances?.[0]?.InstanceId).not.toBe(first.Instances?.[0]?.InstanceId);
    const anotherCaller = new EC2Client({ endpoint: sandbox.endpoint, region: 'us-east-2', credentials: { ...SANDBOX_CREDENTIALS, accessKeyId: 'AKIDOTHERCALLER' }, maxAttempts: 1 });
    const theirs = await launch(anotherCaller, 'token-three-b');
    expect(theirs.Instances?.[0]?.InstanceId).not.toBe(other.Instances?.[0]?.InstanceId);
    // A token is per region too: the same one in us-west-2 launches there (no mismatch with us-east-2's call).
    const west = new EC2Client({ endpoint: sandbox.endpoint, region: 'us-west-2', credentials: SANDBOX_CREDENTIALS, maxAttempts: 1 });
    const inWest = await west.send(new RunInstancesCommand({ ImageId: newest.imageId, MinCount: 1, MaxCount: 1, ClientToken: 'token-three-b' }));
    expect(inWest.Instances?.[0]?.Placement?.AvailabilityZone).toMatch(/^us-west-2/);
  });

  it('two concurrent calls with one token make one instance', async () => {
    const [a, b] = await Promise.all([launch(aws.ec2, 'token-four'), launch(aws.ec2, 'token-four')]);
    expect(a.Instances?.[0]?.InstanceId).toBe(b.Instances?.[0]?.InstanceId);
    expect(await instancesInMoto()).toHaveLength(1);
  });

  it('a dropped answer retried with the same token gets the first answer: still one instance', async () => {
    sandbox.gateway.inject({ action: 'RunInstances', kind: 'drop-response', times: 1 });
    const lost = await rejection(launch(aws.ec2, 'token-five'));
    expect(lost.$metadata?.httpStatusCode).toBeUndefined();
    const retried = await launch(aws.ec2, 'token-five');
    expect(await instancesInMoto()).toEqual([retried.Instances?.[0]?.InstanceId]);
    expect(sandbox.gateway.log.map((e) => e.dropped ?? e.idempotentReplay ?? false)).toEqual([true, true]);
  });

  it('CreateNatGateway twice with one token makes one NAT gateway', async () => {
    const { AllocationId } = await aws.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const create = () => aws.ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId, ClientToken: 'nat-token' }));
    const first = await create();
    const second = await create();
    expect(second.NatGateway?.NatGatewayId).toBe(first.NatGateway?.NatGatewayId);
    const nats = await direct.ec2.send(new DescribeNatGatewaysCommand({}));
    expect(nats.NatGateways?.map((n) => n.NatGatewayId)).toEqual([first.NatGateway?.NatGatewayId]);
  });

  it('a moto reset through the gateway forgets the tokens with the instances', async () => {
    const before = await launch(aws.ec2, 'token-six');
    await fetch(`${sandbox.endpoint}/moto-api/reset`, { method: 'POST' });
    const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.41.0.0/16' }));
    subnetId = (await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.41.1.0/24' }))).Subnet!.SubnetId!;
    const after = await launch(aws.ec2, 'token-six'); // other SubnetId: a mismatch if the token were still known
    expect(after.Instances?.[0]?.InstanceId).not.toBe(before.Instances?.[0]?.InstanceId);
    expect(await instancesInMoto()).toEqual([after.Instances?.[0]?.InstanceId]);
  });

  it('a call without a token is never replayed', async () => {
    const run = () => aws.ec2.send(new RunInstancesCommand({ ImageId: newest.imageId, MinCount: 1, MaxCount: 1, SubnetId: subnetId }));
    await run();
    await run();
    expect(await instancesInMoto()).toHaveLength(2);
    expect(sandbox.gateway.log.some((e) => e.idempotentReplay)).toBe(false);
  });
});
