import { describe, expect, it } from 'vitest';
import {
  AllocateAddressCommand,
  CreateInternetGatewayCommand,
  CreateVpcCommand,
  DescribeAvailabilityZonesCommand,
  DescribeVpcsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { CreateBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Gateway, type FaultKind, type FaultRule } from '../../src/sandbox/gateway.js';
import { clientsFor, fakeAuthorization, rejection, useGatewayOverMoto, vpcsWithCidr } from './clients.js';

const env = useGatewayOverMoto();

type Call = () => Promise<unknown>;
const calls: Record<string, Call> = {
  'ec2 DescribeVpcs': () => env.aws.ec2.send(new DescribeVpcsCommand({})),
  'ec2 CreateVpc': () => env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.200.0.0/16' })),
  'ec2 AllocateAddress': () => env.aws.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' })),
  'ec2 RunInstances': () => env.aws.ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 })),
  'ec2 CreateInternetGateway': () => env.aws.ec2.send(new CreateInternetGatewayCommand({})),
  'rds DescribeDBInstances': () => env.aws.rds.send(new DescribeDBInstancesCommand({})),
  'sts GetCallerIdentity': () => env.aws.sts.send(new GetCallerIdentityCommand({})),
  's3 ListBuckets': () => env.aws.s3.send(new ListBucketsCommand({})),
  's3 CreateBucket': () => env.aws.s3.send(new CreateBucketCommand({ Bucket: 'never-made', CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } })),
};

describe('gateway: faults answered like AWS, as the SDK classifies them', () => {
  it.each<[string, FaultKind, string, number]>([
    ['ec2 DescribeVpcs', 'throttle', 'RequestLimitExceeded', 503],
    ['ec2 DescribeVpcs', 'server-error', 'InternalError', 500],
    ['ec2 DescribeVpcs', 'permission-denied', 'UnauthorizedOperation', 403],
    ['ec2 CreateVpc', 'quota-exceeded', 'VpcLimitExceeded', 400],
    ['ec2 AllocateAddress', 'quota-exceeded', 'AddressLimitExceeded', 400],
    ['ec2 RunInstances', 'quota-exceeded', 'InstanceLimitExceeded', 400],
    ['ec2 CreateInternetGateway', 'quota-exceeded', 'ResourceLimitExceeded', 400],
    ['rds DescribeDBInstances', 'throttle', 'Throttling', 400],
    ['rds DescribeDBInstances', 'permission-denied', 'AccessDenied', 403],
    ['sts GetCallerIdentity', 'throttle', 'Throttling', 400],
    ['sts GetCallerIdentity', 'server-error', 'InternalError', 500],
    ['s3 ListBuckets', 'throttle', 'SlowDown', 503],
    ['s3 ListBuckets', 'server-error', 'InternalError', 500],
    ['s3 ListBuckets', 'permission-denied', 'AccessDenied', 403],
    ['s3 CreateBucket', 'quota-exceeded', 'TooManyBuckets', 400],
  ])('%s + %s → %s (HTTP %i), not forwarded', async (call, kind, errorName, status) => {
    const [service = '', action = ''] = call.split(' ');
    env.gateway.inject({ action, service, kind });
    const error = await rejection(calls[call]!());
    expect(error.name).toBe(errorName);
    expect(error.$metadata?.httpStatusCode).toBe(status);
    expect(env.gateway.log).toMatchObject([{ service, action, status, faulted: kind }]);
  });

  it('does not forward a faulted create: moto never sees it', async () => {
    env.gateway.inject({ action: 'CreateVpc', kind: 'quota-exceeded' });
    await rejection(env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.201.0.0/16' })));
    expect(await vpcsWithCidr(env.direct, '10.201.0.0/16')).toHaveLength(0);
  });

  it('answers a JSON-protocol throttle with __type ThrottlingException', async () => {
    env.gateway.inject({ action: 'ListSecrets', kind: 'throttle' });
    const response = await fetch(env.gateway.endpoint, {
      method: 'POST',
      headers: { authorization: fakeAuthorization('secretsmanager'), 'x-amz-target': 'secretsmanager.ListSecrets' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  });

  it('drop-response makes the change in moto but cuts the client off', async () => {
    env.gateway.inject({ action: 'CreateVpc', kind: 'drop-response', times: 1 });
    const error = await rejection(env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.77.0.0/16' })));
    expect(error.$metadata?.httpStatusCode).toBeUndefined(); // no HTTP answer at all
    expect(error.message).toMatch(/socket hang up|ECONNRESET/);
    expect(await vpcsWithCidr(env.direct, '10.77.0.0/16')).toHaveLength(1);
    expect(env.gateway.log).toMatchObject([{ action: 'CreateVpc', status: 200, faulted: 'drop-response', dropped: true }]);
  });

  it('lets the SDK retry a server error through to success, each attempt logged', async () => {
    env.gateway.inject({ action: 'DescribeAvailabilityZones', kind: 'server-error', times: 1 });
    const retrying = clientsFor(env.gateway.endpoint, 2);
    const zones = await retrying.ec2.send(new DescribeAvailabilityZonesCommand({}));
    expect(zones.AvailabilityZones?.length).toBeGreaterThan(0);
    expect(env.gateway.log.map((entry) => entry.status)).toEqual([500, 200]);
  });
});

describe('gateway: fault rules', () => {
  it('counts down times', async () => {
    env.gateway.inject({ action: 'DescribeVpcs', kind: 'throttle', times: 2 });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      outcomes.push(await env.aws.ec2.send(new DescribeVpcsCommand({})).then(() => 'ok', (error: Error) => error.name));
    }
    expect(outcomes).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', 'ok']);
  });

  it('faults the same share of calls in the same order for the same seed', async () => {
    const rules: FaultRule[] = [{ action: 'DescribeAvailabilityZones', kind: 'throttle', share: 0.5 }];
    const pattern = async (seed: number) => {
      const seeded = await Gateway.start({ target: env.moto.endpoint, faults: rules, seed });
      try {
        const ec2 = clientsFor(seeded.endpoint).ec2;
        let outcome = '';
        for (let i = 0; i < 16; i += 1) {
          outcome += await ec2.send(new DescribeAvailabilityZonesCommand({})).then(() => '.', () => 'T');
        }
        return outcome;
      } finally {
        await seeded.stop();
      }
    };
    const first = await pattern(1234);
    expect(await pattern(1234)).toBe(first);
    expect(first).toMatch(/T/);
    expect(first).toMatch(/\./);
  });
});
