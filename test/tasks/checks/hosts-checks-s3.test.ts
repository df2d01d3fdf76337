import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/clients.js';
import { NO_HOSTS } from '../../../src/engine/context.js';
import { backupsChecks } from '../../../src/tasks/checks/backups.js';
import { LiveInventory } from '../../../src/tasks/checks/inventory.js';
import { runChecks } from '../../../src/tasks/checks/run-checks.js';
import type { CheckContext, CheckOutcome } from '../../../src/tasks/checks/types.js';
import { motoClients, startMoto, testConfig, type MotoServer } from '../../helpers/moto.js';

/** The dump freshness check against moto's S3 (ListObjectsV2, ListBuckets), and the timer check skipped without hosts. */

const config = testConfig({ suffix: 'Dumps' });
const BUCKET = 'dumps-backups-123456789012-us-east-2';
let moto: MotoServer;
let clients: AwsClients;

function context(bucket: string | undefined): CheckContext {
  return {
    config,
    project: 'dumps',
    aws: clients,
    hosts: NO_HOSTS,
    signal: new AbortController().signal,
    live: new LiveInventory(clients, 'dumps'),
    output: (stepId, key) => (stepId === 'storage.bucket' && key === 'bucketName' ? bucket : undefined),
  };
}

async function check(bucket: string | undefined = BUCKET): Promise<Record<string, CheckOutcome>> {
  const report = await runChecks(backupsChecks(config), context(bucket));
  return Object.fromEntries(report.checks.map((c) => [c.id, c]));
}

const put = (key: string, bytes: number) => clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.alloc(bytes, 7) }));

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto);
}, 60_000);
afterAll(async () => {
  clients?.destroy();
  await moto?.stop();
});

describe('storage.backups.fresh against S3', () => {
  it('fails, saying what to run, when no bucket is recorded or the bucket is gone', async () => {
    expect((await check(undefined))['storage.backups.fresh']).toMatchObject({ status: 'fail', hint: expect.stringContaining('up --only storage') });
    expect((await check())['storage.backups.fresh']).toMatchObject({ status: 'fail', evidence: `the bucket ${BUCKET} does not exist` });
  });

  it('a new bucket with no dump yet warns; the timer check is skipped without hosts', async () => {
    await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
    const byId = await check();
    expect(byId['storage.backups.fresh']).toMatchObject({ status: 'warn', evidence: expect.stringMatching(/^no dump under s3:\/\/dumps-backups-123456789012-us-east-2\/backups\/ yet \(the bucket is \d+ min old\)$/) });
    expect(byId['storage.backup-timer']?.status).toBe('skip');
  });

  it('the newest dump decides: an empty one fails, a fresh one with content passes; objects outside backups/ do not count', async () => {
    await put('backups/shop/2026-03-04T03:00:00.000Z.sql.gz', 4000);
    await put('notes/readme.txt', 10);
    expect((await check())['storage.backups.fresh']).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^newest dump backups\/shop\/2026-03-04T03:00:00\.000Z\.sql\.gz: 3\.9 KiB, \d+ min old; 1 database\(s\) dumped within 26 h$/) });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // S3 times have whole seconds
    await put('backups/wordpress/2026-03-04T03:00:01.000Z.sql.gz', 0);
    expect((await check())['storage.backups.fresh']).toMatchObject({ status: 'fail', evidence: expect.stringContaining('backups/wordpress/2026-03-04T03:00:01.000Z.sql.gz: 0 B') });
    for (const key of ['backups/shop/2026-03-04T03:00:00.000Z.sql.gz', 'backups/wordpress/2026-03-04T03:00:01.000Z.sql.gz', 'notes/readme.txt']) {
      await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    }
    await clients.s3.send(new DeleteBucketCommand({ Bucket: BUCKET }));
  });
});
