import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { fromIni } from '@aws-sdk/credential-providers';

export interface AwsTarget {
  region: string;
  /** --profile; otherwise the standard credential chain (env, shared files, SSO, instance role). */
  profile?: string;
  /** --endpoint-url / AWS_ENDPOINT_URL: an emulator (moto, the sandbox gateway, LocalStack). */
  endpoint?: string;
  /** Attempts for read calls (the SDK's standard retry with backoff). */
  maxAttempts?: number;
}

/**
 * One set of clients for a run. Reads retry (standard mode); `*Once` clients never retry, for
 * mutating calls that are not idempotent by themselves: a retried CreateVpc whose first answer was
 * lost makes a second VPC. Mutations go through `mutateOnce` (with-retry.ts), which looks again before retrying.
 */
export interface AwsClients {
  readonly region: string;
  readonly endpoint?: string;
  readonly ec2: EC2Client;
  readonly ec2Once: EC2Client;
  readonly rds: RDSClient;
  readonly rdsOnce: RDSClient;
  readonly s3: S3Client;
  readonly sts: STSClient;
  destroy(): void;
}

export function createAwsClients(target: AwsTarget): AwsClients {
  const endpoint = target.endpoint ?? process.env.AWS_ENDPOINT_URL ?? undefined;
  const common = {
    region: target.region,
    ...(endpoint ? { endpoint } : {}),
    ...(target.profile ? { credentials: fromIni({ profile: target.profile }) } : {}),
  };
  const reads = { ...common, maxAttempts: target.maxAttempts ?? 6, retryMode: 'standard' as const };
  const once = { ...common, maxAttempts: 1 };
  const clients = {
    region: target.region,
    endpoint,
    ec2: new EC2Client(reads),
    ec2Once: new EC2Client(once),
    rds: new RDSClient(reads),
    rdsOnce: new RDSClient(once),
    // Path-style addressing: emulators answer on one host, not on bucket sub-domains.
    s3: new S3Client({ ...reads, forcePathStyle: Boolean(endpoint) }),
    sts: new STSClient(reads),
  };
  return {
    ...clients,
    destroy() {
      for (const client of [clients.ec2, clients.ec2Once, clients.rds, clients.rdsOnce, clients.s3, clients.sts]) {
        client.destroy();
      }
    },
  };
}
