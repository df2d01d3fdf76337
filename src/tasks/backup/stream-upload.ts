import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';

/**
 * A stream of unknown length into one S3 object, with memory bounded by the part size: lib-storage's
 * multipart upload holds at most `queueSize` parts in flight plus the one being filled, and the source
 * is read only as fast as parts go out (back-pressure reaches the producer: over SSH, the remote dump).
 *
 * The object exists only if the source ENDS: a source that errors (a dump that exited non-zero, a lost
 * connection) aborts the multipart upload, and a body shorter than one part is sent as one PutObject
 * only after its end. After a failure, uploads still pending under the key (an abort whose answer was
 * lost) are aborted too: no "good-looking" object, no parts left to bill.
 */

export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;

export interface UploadTarget {
  bucket: string;
  key: string;
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface StreamUploadOptions {
  partSize?: number;
  queueSize?: number;
  /** As data flows: the bytes so far. */
  onBytes?: (bytes: number) => void;
}

/** Counts what flows through, untouched. */
class ByteCounter extends Transform {
  bytes = 0;
  constructor(private readonly onChunk?: (bytes: number) => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    this.onChunk?.(this.bytes);
    callback(null, chunk);
  }
}

export async function uploadStream(s3: S3Client, target: UploadTarget, source: Readable, options: StreamUploadOptions = {}): Promise<{ bytes: number }> {
  const counter = new ByteCounter(options.onBytes);
  // pipeline() carries the source's error into the counter, which is the upload's body.
  const piping = pipeline(source, counter);
  const upload = new Upload({
    client: s3,
    params: {
      Bucket: target.bucket,
      Key: target.key,
      Body: counter,
      ...(target.contentType ? { ContentType: target.contentType } : {}),
      ...(target.metadata ? { Metadata: target.metadata } : {}),
    },
    partSize: options.partSize ?? PART_SIZE,
    queueSize: options.queueSize ?? QUEUE_SIZE,
    leavePartsOnError: false,
  });
  // The first failure wins: the source's (a dump that exited non-zero) or the upload's (an S3 error). Either
  // stops both sides: a stopped upload must not leave the remote producer blocked on a full channel.
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    failure ??= { error };
    source.destroy();
    // With the error: a body that merely ended would let lib-storage complete a truncated object.
    counter.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  // Both settle before this returns: lib-storage aborts its multipart upload inside done(), and that
  // abort must be sent before the process may exit.
  await Promise.allSettled([upload.done().catch(fail), piping.catch(fail)]);
  if (!failure) {
    // A CreateMultipartUpload the SDK retried after a lost answer leaves an upload nobody completes: abort it.
    await abortPendingUploads(s3, target).catch(() => undefined);
    return { bytes: counter.bytes };
  }
  await abortPendingUploads(s3, target).catch(() => undefined);
  throw failure.error;
}

/** Abort every multipart upload still pending under exactly this key. */
export async function abortPendingUploads(s3: S3Client, target: { bucket: string; key: string }): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: target.bucket,
        Prefix: target.key,
        ...(keyMarker ? { KeyMarker: keyMarker } : {}),
        ...(uploadIdMarker ? { UploadIdMarker: uploadIdMarker } : {}),
      }),
    );
    for (const pending of page.Uploads ?? []) {
      if (pending.Key !== target.key || !pending.UploadId) continue;
      await s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: pending.UploadId }));
      aborted += 1;
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  return aborted;
}
