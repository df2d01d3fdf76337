import { HeadBucketCommand, ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import { isAwsErrorCode } from '../../aws/errors.js';

export type BucketPresence = 'absent' | 'accessible' | 'forbidden' | 'other-region';

/**
 * HeadBucket with ExpectedBucketOwner: 404 = no such bucket anywhere; 403 = it exists and belongs to
 * another account (or we may not read it); 301 = it exists in another region.
 */
export async function headBucket(s3: S3Client, bucket: string, account: string, signal?: AbortSignal): Promise<BucketPresence> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket, ExpectedBucketOwner: account }), signal ? { abortSignal: signal } : {});
    return 'accessible';
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404 || isAwsErrorCode(error, 'NotFound', 'NoSuchBucket')) return 'absent';
    if (status === 403 || isAwsErrorCode(error, 'Forbidden', 'AccessDenied')) return 'forbidden';
    if (status === 301 || isAwsErrorCode(error, 'PermanentRedirect', 'MovedPermanently')) return 'other-region';
    throw error;
  }
}

/**
 * Whether the bucket is in this account's own bucket list. Emulators answer HeadBucket for any
 * account's bucket and ignore ExpectedBucketOwner; the list is the account's own.
 */
export async function ownedByAccount(s3: S3Client, bucket: string, signal?: AbortSignal): Promise<boolean> {
  let token: string | undefined;
  do {
    const answer = await s3.send(new ListBucketsCommand({ Prefix: bucket, ContinuationToken: token }), signal ? { abortSignal: signal } : {});
    if ((answer.Buckets ?? []).some((b) => b.Name === bucket)) return true;
    token = answer.ContinuationToken;
  } while (token);
  return false;
}

/**
 * Whether this account's own bucket list, filtered to one region, names the bucket: it exists, is this
 * account's and is in that region (what HeadBucket and `ownedByAccount` tell together, in one call). A name
 * not listed may be absent, another account's or ours elsewhere: only HeadBucket tells which.
 */
export async function listedInRegion(s3: S3Client, bucket: string, region: string, signal?: AbortSignal): Promise<boolean> {
  let token: string | undefined;
  do {
    const answer = await s3.send(new ListBucketsCommand({ Prefix: bucket, BucketRegion: region, ContinuationToken: token }), signal ? { abortSignal: signal } : {});
    if ((answer.Buckets ?? []).some((b) => b.Name === bucket && (b.BucketRegion === undefined || b.BucketRegion === region))) return true;
    token = answer.ContinuationToken;
  } while (token);
  return false;
}
