import { CreateSubnetCommand, CreateVpcCommand, DeleteVpcCommand, DescribeVpcsCommand, EC2ServiceException } from '@aws-sdk/client-ec2';
import { DBInstanceAlreadyExistsFault, InstanceQuotaExceededFault, InvalidDBInstanceStateFault } from '@aws-sdk/client-rds';
import { NoSuchBucket, S3ServiceException } from '@aws-sdk/client-s3';
import { ExpiredTokenException } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { createAwsClients } from '../../src/aws/clients.js';
import type { ErrorKind } from '../../src/errors/error-kinds.js';
import { classifyAwsError, isAwsErrorCode, RunbookConflictError } from '../../src/aws/errors.js';
import { motoClients, type MotoServer } from '../helpers/moto.js';
import { workerMoto } from '../helpers/worker-moto.js';

function ec2Error(name: string, status: number, message = `${name} happened`, fault: 'client' | 'server' = status >= 500 ? 'server' : 'client') {
  return new EC2ServiceException({ name, $fault: fault, $metadata: { httpStatusCode: status }, message });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

describe('classifyAwsError on SDK exception shapes', () => {
  const table: Array<[string, unknown, ErrorKind, boolean]> = [
    ['UnauthorizedOperation', ec2Error('UnauthorizedOperation', 403), 'permission', false],
    ['AccessDenied (S3)', new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }), 'permission', false],
    ['AccessDeniedException', ec2Error('AccessDeniedException', 400), 'permission', false],
    ['AuthFailure', ec2Error('AuthFailure', 401), 'auth', false],
    ['InvalidClientTokenId', ec2Error('InvalidClientTokenId', 403), 'auth', false],
    ['SignatureDoesNotMatch', ec2Error('SignatureDoesNotMatch', 403), 'auth', false],
    ['UnrecognizedClientException', ec2Error('UnrecognizedClientException', 400), 'auth', false],
    ['ExpiredTokenException (STS class)', new ExpiredTokenException({ $metadata: { httpStatusCode: 400 }, message: 'expired' }), 'auth', false],
    ['VpcLimitExceeded', ec2Error('VpcLimitExceeded', 400), 'quota', false],
    ['AddressLimitExceeded', ec2Error('AddressLimitExceeded', 400), 'quota', false],
    ['InstanceLimitExceeded', ec2Error('InstanceLimitExceeded', 400), 'quota', false],
    ['InstanceQuotaExceededFault (RDS class)', new InstanceQuotaExceededFault({ $metadata: { httpStatusCode: 400 }, message: 'quota' }), 'quota', false],
    ['RequestLimitExceeded is throttling, not quota', ec2Error('RequestLimitExceeded', 503), 'throttled', true],
    ['Throttling', ec2Error('Throttling', 400), 'throttled', true],
    ['SlowDown', new S3ServiceException({ name: 'SlowDown', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'slow' }), 'throttled', true],
    ['bare 429', ec2Error('SomethingNew', 429), 'throttled', true],
    ['InternalError', ec2Error('InternalError', 500), 'transient', true],
    ['ServiceUnavailable', ec2Error('ServiceUnavailable', 503), 'transient', true],
    ['unknown 502', ec2Error('BadGatewayish', 502), 'transient', true],
    ['InvalidVpcID.NotFound', ec2Error('InvalidVpcID.NotFound', 400), 'not-found', false],
    ['NoSuchBucket (S3 class)', new NoSuchBucket({ $metadata: { httpStatusCode: 404 }, message: 'no bucket' }), 'not-found', false],
    ['DBInstanceAlreadyExistsFault (RDS class)', new DBInstanceAlreadyExistsFault({ $metadata: { httpStatusCode: 400 }, message: 'exists' }), 'conflict', false],
    ['InvalidDBInstanceStateFault (RDS class)', new InvalidDBInstanceStateFault({ $metadata: { httpStatusCode: 400 }, message: 'busy' }), 'conflict', false],
    ['InvalidGroup.Duplicate', ec2Error('InvalidGroup.Duplicate', 400), 'conflict', false],
    ['DependencyViolation', ec2Error('DependencyViolation', 400), 'conflict', false],
    ['IncorrectState', ec2Error('IncorrectState', 400), 'conflict', false],
    ['InvalidParameterValue', ec2Error('InvalidParameterValue', 400), 'invalid', false],
    ['an unmatched client error', ec2Error('SomethingOdd', 400), 'unknown', false],
    ['RunbookConflictError', new RunbookConflictError('two VPCs carry one step', 'Keep one and delete the other, then rerun.'), 'conflict', false],
  ];

  it.each(table)('%s', (_label, error, kind, retryable) => {
    const classified = classifyAwsError(error);
    expect(classified.kind).toBe(kind);
    expect(classified.retryable).toBe(retryable);
    expect(classified.hint.length).toBeGreaterThan(20);
    expect(classified.message).not.toMatch(/\n/);
  });

  it('names the denied IAM action and principal from the message in the permission hint', () => {
    const error = ec2Error(
      'UnauthorizedOperation',
      403,
      'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/alice is not authorized to perform: ec2:CreateVpc on resource: arn:aws:ec2:us-east-2:123456789012:vpc/* because no identity-based policy allows the ec2:CreateVpc action. Encoded authorization failure message: AbCdEf0123456789xyz',
    );
    const classified = classifyAwsError(error);
    expect(classified.hint).toContain('Grant ec2:CreateVpc to arn:aws:iam::123456789012:user/alice');
    expect(classified.hint).toContain('aws sts decode-authorization-message');
  });

  it('uses the caller-given action when the message does not name one', () => {
    const classified = classifyAwsError(ec2Error('UnauthorizedOperation', 403, 'You are not authorized to perform this operation.'), {
      action: 'CreateInternetGateway',
    });
    expect(classified.hint).toContain('Grant ec2:CreateInternetGateway to the identity shown by `aws sts get-caller-identity`');
  });

  it('points a VPC quota at the Service Quotas console and the exact CLI request', () => {
    const classified = classifyAwsError(ec2Error('VpcLimitExceeded', 400, 'The maximum number of VPCs has been reached.'), { region: 'us-east-2' });
    expect(classified.hint).toContain('Service Quotas console');
    expect(classified.hint).toContain('aws service-quotas request-service-quota-increase --service-code vpc --quota-code L-F678F1CE');
    expect(classified.hint).toContain('--region us-east-2');
    expect(classifyAwsError(ec2Error('AddressLimitExceeded', 400)).hint).toContain('--service-code ec2 --quota-code L-0263D0A3');
  });

  it('isAwsErrorCode matches wire codes and RDS Fault names with or without the suffix', () => {
    expect(isAwsErrorCode(ec2Error('InvalidVpcID.NotFound', 400), 'InvalidSubnetID.NotFound', 'InvalidVpcID.NotFound')).toBe(true);
    expect(isAwsErrorCode(ec2Error('InvalidVpcID.NotFound', 400), 'InvalidSubnetID.NotFound')).toBe(false);
    const fault = new DBInstanceAlreadyExistsFault({ $metadata: {}, message: 'x' });
    expect(isAwsErrorCode(fault, 'DBInstanceAlreadyExists')).toBe(true);
    expect(isAwsErrorCode(fault, 'DBInstanceAlreadyExistsFault')).toBe(true);
    expect(isAwsErrorCode(new Error('plain'), 'DBInstanceAlreadyExists')).toBe(false);
    expect(isAwsErrorCode('not an error', 'X')).toBe(false);
  });
});

describe('classifyAwsError on errors captured from the real SDK', () => {
  let moto: MotoServer;
  let clients: AwsClients;

  beforeAll(async () => {
    moto = await workerMoto();
    clients = motoClients(moto);
  });
  afterAll(async () => {
    clients.destroy();
    await moto.stop();
  });

  it('InvalidVpcID.NotFound from moto is not-found', async () => {
    const error = await caught(clients.ec2Once.send(new DescribeVpcsCommand({ VpcIds: ['vpc-00000000'] })));
    expect(isAwsErrorCode(error, 'InvalidVpcID.NotFound')).toBe(true);
    expect(classifyAwsError(error)).toMatchObject({ kind: 'not-found', code: 'InvalidVpcID.NotFound', retryable: false });
  });

  it('InvalidParameterValue (a bad CIDR) from moto is invalid', async () => {
    const error = await caught(clients.ec2Once.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/33' })));
    expect(classifyAwsError(error)).toMatchObject({ kind: 'invalid', code: 'InvalidParameterValue' });
  });

  it('DependencyViolation (deleting a VPC with a subnet) and InvalidSubnet.Conflict from moto are conflicts', async () => {
    const vpc = await clients.ec2Once.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }));
    const VpcId = vpc.Vpc?.VpcId as string;
    await clients.ec2Once.send(new CreateSubnetCommand({ VpcId, CidrBlock: '10.50.1.0/24', AvailabilityZone: 'us-east-2a' }));
    const dependency = await caught(clients.ec2Once.send(new DeleteVpcCommand({ VpcId })));
    expect(classifyAwsError(dependency)).toMatchObject({ kind: 'conflict', code: 'DependencyViolation' });
    expect(classifyAwsError(dependency).hint).toContain('describe-network-interfaces');
    const overlap = await caught(clients.ec2Once.send(new CreateSubnetCommand({ VpcId, CidrBlock: '10.50.1.0/24', AvailabilityZone: 'us-east-2a' })));
    expect(classifyAwsError(overlap)).toMatchObject({ kind: 'conflict', code: 'InvalidSubnet.Conflict' });
  });

  it('a refused connection is transient and retryable, and the hint names the endpoint', async () => {
    const closed = createAwsClients({ region: 'us-east-2', endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    try {
      const error = await caught(closed.ec2Once.send(new DescribeVpcsCommand({})));
      const classified = classifyAwsError(error, { endpoint: 'http://127.0.0.1:9' });
      expect(classified).toMatchObject({ kind: 'transient', code: 'ECONNREFUSED', retryable: true });
      expect(classified.hint).toContain('http://127.0.0.1:9');
    } finally {
      closed.destroy();
    }
  });

  it('an aborted call is aborted and not retryable', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await caught(clients.ec2.send(new DescribeVpcsCommand({}), { abortSignal: controller.signal }));
    expect(classifyAwsError(error)).toMatchObject({ kind: 'aborted', retryable: false });
  });

  it('missing credentials (CredentialsProviderError) are auth, with how to provide them', async () => {
    const error = await caught(fromIni({ profile: 'no-such-profile', filepath: '/nonexistent/credentials', configFilepath: '/nonexistent/config' })());
    const classified = classifyAwsError(error);
    expect(classified).toMatchObject({ kind: 'auth', code: 'CredentialsProviderError', retryable: false });
    expect(classified.hint).toContain('--profile');
  });

  it('socket hang up and SDK request timeouts are transient', () => {
    const hangUp = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET', $metadata: { attempts: 1 } });
    const timeout = Object.assign(new Error('a request has exceeded the configured 300 ms requestTimeout.'), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
    });
    expect(classifyAwsError(hangUp)).toMatchObject({ kind: 'transient', code: 'ECONNRESET', retryable: true });
    expect(classifyAwsError(timeout)).toMatchObject({ kind: 'transient', code: 'ETIMEDOUT', retryable: true });
  });
});

describe('our own input errors', () => {
  it('keep the fix they carry as the hint, classified invalid', async () => {
    const { PublicKeyFileError } = await import('../../src/tasks/compute/public-key.js');
    const classified = classifyAwsError(new PublicKeyFileError('/nowhere/id.pub', 'does not exist'));
    expect(classified.kind).toBe('invalid');
    expect(classified.hint).toMatch(/ssh-keygen -t ed25519/);
    expect(classified.message).toMatch(/\/nowhere\/id\.pub/);
  });
});
