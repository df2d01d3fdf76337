import { afterAll, beforeAll, beforeEach } from 'vitest';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/sandbox.js';
import { Gateway } from '../../src/sandbox/gateway.js';
import type { MotoServer } from '../../src/sandbox/moto.js';
import { workerMoto } from '../helpers/worker-moto.js';

/** Real SDK clients aimed at one endpoint (the gateway, or moto directly). One attempt unless told otherwise. */
export function clientsFor(endpoint: string, maxAttempts = 1) {
  const config = { endpoint, region: 'us-east-2', credentials: SANDBOX_CREDENTIALS, maxAttempts };
  return {
    ec2: new EC2Client(config),
    rds: new RDSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    sts: new STSClient(config),
  };
}

/** A control call (`/_sandbox/PATH`) from the gateway's owner: with its token (src/sandbox/control-access.ts). */
export function controlFetch(gateway: Pick<Gateway, 'endpoint' | 'controlToken'>, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${gateway.endpoint}/_sandbox/${path}`, { ...init, headers: { authorization: `Bearer ${gateway.controlToken}`, ...(init.headers as Record<string, string> | undefined) } });
}

/** A minimal SigV4-shaped Authorization header: moto does not check signatures, the gateway reads the scope. */
export function fakeAuthorization(service: string): string {
  return `AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-2/${service}/aws4_request, SignedHeaders=host, Signature=0`;
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** moto + a gateway in front of it for one test file; the log and faults are cleared before each test. */
export interface GatewayOverMoto {
  moto: MotoServer;
  gateway: Gateway;
  /** Clients through the gateway. */
  aws: ReturnType<typeof clientsFor>;
  /** Clients straight to moto (to see what really happened). */
  direct: ReturnType<typeof clientsFor>;
}

export function useGatewayOverMoto(): GatewayOverMoto {
  const env = {} as GatewayOverMoto;
  beforeAll(async () => {
    env.moto = await workerMoto();
    env.gateway = await Gateway.start({ target: env.moto.endpoint });
    env.aws = clientsFor(env.gateway.endpoint);
    env.direct = clientsFor(env.moto.endpoint);
  });
  afterAll(async () => {
    await env.gateway?.stop();
    await env.moto?.stop();
  });
  beforeEach(() => {
    env.gateway.resetLog();
    env.gateway.clearFaults();
  });
  return env;
}

/** The VPCs moto holds with this CIDR, asked directly. */
export async function vpcsWithCidr(direct: ReturnType<typeof clientsFor>, cidr: string) {
  return (await direct.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'cidr-block', Values: [cidr] }] }))).Vpcs ?? [];
}
