import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/clients.js';
import { abortPendingUploads, PART_SIZE, uploadStream } from '../../../src/tasks/backup/stream-upload.js';
import { motoClients, resetMoto, type MotoServer } from '../../helpers/moto.js';
import { workerMoto } from '../../helpers/worker-moto.js';

/** Streams of unknown length into S3 (moto): complete objects only when the source ends, nothing left otherwise. */

const BUCKET = 'stream-test';
const MiB = 1024 * 1024;
let moto: MotoServer;
let clients: AwsClients;
let sent: string[];

beforeAll(async () => {
  moto = await workerMoto();
  clients = motoClients(moto);
  sent = [];
  clients.s3.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push((context.commandName ?? '').replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'testJournal' },
  );
});
afterAll(async () => {
  clients?.destroy();
  await moto?.stop();
});
beforeEach(async () => {
  await resetMoto(moto);
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
  sent.length = 0;
});

/** `total` random bytes in 64 KiB chunks (hashed as they go), then an end or the error `failWith`. */
function source(total: number, failWith?: Error): { stream: Readable; sha256: () => string } {
  const hash = createHash('sha256');
  async function* chunks() {
    for (let left = total; left > 0; left -= 64 * 1024) {
      const chunk = randomBytes(Math.min(64 * 1024, left));
      hash.update(chunk);
      yield chunk;
    }
    if (failWith) throw failWith;
  }
  return { stream: Readable.from(chunks()), sha256: () => hash.digest('hex') };
}

async function objectSha256(s3: S3Client, key: string): Promise<string> {
  const body = (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body;
  return createHash('sha256').update(Buffer.from(await body!.transformToByteArray())).digest('hex');
}
const exists = (key: string) =>
  clients.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key })).then(
    () => true,
    (error: { name?: string }) => (error.name === 'NotFound' ? false : Promise.reject(error)),
  );
const pending = async () => (await clients.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? [];

describe('uploadStream', () => {
  it('puts a 20 MiB stream of unknown length as one object, byte for byte, in parts', async () => {
    const src = source(20 * MiB);
    const { bytes } = await uploadStream(clients.s3, { bucket: BUCKET, key: 'backups/a.sql.gz', contentType: 'application/gzip' }, src.stream);
    expect(bytes).toBe(20 * MiB);
    expect(await objectSha256(clients.s3, 'backups/a.sql.gz')).toBe(src.sha256());
    expect(sent.filter((a) => a === 'UploadPart')).toHaveLength(Math.ceil((20 * MiB) / PART_SIZE));
    expect(sent).toContain('CompleteMultipartUpload');
    expect(await pending()).toEqual([]);
  });

  it('a source that fails after several parts aborts the multipart upload: the error comes back, no object, nothing pending', async () => {
    const failure = new Error('"mariadb-dump shop | gzip" failed on ecommerce with exit code 2');
    const src = source(20 * MiB, failure);
    await expect(uploadStream(clients.s3, { bucket: BUCKET, key: 'backups/b.sql.gz' }, src.stream)).rejects.toBe(failure);
    expect(sent.filter((a) => a === 'UploadPart').length).toBeGreaterThanOrEqual(2);
    expect(sent).toContain('AbortMultipartUpload');
    expect(sent).not.toContain('CompleteMultipartUpload');
    expect(await exists('backups/b.sql.gz')).toBe(false);
    expect(await pending()).toEqual([]);
  });

  it('a short source that fails is never sent: no PutObject before the end', async () => {
    const failure = new Error('dump failed');
    await expect(uploadStream(clients.s3, { bucket: BUCKET, key: 'backups/c.sql.gz' }, source(1000, failure).stream)).rejects.toBe(failure);
    expect(sent.filter((a) => a === 'PutObject' || a === 'CreateMultipartUpload')).toEqual([]);
    expect(await exists('backups/c.sql.gz')).toBe(false);
  });

  it('an S3 failure stops the source (a remote producer must not stay blocked) and comes back', async () => {
    const endless = Readable.from(
      (async function* () {
        for (;;) yield randomBytes(64 * 1024);
      })(),
    );
    await expect(uploadStream(clients.s3, { bucket: 'no-such-bucket', key: 'k' }, endless)).rejects.toMatchObject({ name: 'NoSuchBucket' });
    expect(endless.destroyed).toBe(true);
  });

  it('abortPendingUploads aborts the uploads of exactly that key', async () => {
    for (const key of ['backups/d.sql.gz', 'backups/d.sql.gz', 'backups/d.sql.gz.other']) {
      await clients.s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    }
    expect(await abortPendingUploads(clients.s3, { bucket: BUCKET, key: 'backups/d.sql.gz' })).toBe(2);
    expect((await pending()).map((u) => u.Key)).toEqual(['backups/d.sql.gz.other']);
  });
});
