import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  GetConsoleOutputCommand,
  ModifySubnetAttributeCommand,
  RunInstancesCommand,
  type Instance,
} from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { Gateway, type LabMap } from '../../src/sandbox/gateway.js';
import type { MotoServer } from '../../src/sandbox/moto.js';
import { workerMoto } from '../helpers/worker-moto.js';
import { clientsFor, controlFetch, fakeAuthorization } from './clients.js';

/**
 * Lab overrides through the real SDK: moto + the gateway on loopback; the mapped addresses are only
 * written into answers (nothing connects to them). Secrets Manager has no SDK client in this project,
 * so its calls are made on the wire (JSON protocol) with fetch.
 */

let moto: MotoServer;
let gateway: Gateway;
let aws: ReturnType<typeof clientsFor>;
let direct: ReturnType<typeof clientsFor>;
/** A subnet that maps public IPs on launch: moto invents a public address for every instance in it. */
let publicSubnetId: string;

const LAB: LabMap = {
  instances: {
    'compute.gitlab': { privateIp: '10.200.1.10', publicIp: '198.51.100.10', consoleOutput: 'ec2: -----BEGIN SSH HOST KEY FINGERPRINTS-----\nec2: 256 SHA256:lab-gitlab root@gitlab (ED25519)\n' },
    'compute.runner': { privateIp: '10.200.2.20' },
  },
  rds: { address: '10.200.3.30', port: 3307, masterUserSecret: '{"username":"admin","password":"lab-db-password"}' },
};

beforeAll(async () => {
  moto = await workerMoto();
  gateway = await Gateway.start({ target: moto.endpoint });
  aws = clientsFor(gateway.endpoint);
  direct = clientsFor(moto.endpoint);
  const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }));
  const subnet = await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.60.1.0/24' }));
  publicSubnetId = subnet.Subnet!.SubnetId!;
  await aws.ec2.send(new ModifySubnetAttributeCommand({ SubnetId: publicSubnetId, MapPublicIpOnLaunch: { Value: true } }));
});

afterAll(async () => {
  await gateway?.stop();
  await moto?.stop();
});

beforeEach(() => {
  gateway.setLab(undefined);
  gateway.setLatency({ scale: 0 });
});

const control = (method: string, body?: string) => controlFetch(gateway, 'lab', { method, ...(body === undefined ? {} : { body }) });

async function launch(client: ReturnType<typeof clientsFor>, step: string): Promise<Instance> {
  const answer = await client.ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: publicSubnetId,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws-runbook:step', Value: step }] }],
    }),
  );
  return answer.Instances![0]!;
}

async function describe1(client: ReturnType<typeof clientsFor>, id: string): Promise<Instance> {
  return (await client.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0]!.Instances![0]!;
}

const consoleText = async (id: string) => {
  const answer = await aws.ec2.send(new GetConsoleOutputCommand({ InstanceId: id }));
  return { text: Buffer.from(answer.Output ?? '', 'base64').toString('utf8'), timestamp: answer.Timestamp };
};

/** Secrets Manager on the wire (JSON 1.1 protocol), as the SDK would send it. */
async function secretsCall(action: string, payload: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(gateway.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `secretsmanager.${action}`, authorization: fakeAuthorization('secretsmanager') },
    body: JSON.stringify(payload),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('gateway lab overrides: instances', () => {
  it('DescribeInstances shows the mapped hosts’ addresses; unmapped instances keep moto’s', async () => {
    const gitlab = await launch(aws, 'compute.gitlab');
    const runner = await launch(aws, 'compute.runner');
    const other = await launch(aws, 'compute.other');
    expect(runner.PublicIpAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/); // moto invents one in this subnet

    expect((await control('POST', JSON.stringify(LAB))).status).toBe(204);
    const shownGitlab = await describe1(aws, gitlab.InstanceId!);
    expect(shownGitlab).toMatchObject({ PrivateIpAddress: '10.200.1.10', PublicIpAddress: '198.51.100.10', PrivateDnsName: 'ip-10-200-1-10.us-east-2.compute.internal' });
    expect(shownGitlab.NetworkInterfaces?.[0]).toMatchObject({ PrivateIpAddress: '10.200.1.10', Association: { PublicIp: '198.51.100.10' } });

    const shownRunner = await describe1(aws, runner.InstanceId!);
    expect(shownRunner.PrivateIpAddress).toBe('10.200.2.20');
    expect(shownRunner.PublicIpAddress).toBeUndefined(); // the lab host has none: moto's invention is not shown
    expect(shownRunner.NetworkInterfaces?.[0]?.Association?.PublicIp).toBeUndefined();

    const motoOther = await describe1(direct, other.InstanceId!);
    expect(await describe1(aws, other.InstanceId!)).toEqual(motoOther);
    expect(motoOther.PrivateIpAddress).toMatch(/^10\.60\.1\./);
    // moto itself is unchanged: the gateway only rewrites answers
    expect((await describe1(direct, gitlab.InstanceId!)).PrivateIpAddress).toMatch(/^10\.60\.1\./);
  });

  it('RunInstances answers carry the mapped addresses too', async () => {
    gateway.setLab(LAB);
    const gitlab = await launch(aws, 'compute.gitlab');
    expect(gitlab).toMatchObject({ PrivateIpAddress: '10.200.1.10', PublicIpAddress: '198.51.100.10' });
  });

  it('GetConsoleOutput decodes to the mapped text, stamped now; unmapped instances get moto’s', async () => {
    const gitlab = await launch(aws, 'compute.gitlab');
    const other = await launch(aws, 'compute.other');
    gateway.setLab(LAB);
    const before = Date.now() - 1000;
    const shown = await consoleText(gitlab.InstanceId!);
    expect(shown.text).toBe(LAB.instances['compute.gitlab']!.consoleOutput);
    expect(shown.timestamp!.getTime()).toBeGreaterThanOrEqual(before);
    expect((await consoleText(other.InstanceId!)).text).toMatch(/^Linux version/);
  });

  it('learns an instance it never saw by asking moto, without a logged call', async () => {
    const gitlab = await launch(direct, 'compute.gitlab'); // straight to moto: the gateway did not see it
    gateway.setLab(LAB);
    gateway.resetLog();
    expect((await consoleText(gitlab.InstanceId!)).text).toContain('SHA256:lab-gitlab');
    expect(gateway.log.map((entry) => entry.action)).toEqual(['GetConsoleOutput']);
  });

  it('DELETE clears the map: moto’s addresses and console output again', async () => {
    const gitlab = await launch(aws, 'compute.gitlab');
    gateway.setLab(LAB);
    expect((await describe1(aws, gitlab.InstanceId!)).PrivateIpAddress).toBe('10.200.1.10');
    expect((await control('DELETE')).status).toBe(204);
    expect(await describe1(aws, gitlab.InstanceId!)).toEqual(await describe1(direct, gitlab.InstanceId!));
    expect((await consoleText(gitlab.InstanceId!)).text).toMatch(/^Linux version/);
  });

  it('composes with the readiness model: pending then running, mapped all along', async () => {
    gateway.setLab(LAB);
    gateway.setLatency({ scale: 1, perKindMs: { RunInstances: 0, Instances: 0 }, readyAfterMs: { instance: 400 } });
    const gitlab = await launch(aws, 'compute.gitlab');
    expect(gitlab).toMatchObject({ State: { Name: 'pending' }, PrivateIpAddress: '10.200.1.10', PublicIpAddress: '198.51.100.10' });
    const pending = await describe1(aws, gitlab.InstanceId!);
    expect(pending).toMatchObject({ State: { Code: 0, Name: 'pending' }, PrivateIpAddress: '10.200.1.10' });
    let shown = pending;
    for (let tries = 0; shown.State?.Name !== 'running' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      shown = await describe1(aws, gitlab.InstanceId!);
    }
    expect(shown).toMatchObject({ State: { Code: 16, Name: 'running' }, PrivateIpAddress: '10.200.1.10', PublicIpAddress: '198.51.100.10' });
  });
});

describe('gateway lab overrides: RDS and secrets', () => {
  let secretArn: string;

  beforeAll(async () => {
    const created = await aws.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'lab-db',
        DBInstanceClass: 'db.t4g.micro',
        Engine: 'mariadb',
        EngineVersion: '10.11.9', // moto needs it explicit
        MasterUsername: 'admin',
        ManageMasterUserPassword: true,
        AllocatedStorage: 20,
      }),
    );
    secretArn = created.DBInstance!.MasterUserSecret!.SecretArn!;
  });

  it('DescribeDBInstances shows the lab database’s endpoint; moto keeps its own', async () => {
    const endpoint = async (client: ReturnType<typeof clientsFor>) =>
      (await client.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'lab-db' }))).DBInstances![0]!.Endpoint;
    expect((await endpoint(aws))?.Address).toMatch(/rds\.amazonaws\.com$/);
    gateway.setLab(LAB);
    expect(await endpoint(aws)).toMatchObject({ Address: '10.200.3.30', Port: 3307 });
    expect((await endpoint(direct))?.Address).toMatch(/rds\.amazonaws\.com$/);
  });

  it('the RDS-managed master secret (moto made it) reads as the lab database’s credentials', async () => {
    const fromMoto = await secretsCall('GetSecretValue', { SecretId: secretArn });
    expect(fromMoto.status).toBe(200);
    expect(JSON.parse(String(fromMoto.body.SecretString))).toHaveProperty('username', 'admin');
    gateway.setLab(LAB);
    const fromLab = await secretsCall('GetSecretValue', { SecretId: secretArn });
    expect(fromLab.body).toMatchObject({ ARN: secretArn, SecretString: LAB.rds!.masterUserSecret });
  });

  it('a secret mapped by name answers the lab’s value whether asked by name or ARN; a missing one is still not found', async () => {
    const made = await secretsCall('CreateSecret', { Name: 'lab/app-token', SecretString: 'from-moto' });
    expect(made.status).toBe(200);
    gateway.setLab({ instances: {}, secrets: { 'lab/app-token': 'from-the-lab', 'lab/never-made': 'x' } });
    expect((await secretsCall('GetSecretValue', { SecretId: 'lab/app-token' })).body.SecretString).toBe('from-the-lab');
    expect((await secretsCall('GetSecretValue', { SecretId: made.body.ARN })).body.SecretString).toBe('from-the-lab');
    const missing = await secretsCall('GetSecretValue', { SecretId: 'lab/never-made' });
    expect(missing.status).toBe(404);
    expect(missing.body.__type).toBe('ResourceNotFoundException');
  });
});

describe('gateway lab overrides: control API', () => {
  it('a bad map is refused with 400 and says what is wrong and where; the previous map stays', async () => {
    gateway.setLab(LAB);
    const bad = await control('POST', JSON.stringify({ instances: { 'compute.gitlab': { privateIp: 'gitlab.lab.internal' } }, rds: { address: '10.0.0.1' } }));
    expect(bad.status).toBe(400);
    const { error, hint } = (await bad.json()) as { error: string; hint: string };
    expect(error).toContain('The lab map from POST /_sandbox/lab is not valid');
    expect(error).toContain('must be an IPv4 literal such as 10.0.1.10 (not a name)\n  → at instances["compute.gitlab"].privateIp');
    expect(error).toMatch(/→ at rds\.port/);
    expect(hint).toMatch(/"privateIp"/);
    const gitlab = await launch(aws, 'compute.gitlab');
    expect(gitlab.PrivateIpAddress).toBe('10.200.1.10');
  });

  it('broken JSON is refused without quoting the body', async () => {
    const bad = await control('POST', '{"secrets": {"db": "hunter2-secret"} "instances": {}}');
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).toMatch(/not valid JSON \(line 1, column 38\)/);
    expect(text).not.toContain('hunter2');
  });
});
