import { createRequire } from 'node:module';
import { EC2Client } from '@aws-sdk/client-ec2';
import { STSClient } from '@aws-sdk/client-sts';
import type { RDSClient, RDSClientConfig } from '@aws-sdk/client-rds';
import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import type { IAMClient, IAMClientConfig } from '@aws-sdk/client-iam';
import type { SecretsManagerClient, SecretsManagerClientConfig } from '@aws-sdk/client-secrets-manager';
import type { PricingClient, PricingClientConfig } from '@aws-sdk/client-pricing';
import { fromIni } from '@aws-sdk/credential-providers';

// The RDS, S3 and Secrets Manager SDK modules take about half a second each to load; sections that
// do not use them should not pay for it. The SDK packages are CommonJS (no "exports" map), so `require` yields the
// very module instance an `import` would.
const require = createRequire(import.meta.url);

export interface AwsTarget {
  region: string;
  /** --profile; otherwise the standard credential chain (env, shared files, SSO, instance role). */
  profile?: string;
  /** --endpoint-url / AWS_ENDPOINT_URL: an emulator (moto, the sandbox gateway, LocalStack). */
  endpoint?: string;
  /** Attempts for read calls (the SDK's standard retry with backoff). */
  maxAttempts?: number;
  /** Static credentials instead of the chain (the sandbox's own reads of moto: never anyone's real keys). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
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
  /** IAM (global): the backup role and instance profile. */
  readonly iam: IAMClient;
  readonly iamOnce: IAMClient;
  /** Reads the RDS-managed master password (GetSecretValue) for the host steps. */
  readonly secretsManager: SecretsManagerClient;
  readonly sts: STSClient;
  /** The AWS Price List API (served from us-east-1 whatever the region priced). */
  readonly pricing: PricingClient;
  destroy(): void;
}

/** Seconds before a connection attempt / a whole request is given up (a hung call must not hang the run). */
const CONNECTION_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 120_000;

export function createAwsClients(target: AwsTarget): AwsClients {
  const endpoint = target.endpoint ?? process.env.AWS_ENDPOINT_URL ?? undefined;
  const common = {
    region: target.region,
    ...(endpoint ? { endpoint } : {}),
    ...(target.profile ? { credentials: fromIni({ profile: target.profile }) } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
    requestHandler: { connectionTimeout: CONNECTION_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, throwOnRequestTimeout: true },
  };
  const reads = { ...common, maxAttempts: target.maxAttempts ?? 6, retryMode: 'standard' as const };
  const once = { ...common, maxAttempts: 1 };
  const made: { destroy(): void }[] = [];
  const make = <T extends { destroy(): void }>(client: T): T => {
    made.push(client);
    return client;
  };
  const lazy = <T extends { destroy(): void }>(build: () => T): (() => T) => {
    let client: T | undefined;
    return () => (client ??= make(build()));
  };
  const rds = lazy(() => new (require('@aws-sdk/client-rds') as typeof import('@aws-sdk/client-rds')).RDSClient(reads as RDSClientConfig));
  const rdsOnce = lazy(() => new (require('@aws-sdk/client-rds') as typeof import('@aws-sdk/client-rds')).RDSClient(once as RDSClientConfig));
  // Path-style addressing: emulators answer on one host, not on bucket sub-domains.
  const s3 = lazy(() => new (require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3')).S3Client({ ...reads, forcePathStyle: Boolean(endpoint) } as S3ClientConfig));
  const secretsManager = lazy(
    () => new (require('@aws-sdk/client-secrets-manager') as typeof import('@aws-sdk/client-secrets-manager')).SecretsManagerClient(reads as SecretsManagerClientConfig),
  );
  const iam = lazy(() => new (require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam')).IAMClient(reads as IAMClientConfig));
  const iamOnce = lazy(() => new (require('@aws-sdk/client-iam') as typeof import('@aws-sdk/client-iam')).IAMClient(once as IAMClientConfig));
  const pricing = lazy(
    () => new (require('@aws-sdk/client-pricing') as typeof import('@aws-sdk/client-pricing')).PricingClient({ ...reads, region: 'us-east-1', maxAttempts: 2 } as PricingClientConfig),
  );
  const clients: AwsClients = {
    region: target.region,
    ...(endpoint ? { endpoint } : {}),
    ec2: make(new EC2Client(reads)),
    ec2Once: make(new EC2Client(once)),
    sts: make(new STSClient(reads)),
    get rds() {
      return rds();
    },
    get rdsOnce() {
      return rdsOnce();
    },
    get s3() {
      return s3();
    },
    get iam() {
      return iam();
    },
    get iamOnce() {
      return iamOnce();
    },
    get secretsManager() {
      return secretsManager();
    },
    get pricing() {
      return pricing();
    },
    destroy() {
      for (const client of made.splice(0)) client.destroy();
    },
  };
  return clients;
}
