import { DeleteObjectsCommand, ListObjectVersionsCommand, type ObjectIdentifier, type S3Client } from '@aws-sdk/client-s3';
import type { AwsClients } from '../../aws/clients.js';
import { isAwsErrorCode } from '../../aws/errors.js';
import type { StepContext } from '../../engine/types.js';
import { mutate } from '../mutation.js';

/** DeleteObjects takes at most 1000 keys per call. */
export const DELETE_BATCH = 1000;

/** The last count per bucket, for `destroyPreview` (synchronous): set by `countBucketVersions`. */
const lastCounts = new Map<string, number>();

export function knownVersionCount(bucket: string): number | undefined {
  return lastCounts.get(bucket);
}

/** One page of versions and delete markers (from the start, or after the given markers). */
async function listPage(s3: S3Client, bucket: string, markers: { KeyMarker?: string; VersionIdMarker?: string }, maxKeys: number, signal?: AbortSignal) {
  const answer = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: maxKeys, ...markers }), signal ? { abortSignal: signal } : {});
  const items: ObjectIdentifier[] = [...(answer.Versions ?? []), ...(answer.DeleteMarkers ?? [])].flatMap((v) =>
    v.Key !== undefined ? [{ Key: v.Key, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }] : [],
  );
  const next = answer.IsTruncated ? { KeyMarker: answer.NextKeyMarker, VersionIdMarker: answer.NextVersionIdMarker } : undefined;
  return { items, next };
}

/**
 * How many object versions and delete markers the bucket holds (0 when it does not exist), so that
 * `down` can say what it is about to delete before asking. Read-only.
 */
export async function countBucketVersions(source: Pick<AwsClients, 's3'> | Pick<StepContext, 'aws' | 'signal'>, bucket: string): Promise<number> {
  const s3 = 'aws' in source ? source.aws.s3 : source.s3;
  const signal = 'signal' in source ? source.signal : undefined;
  let count = 0;
  try {
    let markers: { KeyMarker?: string; VersionIdMarker?: string } | undefined = {};
    while (markers) {
      const page: Awaited<ReturnType<typeof listPage>> = await listPage(s3, bucket, markers, DELETE_BATCH, signal);
      count += page.items.length;
      markers = page.next;
    }
  } catch (error) {
    if (!isAwsErrorCode(error, 'NoSuchBucket')) throw error;
  }
  lastCounts.set(bucket, count);
  return count;
}

/**
 * Delete every object version and delete marker, a page (≤ 1000) at a time, listing again from the
 * start after each batch until nothing is left. Returns how many were deleted.
 */
export async function emptyBucket(ctx: StepContext, bucket: string, batchSize: number = DELETE_BATCH): Promise<number> {
  let deleted = 0;
  for (;;) {
    const { items } = await listPage(ctx.aws.s3, bucket, {}, Math.min(batchSize, DELETE_BATCH), ctx.signal);
    if (items.length === 0) break;
    const answer = await mutate(ctx, 'DeleteObjects', (abortSignal) =>
      ctx.aws.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: items, Quiet: true } }), { abortSignal }),
    );
    const failed = answer.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      throw new Error(`could not delete ${failed.length} object version(s) of ${bucket}, e.g. ${first?.Key ?? '?'} (${first?.VersionId ?? '?'}): ${first?.Code ?? ''} ${first?.Message ?? ''}`.trim());
    }
    deleted += items.length;
    ctx.progress(`${bucket}: ${deleted} object version(s) and delete marker(s) deleted`);
  }
  lastCounts.set(bucket, 0);
  return deleted;
}
