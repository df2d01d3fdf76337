import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox/sandbox.js';

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
