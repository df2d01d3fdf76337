import type { Config } from '../../config/schema.js';

export const STORAGE_STEP_IDS = {
  bucket: 'storage.bucket',
} as const;

/** Where `aws-runbook backup` puts the database dumps; the lifecycle rule applies to it. */
export const DB_DUMP_PREFIX = 'backups/';

/** The lifecycle of the dumps, in days. */
export const LIFECYCLE_DAYS = {
  /** Current dumps move to STANDARD_IA (S3's minimum for that class is 30 days). */
  transitionToInfrequentAccess: 30,
  /** Current dumps are expired (they become noncurrent versions). */
  expireCurrent: 365,
  /** Noncurrent versions (overwritten or expired dumps) are deleted. */
  expireNoncurrent: 30,
  abortIncompleteMultipartUpload: 7,
} as const;

export const LIFECYCLE_RULE_ID = 'aws-runbook-db-dumps';

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * `bfhk-backups-123456789012-us-east-2`: deterministic, lower-case and globally unique (the account
 * id makes it ours; the region keeps one bucket per region). Throws if the result is not a valid name.
 */
export function backupBucketName(config: Config, account: string, region: string = config.region): string {
  const name = `${config.suffix.toLowerCase()}-backups-${account}-${region}`;
  if (!BUCKET_NAME.test(name)) {
    throw new Error(`"${name}" is not a valid S3 bucket name (3–63 lower-case letters, digits and hyphens)`);
  }
  return name;
}

/** For previews before the account is known. */
export function bucketNamePlaceholder(config: Config, region: string = config.region): string {
  return `${config.suffix.toLowerCase()}-backups-$ACCOUNT_ID-${region}`;
}

export const bucketArn = (bucket: string) => `arn:aws:s3:::${bucket}`;
