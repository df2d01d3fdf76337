import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { CreateVpcCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import type { LandedCall } from '../../src/sandbox/gateway.js';
import { fakeAuthorization, rejection, useGatewayOverMoto, vpcsWithCidr } from './clients.js';

const env = useGatewayOverMoto();

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('gateway: onLanded / whenLanded', () => {
  it('holds the answer until the handler settles; the change is already in moto meanwhile', async () => {
    const release = gate();
    const landed = gate();
    let seen: LandedCall | undefined;
    const unsubscribe = env.gateway.onLanded({ action: 'CreateVpc', service: 'ec2' }, async (call) => {
      seen = call;
      landed.open();
      await release.opened;
    });
    let clientSettled = false;
    const creating = env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.90.0.0/16' })).finally(() => (clientSettled = true));

    await landed.opened;
    expect(await vpcsWithCidr(env.direct, '10.90.0.0/16')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(clientSettled).toBe(false);

    release.open();
    const created = await creating;
    unsubscribe();
    const answered = new XMLParser().parse(seen!.responseBody) as { CreateVpcResponse: { vpc: { vpcId: string } } };
    expect(answered.CreateVpcResponse.vpc.vpcId).toBe(created.Vpc?.VpcId);
    expect(new URLSearchParams(seen!.requestBody).get('CidrBlock')).toBe('10.90.0.0/16');
    expect(seen!.entry).toMatchObject({ action: 'CreateVpc', mutating: true, status: 200 });
  });

  it('whenLanded with nth resolves on exactly that call', async () => {
    const second = env.gateway.whenLanded({ action: /^Describe/, nth: 2 });
    let calls = 0;
    const unsubscribe = env.gateway.onLanded({ action: 'DescribeVpcs', nth: 2 }, () => {
      calls += 1;
    });
    for (let i = 0; i < 3; i += 1) await env.aws.ec2.send(new DescribeVpcsCommand({}));
    unsubscribe();
    const call = await second;
    expect(call.entry.seq).toBe(env.gateway.log[1]?.seq);
    expect(calls).toBe(1);
  });

  it('stops calling a handler once unsubscribed', async () => {
    let calls = 0;
    const unsubscribe = env.gateway.onLanded({ action: 'DescribeVpcs' }, () => {
      calls += 1;
    });
    await env.aws.ec2.send(new DescribeVpcsCommand({}));
    unsubscribe();
    await env.aws.ec2.send(new DescribeVpcsCommand({}));
    expect(calls).toBe(1);
  });

  it('reports a dropped answer as landed, then cuts the client', async () => {
    env.gateway.inject({ action: 'CreateVpc', kind: 'drop-response', times: 1 });
    const landed = env.gateway.whenLanded({ action: 'CreateVpc' });
    await rejection(env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.91.0.0/16' })));
    expect((await landed).entry).toMatchObject({ status: 200, dropped: true });
  });

  it('drops a held answer quietly when the client has gone, and keeps serving', async () => {
    const release = gate();
    const landed = gate();
    const unsubscribe = env.gateway.onLanded({ action: 'CreateVpc' }, async () => {
      landed.open();
      await release.opened;
    });
    const abort = new AbortController();
    const creating = env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.92.0.0/16' }), { abortSignal: abort.signal });
    await landed.opened;
    abort.abort();
    expect((await rejection(creating)).name).toBe('AbortError');
    release.open();
    unsubscribe();
    await expect(env.aws.ec2.send(new DescribeVpcsCommand({}))).resolves.toBeDefined();
    expect(await vpcsWithCidr(env.direct, '10.92.0.0/16')).toHaveLength(1);
  });
});

describe('gateway: streaming', () => {
  it('passes a chunked upload sent after `Expect: 100-continue`', async () => {
    const Bucket = 'gateway-chunked';
    await env.aws.s3.send(new CreateBucketCommand({ Bucket, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
    const chunks = [Buffer.alloc(300_000, 1), Buffer.from([0, 255, 13, 10, 0]), Buffer.alloc(200_000, 2)];
    const { port } = new URL(env.gateway.endpoint);
    const { status, gotContinue } = await new Promise<{ status: number; gotContinue: boolean }>((resolve, reject) => {
      let gotContinue = false;
      const upload = httpRequest({
        host: '127.0.0.1',
        port: Number(port),
        method: 'PUT',
        path: `/${Bucket}/chunked.bin`,
        headers: { authorization: fakeAuthorization('s3'), expect: '100-continue', 'transfer-encoding': 'chunked' },
      });
      upload.on('continue', () => {
        gotContinue = true;
        for (const chunk of chunks) upload.write(chunk);
        upload.end();
      });
      upload.on('response', (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, gotContinue });
      });
      upload.on('error', reject);
    });
    expect(gotContinue).toBe(true);
    expect(status).toBe(200);
    const stored = await env.direct.s3.send(new GetObjectCommand({ Bucket, Key: 'chunked.bin' }));
    expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(Buffer.concat(chunks))).toBe(true);
    expect(env.gateway.log.at(-1)).toMatchObject({ service: 's3', action: 'PutObject', mutating: true });
  });
});

describe('gateway: onMutated', () => {
  it('tells each call that changed moto (a dropped answer too), with its service; never a read or an answered fault', async () => {
    const told: string[] = [];
    const unsubscribe = env.gateway.onMutated((service) => told.push(service));
    await env.aws.ec2.send(new DescribeVpcsCommand({}));
    await env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.91.0.0/16' }));
    expect(told).toEqual(['ec2']);
    env.gateway.inject({ action: 'CreateVpc', kind: 'quota-exceeded', times: 1 });
    await expect(env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.92.0.0/16' }))).rejects.toThrow();
    expect(told).toEqual(['ec2']);
    env.gateway.inject({ action: 'CreateVpc', kind: 'drop-response', times: 1 });
    await expect(env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.93.0.0/16' }))).rejects.toThrow();
    expect(await vpcsWithCidr(env.direct, '10.93.0.0/16')).toHaveLength(1);
    await env.aws.s3.send(new CreateBucketCommand({ Bucket: 'mutated-bucket' }));
    expect(told).toEqual(['ec2', 'ec2', 's3']);
    unsubscribe();
    await env.aws.ec2.send(new CreateVpcCommand({ CidrBlock: '10.94.0.0/16' }));
    expect(told).toHaveLength(3);
  });
});
