import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/clients.js';
import { NO_HOSTS } from '../../../src/engine/context.js';
import { backupsChecks } from '../../../src/tasks/checks/backups.js';
import { LiveInventory } from '../../../src/tasks/checks/inventory.js';
import { runChecks } from '../../../src/tasks/checks/run-checks.js';
import type { CheckContext, CheckOutcome } from '../../../src/tasks/checks/types.js';
import { motoClients, testConfig, type MotoServer } from '../../helpers/moto.js';
import { workerMoto } from '../../helpers/worker-moto.js';

/**
 * The dump freshness check against moto's S3 (HeadBucket, ListObjectsV2, ListBuckets), and the timer
 * check skipped without hosts. The bucket is named from the account (moto's STS: 123456789012) and the
 * region, never from the state file: `recorded` plays a state file that is lost or out of date.
 */

const config = testConfig({ suffix: 'Dumps' });
const BUCKET = 'dumps-backups-123456789012-us-east-2';
let moto: MotoServer;
let clients: AwsClients;

function context(recorded: string | undefined): CheckContext {
  return {
    config,
    project: 'dumps',
    aws: clients,
    hosts: NO_HOSTS,
    signal: new AbortController().signal,
    live: new LiveInventory(clients, 'dumps'),
    output: (stepId, key) => (stepId === 'storage.bucket' && key === 'bucketName' ? recorded : undefined),
  };
}

async function check(recorded: string | undefined = BUCKET): Promise<Record<string, CheckOutcome>> {
  const report = await runChecks(backupsChecks(config), context(recorded));
  return Object.fromEntries(report.checks.map((c) => [c.id, c]));
}

const put = (key: string, bytes: number) => clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.alloc(bytes, 7) }));

beforeAll(async () => {
  moto = await workerMoto();
  clients = motoClients(moto);
}, 60_000);
afterAll(async () => {
  clients?.destroy();
  await moto?.stop();
});

describe('storage.backups.fresh against S3', () => {
  it('a missing bucket fails, named from the account and region whatever the state file says, with the command that recreates it', async () => {
    for (const recorded of [BUCKET, undefined, 'some-other-bucket']) {
      expect((await check(recorded))['storage.backups.fresh'], String(recorded)).toMatchObject({
        status: 'fail',
        evidence: `no dump can be read: bucket ${BUCKET} is missing`,
        hint: expect.stringMatching(/^run `aws-runbook up --only storage` to create it again .*the dumps it held are gone/),
      });
    }
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
    const fresh = expect.stringMatching(/^newest dump backups\/shop\/2026-03-04T03:00:00\.000Z\.sql\.gz: 3\.9 KiB, \d+ min old; 1 database\(s\) dumped within 26 h$/);
    expect((await check())['storage.backups.fresh']).toMatchObject({ status: 'pass', evidence: fresh });
    // The state file lost, or recording another bucket: the same bucket is read all the same.
    expect((await check(undefined))['storage.backups.fresh']).toMatchObject({ status: 'pass', evidence: fresh });
    expect((await check('some-other-bucket'))['storage.backups.fresh']).toMatchObject({ status: 'pass', evidence: fresh });
    await new Promise((resolve) => setTimeout(resolve, 1100)); // S3 times have whole seconds
    await put('backups/wordpress/2026-03-04T03:00:01.000Z.sql.gz', 0);
    expect((await check())['storage.backups.fresh']).toMatchObject({ status: 'fail', evidence: expect.stringContaining('backups/wordpress/2026-03-04T03:00:01.000Z.sql.gz: 0 B') });
    for (const key of ['backups/shop/2026-03-04T03:00:00.000Z.sql.gz', 'backups/wordpress/2026-03-04T03:00:01.000Z.sql.gz', 'notes/readme.txt']) {
      await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
    }
    await clients.s3.send(new DeleteBucketCommand({ Bucket: BUCKET }));
  });
});
