import { describe, expect, it } from 'vitest';
import { identifyRequest, serviceFromCredentialScope } from '../../src/sandbox/request-identity.js';
import { s3ActionOf } from '../../src/sandbox/s3-actions.js';
import { modelledDelayMs, resourceKindOf } from '../../src/sandbox/latency.js';
import { loopbackTarget, NonLoopbackTargetError } from '../../src/sandbox/loopback.js';
import { FaultPlan, requestKey } from '../../src/sandbox/fault-rules.js';
import { faultRuleFromJson } from '../../src/sandbox/control-api.js';

const authFor = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-2/${service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc`;

function s3(method: string, url: string, headers: Record<string, string> = {}): string {
  const [path = '/', queryText = ''] = url.split('?');
  return s3ActionOf({ method, path, query: new URLSearchParams(queryText), headers });
}

describe('request identity', () => {
  it('reads the service from the SigV4 credential scope, or a presigned X-Amz-Credential', () => {
    expect(serviceFromCredentialScope(authFor('ec2'), new URLSearchParams())).toBe('ec2');
    expect(serviceFromCredentialScope(undefined, new URLSearchParams('X-Amz-Credential=AK%2F20260101%2Fus-east-2%2Fs3%2Faws4_request'))).toBe('s3');
    expect(serviceFromCredentialScope(undefined, new URLSearchParams())).toBeUndefined();
  });

  it('takes a query-protocol action from the form body and marks reads', () => {
    const headers = { authorization: authFor('ec2'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    expect(identifyRequest({ method: 'POST', url: '/', headers, body: Buffer.from('Action=CreateVpc&Version=2016-11-15') })).toEqual({
      service: 'ec2',
      action: 'CreateVpc',
      mutating: true,
      protocol: 'ec2',
    });
    const rds = { ...headers, authorization: authFor('rds') };
    expect(identifyRequest({ method: 'POST', url: '/', headers: rds, body: Buffer.from('Action=DescribeDBInstances') })).toMatchObject({
      action: 'DescribeDBInstances',
      mutating: false,
      protocol: 'query',
    });
  });

  it('takes a JSON-protocol action from X-Amz-Target', () => {
    const headers = { authorization: authFor('secretsmanager'), 'x-amz-target': 'secretsmanager.GetSecretValue' };
    expect(identifyRequest({ method: 'POST', url: '/', headers })).toEqual({
      service: 'secretsmanager',
      action: 'GetSecretValue',
      mutating: false,
      protocol: 'json',
    });
    const put = { ...headers, 'x-amz-target': 'secretsmanager.PutSecretValue' };
    expect(identifyRequest({ method: 'POST', url: '/', headers: put }).mutating).toBe(true);
  });

  it('names S3 REST operations from method, path and sub-resource', () => {
    expect(s3('GET', '/')).toBe('ListBuckets');
    expect(s3('PUT', '/bucket')).toBe('CreateBucket');
    expect(s3('PUT', '/bucket?versioning')).toBe('PutBucketVersioning');
    expect(s3('PUT', '/bucket?publicAccessBlock')).toBe('PutPublicAccessBlock');
    expect(s3('PUT', '/bucket?encryption')).toBe('PutBucketEncryption');
    expect(s3('PUT', '/bucket?lifecycle')).toBe('PutBucketLifecycleConfiguration');
    expect(s3('PUT', '/bucket?tagging')).toBe('PutBucketTagging');
    expect(s3('GET', '/bucket?list-type=2&prefix=a')).toBe('ListObjectsV2');
    expect(s3('GET', '/bucket?prefix=a')).toBe('ListObjects');
    expect(s3('GET', '/bucket?versions')).toBe('ListObjectVersions');
    expect(s3('HEAD', '/bucket')).toBe('HeadBucket');
    expect(s3('DELETE', '/bucket')).toBe('DeleteBucket');
    expect(s3('DELETE', '/bucket/')).toBe('DeleteBucket');
    expect(s3('POST', '/bucket?delete')).toBe('DeleteObjects');
    expect(s3('PUT', '/bucket/dir/key.txt')).toBe('PutObject');
    expect(s3('PUT', '/bucket/key', { 'x-amz-copy-source': '/other/key' })).toBe('CopyObject');
    expect(s3('GET', '/bucket/key')).toBe('GetObject');
    expect(s3('DELETE', '/bucket/key?versionId=3')).toBe('DeleteObject');
    expect(s3('POST', '/bucket/key?uploads')).toBe('CreateMultipartUpload');
    expect(s3('PUT', '/bucket/key?partNumber=1&uploadId=u')).toBe('UploadPart');
    expect(s3('POST', '/bucket/key?uploadId=u')).toBe('CompleteMultipartUpload');
    expect(s3('DELETE', '/bucket/key?uploadId=u')).toBe('AbortMultipartUpload');
  });

  it('treats S3 GET/HEAD as reads and everything else as mutating', () => {
    const headers = { authorization: authFor('s3') };
    expect(identifyRequest({ method: 'HEAD', url: '/bucket', headers })).toMatchObject({ action: 'HeadBucket', mutating: false, protocol: 's3' });
    expect(identifyRequest({ method: 'POST', url: '/bucket?delete', headers })).toMatchObject({ action: 'DeleteObjects', mutating: true });
    // a key starting with "/" gives a path with "//", which must not be read as a host
    expect(identifyRequest({ method: 'PUT', url: '/bucket//key', headers }).action).toBe('PutObject');
  });
});

describe('latency model', () => {
  it('derives the resource kind from the action', () => {
    expect(resourceKindOf('CreateVpc')).toBe('Vpc');
    expect(resourceKindOf('DescribeVpcPeeringConnections')).toBe('VpcPeeringConnection');
    expect(resourceKindOf('CreateRouteTable')).toBe('RouteTable');
    expect(resourceKindOf('CreateRoute')).toBe('Route');
    expect(resourceKindOf('AuthorizeSecurityGroupIngress')).toBe('SecurityGroup');
    expect(resourceKindOf('RunInstances')).toBe('Instances');
    expect(resourceKindOf('DescribeDBSubnetGroups')).toBe('DBSubnetGroup');
    expect(resourceKindOf('AllocateAddress')).toBe('Address');
    expect(resourceKindOf('PutBucketVersioning')).toBe('Bucket');
    expect(resourceKindOf('UploadPart')).toBe('Object');
    expect(resourceKindOf('GetCallerIdentity')).toBe('default');
  });

  it('scales the per-call delay, with exact actions before kinds, and 0 = off', () => {
    expect(modelledDelayMs('RunInstances', { scale: 1 })).toBe(1000);
    expect(modelledDelayMs('CreateDBInstance', { scale: 0.5 })).toBe(400);
    expect(modelledDelayMs('CreateVpc', { scale: 2, perKindMs: { Vpc: 7 } })).toBe(14);
    expect(modelledDelayMs('CreateVpc', { scale: 0 })).toBe(0);
    expect(modelledDelayMs('CreateVpc', undefined)).toBe(0);
  });
});

describe('loopback target', () => {
  it('accepts loopback http endpoints and pins localhost to 127.0.0.1', () => {
    expect(loopbackTarget('http://127.0.0.1:5000').origin).toBe('http://127.0.0.1:5000');
    expect(loopbackTarget('http://localhost:5000/').host).toBe('127.0.0.1');
    expect(loopbackTarget('http://[::1]:5000').origin).toBe('http://[::1]:5000');
  });

  it.each(['http://10.0.0.1:5000', 'http://ec2.us-east-2.amazonaws.com', 'https://127.0.0.1:5000', 'http://[::ffff:8.8.8.8]:80', 'not a url'])(
    'refuses %s',
    (target) => {
      expect(() => loopbackTarget(target)).toThrow(NonLoopbackTargetError);
    },
  );
});

describe('fault plan', () => {
  const call = { service: 'ec2', action: 'CreateVpc' };

  it('repeats the same share-based choices for the same seed', () => {
    const draw = (seed: number) => {
      const plan = new FaultPlan([{ action: 'CreateVpc', kind: 'throttle', share: 0.5 }], seed);
      return Array.from({ length: 40 }, () => plan.choose(call) ?? '-').join(',');
    };
    expect(draw(42)).toBe(draw(42));
    expect(draw(42)).not.toBe(draw(43));
    const hits = draw(42).split(',').filter((kind) => kind === 'throttle').length;
    expect(hits).toBeGreaterThan(8);
    expect(hits).toBeLessThan(32);
  });

  it('counts down times, then lets the next rule decide', () => {
    const plan = new FaultPlan([
      { action: /^Create/, kind: 'server-error', times: 2 },
      { action: '*', kind: 'throttle', service: 'ec2' },
    ]);
    expect([plan.choose(call), plan.choose(call), plan.choose(call)]).toEqual(['server-error', 'server-error', 'throttle']);
    expect(plan.choose({ service: 'rds', action: 'DescribeDBInstances' })).toBeUndefined();
  });

  it('mutatingOnly + oncePerRequest: each distinct change faulted once, its resend and every read let through', () => {
    const plan = new FaultPlan([{ action: '*', kind: 'drop-response', mutatingOnly: true, oncePerRequest: true }]);
    const change = { service: 'ec2', action: 'CreateVpc', mutating: true };
    const read = { service: 'ec2', action: 'DescribeVpcs', mutating: false };
    expect(plan.choose(read, 'GET / a')).toBeUndefined();
    expect(plan.choose(change, 'POST / vpc-1')).toBe('drop-response');
    expect(plan.choose(change, 'POST / vpc-1')).toBeUndefined();
    expect(plan.choose(change, 'POST / vpc-2')).toBe('drop-response');
  });

  it('a request key leaves out what changes between two sends of the same call', () => {
    const body = Buffer.from('Action=CreateVpc&CidrBlock=10.1.0.0%2F16');
    const first = requestKey({ method: 'POST', url: '/', headers: { authorization: 'sig-1', 'x-amz-date': '1' } }, body);
    const resend = requestKey({ method: 'POST', url: '/', headers: { authorization: 'sig-2', 'x-amz-date': '2' } }, body);
    const other = requestKey({ method: 'POST', url: '/', headers: {} }, Buffer.from('Action=CreateVpc&CidrBlock=10.2.0.0%2F16'));
    expect(resend).toBe(first);
    expect(other).not.toBe(first);
    const s3 = (sha: string) => requestKey({ method: 'PUT', url: '/bucket?versioning', headers: { 'x-amz-content-sha256': sha } }, undefined);
    expect(s3('abc')).toBe(s3('abc'));
    expect(s3('abc')).not.toBe(s3('def'));
  });

  it('parses a JSON rule with a regex action', () => {
    const rule = faultRuleFromJson({ action: { regex: '^Create' }, kind: 'drop-response', times: 1 });
    expect(rule.action).toBeInstanceOf(RegExp);
    expect(new FaultPlan([rule]).choose(call)).toBe('drop-response');
    expect(() => faultRuleFromJson({ action: 'X', kind: 'explode' })).toThrow();
  });
});
