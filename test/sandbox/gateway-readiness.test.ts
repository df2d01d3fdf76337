import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AcceptVpcPeeringConnectionCommand,
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcPeeringConnectionCommand,
  DescribeInstancesCommand,
  DescribeNatGatewaysCommand,
  DescribeVpcPeeringConnectionsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateDBInstanceCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { Gateway, READY_AFTER_MS } from '../../src/sandbox/gateway.js';
import type { MotoServer } from '../../src/sandbox/moto.js';
import { workerMoto } from '../helpers/worker-moto.js';
import { clientsFor, fakeAuthorization } from './clients.js';

let moto: MotoServer;
let gateway: Gateway;
let aws: ReturnType<typeof clientsFor>;
let subnetId: string;
/** No per-call API delay for instance calls, so large scales only stretch the readiness times. */
const NO_CALL_DELAY = { RunInstances: 0, Instances: 0 };

beforeAll(async () => {
  moto = await workerMoto();
  gateway = await Gateway.start({ target: moto.endpoint });
  aws = clientsFor(gateway.endpoint);
  const vpc = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }));
  const subnet = await aws.ec2.send(new CreateSubnetCommand({ VpcId: vpc.Vpc!.VpcId!, CidrBlock: '10.50.1.0/24' }));
  subnetId = subnet.Subnet!.SubnetId!;
});

afterAll(async () => {
  await gateway?.stop();
  await moto?.stop();
});

beforeEach(() => {
  gateway.setLatency({ scale: 0 });
  gateway.resetLog();
});

const launch = async () => {
  const answer = await aws.ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SubnetId: subnetId }));
  return { id: answer.Instances![0]!.InstanceId!, state: answer.Instances![0]!.State?.Name };
};
const instanceState = async (id: string) =>
  (await aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]?.State;

/** Polls `read` every 50 ms until it returns `wanted`; the ms it took. */
async function msUntil(read: () => Promise<string | undefined>, wanted: string, limitMs = 5000): Promise<number> {
  const started = performance.now();
  for (;;) {
    if ((await read()) === wanted) return performance.now() - started;
    if (performance.now() - started > limitMs) throw new Error(`not ${wanted} after ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('gateway: readiness model', () => {
  it('uses real-AWS orders of magnitude, in one table', () => {
    expect(READY_AFTER_MS).toEqual({ instance: 30_000, natGateway: 120_000, dbInstance: 900_000, vpcPeering: 5_000 });
  });

  it('at scale 0.01 a fresh instance is pending (code 0), then running after ~0.3 s', async () => {
    gateway.setLatency({ scale: 0.01 });
    const started = performance.now();
    const { id, state } = await launch();
    expect(state).toBe('pending');
    expect(await instanceState(id)).toEqual({ Code: 0, Name: 'pending' });
    await msUntil(async () => (await instanceState(id))?.Name, 'running');
    const readyAfter = performance.now() - started;
    expect(readyAfter).toBeGreaterThanOrEqual(290);
    expect(readyAfter).toBeLessThan(2000);
    expect(await instanceState(id)).toEqual({ Code: 16, Name: 'running' });
  });

  it('a NAT gateway is pending, then available', async () => {
    gateway.setLatency({ scale: 0.005 }); // 120 s × 0.005 = 0.6 s
    const { AllocationId } = await aws.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const started = performance.now();
    const created = await aws.ec2.send(new CreateNatGatewayCommand({ SubnetId: subnetId, AllocationId }));
    const natId = created.NatGateway!.NatGatewayId!;
    expect(created.NatGateway?.State).toBe('pending');
    const state = async () => (await aws.ec2.send(new DescribeNatGatewaysCommand({ NatGatewayIds: [natId] }))).NatGateways?.[0]?.State;
    expect(await state()).toBe('pending');
    await msUntil(state, 'available');
    expect(performance.now() - started).toBeGreaterThanOrEqual(590);
  });

  it('an RDS instance is creating, then available', async () => {
    gateway.setLatency({ scale: 0.001 }); // 900 s × 0.001 = 0.9 s
    const started = performance.now();
    const created = await aws.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'readiness-db',
        DBInstanceClass: 'db.t4g.micro',
        Engine: 'mariadb',
        EngineVersion: '10.11.9',
        MasterUsername: 'admin',
        MasterUserPassword: 'not-a-secret-1',
        AllocatedStorage: 20,
      }),
    );
    expect(created.DBInstance?.DBInstanceStatus).toBe('creating');
    const status = async () => (await aws.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'readiness-db' }))).DBInstances?.[0]?.DBInstanceStatus;
    expect(await status()).toBe('creating');
    await msUntil(status, 'available');
    expect(performance.now() - started).toBeGreaterThanOrEqual(890);
  });

  it('an accepted peering is provisioning, then active', async () => {
    gateway.setLatency({ scale: 0.05 }); // 5 s × 0.05 = 0.25 s
    const a = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.51.0.0/16' }));
    const b = await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.52.0.0/16' }));
    const requested = await aws.ec2.send(new CreateVpcPeeringConnectionCommand({ VpcId: a.Vpc!.VpcId!, PeerVpcId: b.Vpc!.VpcId! }));
    const peeringId = requested.VpcPeeringConnection!.VpcPeeringConnectionId!;
    const accepted = await aws.ec2.send(new AcceptVpcPeeringConnectionCommand({ VpcPeeringConnectionId: peeringId }));
    expect(accepted.VpcPeeringConnection?.Status).toEqual({ Code: 'provisioning', Message: 'Provisioning' });
    const code = async () =>
      (await aws.ec2.send(new DescribeVpcPeeringConnectionsCommand({ VpcPeeringConnectionIds: [peeringId] }))).VpcPeeringConnections?.find(
        (p) => p.VpcPeeringConnectionId === peeringId,
      )?.Status?.Code;
    expect(await code()).toBe('provisioning');
    await msUntil(code, 'active');
  });

  it('readyAfterMs overrides the table', async () => {
    gateway.setLatency({ scale: 1, perKindMs: NO_CALL_DELAY, readyAfterMs: { instance: 400 } });
    const { id } = await launch();
    expect((await instanceState(id))?.Name).toBe('pending');
    expect(await msUntil(async () => (await instanceState(id))?.Name, 'running')).toBeLessThan(2000);
  });

  it('scale 0: moto’s answers reach the client byte for byte; scale > 0 rewrites only the state', async () => {
    const { id } = await launch();
    const describeRaw = async () => {
      let fromMoto = '';
      const unsubscribe = gateway.onLanded({ action: 'DescribeInstances' }, (call) => {
        fromMoto = call.responseBody;
      });
      const response = await fetch(gateway.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: fakeAuthorization('ec2') },
        body: `Action=DescribeInstances&Version=2016-11-15&InstanceId.1=${id}`,
      });
      const received = await response.text();
      unsubscribe();
      return { fromMoto, received, length: response.headers.get('content-length') };
    };
    const untouched = await describeRaw();
    expect(untouched.fromMoto).toContain('<name>running</name>');
    expect(untouched.received).toBe(untouched.fromMoto);

    gateway.setLatency({ scale: 100, perKindMs: NO_CALL_DELAY }); // the instance is young again at this scale
    const rewritten = await describeRaw();
    expect(rewritten.fromMoto).toContain('<instanceState><code>16</code><name>running</name></instanceState>');
    expect(rewritten.received).toBe(rewritten.fromMoto.replace('<code>16</code><name>running</name>', '<code>0</code><name>pending</name>'));
    expect(Number(rewritten.length)).toBe(Buffer.byteLength(rewritten.received));
  });

  it('forgetResources() drops the creation times (a moto reset through the gateway does it too)', async () => {
    gateway.setLatency({ scale: 100, perKindMs: NO_CALL_DELAY });
    const { id } = await launch();
    expect((await instanceState(id))?.Name).toBe('pending');
    gateway.forgetResources();
    expect((await instanceState(id))?.Name).toBe('running');
  });
});
