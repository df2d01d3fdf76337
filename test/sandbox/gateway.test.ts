import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateVpcCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateDBParameterGroupCommand, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Gateway } from '../../src/sandbox/gateway.js';
import type { MotoServer } from '../../src/sandbox/moto.js';
import { workerMoto } from '../helpers/worker-moto.js';
import { clientsFor, controlFetch, fakeAuthorization } from './clients.js';

let moto: MotoServer;
let gateway: Gateway;
let aws: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  moto = await workerMoto();
  gateway = await Gateway.start({ target: moto.endpoint });
  aws = clientsFor(gateway.endpoint);
});

afterAll(async () => {
  await gateway?.stop();
  await moto?.stop();
});

beforeEach(() => {
  gateway.resetLog();
  gateway.clearFaults();
  gateway.setLatency({ scale: 0 });
});

const summary = () => gateway.log.map(({ service, action, mutating, status }) => ({ service, action, mutating, status }));

describe('gateway: identifying calls made by the real SDK', () => {
  it('logs EC2, STS and RDS query calls with service, action and mutating', async () => {
    await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.10.0.0/16' }));
    await aws.ec2.send(new DescribeVpcsCommand({}));
    await aws.sts.send(new GetCallerIdentityCommand({}));
    await aws.rds.send(new DescribeDBInstancesCommand({}));
    await aws.rds.send(
      new CreateDBParameterGroupCommand({ DBParameterGroupName: 'pg-one', DBParameterGroupFamily: 'mariadb10.11', Description: 'test' }),
    );
    expect(summary()).toEqual([
      { service: 'ec2', action: 'CreateVpc', mutating: true, status: 200 },
      { service: 'ec2', action: 'DescribeVpcs', mutating: false, status: 200 },
      { service: 'sts', action: 'GetCallerIdentity', mutating: false, status: 200 },
      { service: 'rds', action: 'DescribeDBInstances', mutating: false, status: 200 },
      { service: 'rds', action: 'CreateDBParameterGroup', mutating: true, status: 200 },
    ]);
    expect(gateway.mutatingCount()).toBe(2);
    expect(gateway.mutatingCount({ service: 'ec2' })).toBe(1);
    expect(gateway.counts()).toEqual({
      total: 5,
      mutating: 2,
      byAction: { CreateVpc: 1, DescribeVpcs: 1, GetCallerIdentity: 1, DescribeDBInstances: 1, CreateDBParameterGroup: 1 },
    });
  });

  it('numbers entries with an increasing seq that survives resetLog, and counts since a seq', async () => {
    await aws.ec2.send(new DescribeVpcsCommand({}));
    const mark = gateway.log.at(-1)?.seq ?? 0;
    gateway.resetLog();
    await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.11.0.0/16' }));
    await aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.12.0.0/16' }));
    const seqs = gateway.log.map((entry) => entry.seq);
    expect(seqs).toEqual([mark + 1, mark + 2]);
    expect(gateway.mutatingCount({ since: mark + 1 })).toBe(1);
  });

  it('names S3 REST calls and carries a multi-MB multipart upload intact', async () => {
    const Bucket = 'gateway-multipart';
    const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1024 * 1024 + 17)];
    await aws.s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
    await aws.s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await aws.s3.send(new HeadBucketCommand({ Bucket }));
    const { UploadId } = await aws.s3.send(new CreateMultipartUploadCommand({ Bucket, Key: 'big/blob.bin' }));
    const etags: string[] = [];
    for (const [index, Body] of parts.entries()) {
      const { ETag } = await aws.s3.send(new UploadPartCommand({ Bucket, Key: 'big/blob.bin', UploadId, PartNumber: index + 1, Body }));
      etags.push(ETag ?? '');
    }
    await aws.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key: 'big/blob.bin',
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
      }),
    );
    await aws.s3.send(new PutObjectCommand({ Bucket, Key: 'small.txt', Body: 'hello' }));
    await aws.s3.send(new ListObjectsV2Command({ Bucket }));
    const object = await aws.s3.send(new GetObjectCommand({ Bucket, Key: 'big/blob.bin' }));
    const downloaded = Buffer.from(await object.Body!.transformToByteArray());

    const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
    expect(downloaded.length).toBe(parts[0]!.length + parts[1]!.length);
    expect(sha(downloaded)).toBe(sha(Buffer.concat(parts)));
    expect(summary().map(({ action, mutating }) => `${action}:${mutating}`)).toEqual([
      'CreateBucket:true',
      'PutBucketVersioning:true',
      'HeadBucket:false',
      'CreateMultipartUpload:true',
      'UploadPart:true',
      'UploadPart:true',
      'CompleteMultipartUpload:true',
      'PutObject:true',
      'ListObjectsV2:false',
      'GetObject:false',
    ]);
    expect(gateway.log.every((entry) => entry.service === 's3' && entry.status === 200)).toBe(true);
  });

  it('identifies JSON-protocol calls by X-Amz-Target and forwards them to moto', async () => {
    const response = await fetch(`${gateway.endpoint}/`, {
      method: 'POST',
      headers: {
        authorization: fakeAuthorization('secretsmanager'),
        'x-amz-target': 'secretsmanager.CreateSecret',
        'content-type': 'application/x-amz-json-1.1',
      },
      body: JSON.stringify({ Name: 'db-password', SecretString: 's3cret' }),
    });
    const created = (await response.json()) as { Name?: string };
    expect(response.status).toBe(200);
    expect(created.Name).toBe('db-password');
    expect(summary()).toEqual([{ service: 'secretsmanager', action: 'CreateSecret', mutating: true, status: 200 }]);
  });
});

describe('gateway: latency', () => {
  it('holds a call at least its modelled delay before forwarding', async () => {
    gateway.setLatency({ scale: 1.5, perKindMs: { Vpc: 120 } });
    const started = performance.now();
    await aws.ec2.send(new DescribeVpcsCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  });
});

describe('gateway: control API', () => {
  const control = (path: string, init?: RequestInit) => controlFetch(gateway, path, init);

  it('serves the log, takes faults and latency as JSON, resets the log, and is never forwarded or logged', async () => {
    await aws.ec2.send(new DescribeVpcsCommand({}));
    const logged = (await (await control('log')).json()) as { log: { action: string }[]; counts: { total: number } };
    expect(logged.log.map((entry) => entry.action)).toEqual(['DescribeVpcs']);
    expect(logged.counts.total).toBe(1);

    const added = await control('faults', { method: 'POST', body: JSON.stringify({ action: { regex: '^Describe' }, kind: 'throttle', times: 1 }) });
    expect(added.status).toBe(201);
    await expect(aws.ec2.send(new DescribeVpcsCommand({}))).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    expect(gateway.log.at(-1)?.faulted).toBe('throttle');

    await control('faults', { method: 'POST', body: JSON.stringify({ action: '*', kind: 'server-error' }) });
    expect((await control('faults', { method: 'DELETE' })).status).toBe(204);
    await expect(aws.ec2.send(new DescribeVpcsCommand({}))).resolves.toBeDefined();

    expect((await control('latency', { method: 'PUT', body: JSON.stringify({ scale: 1, perKindMs: { Vpc: 150 } }) })).status).toBe(204);
    const started = performance.now();
    await aws.ec2.send(new DescribeVpcsCommand({}));
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);

    expect((await control('reset-log', { method: 'POST' })).status).toBe(204);
    expect(gateway.log).toHaveLength(0);
  });

  it('answers 400 for a malformed rule and 404 for an unknown route', async () => {
    const bad = await control('faults', { method: 'POST', body: JSON.stringify({ action: 'CreateVpc', kind: 'meteor' }) });
    expect(bad.status).toBe(400);
    expect((await control('nope')).status).toBe(404);
    expect(gateway.log).toHaveLength(0);
  });
});
