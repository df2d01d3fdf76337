import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketAclCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { classifyAwsError } from '../../src/aws/errors.js';
import { createStepContext } from '../../src/engine/context.js';
import type { Step } from '../../src/engine/types.js';
import { ABSENT } from '../../src/tasks/found.js';
import { backupBucketName, countBucketVersions, storageSteps } from '../../src/tasks/storage.js';
import { BLOCK_ALL_PUBLIC_ACCESS, SETTING } from '../../src/tasks/storage/bucket-settings.js';
import { DELETE_BATCH, emptyBucket } from '../../src/tasks/storage/empty-bucket.js';
import {
  destroySteps,
  loseFirstAnswer,
  MemoryHost,
  motoClients,
  mutatingCalls,
  resetMoto,
  runSteps,
  testConfig,
  type JournalEntry,
  type MotoServer,
} from '../helpers/moto.js';
import type { SentCommand } from '../helpers/call-journal.js';
import { useMotoTasks } from '../helpers/moto-tasks.js';

const config = testConfig();
const BUCKET = 'bfhk-backups-123456789012-us-east-2';
const STEP = 'storage.bucket';
const ALL_PUTS = ['PutBucketTagging', 'PutPublicAccessBlock', 'PutBucketEncryption', 'PutBucketVersioning', 'PutBucketLifecycleConfiguration'];

/** Block Public Access with every setting off (loosened by hand). */
const NO_BLOCK = { BlockPublicAcls: false, IgnorePublicAcls: false, BlockPublicPolicy: false, RestrictPublicBuckets: false };
const BLOCK_UNFINISHED = SETTING.publicAccessBlock;

/** The reads sent (S3's GET, HEAD and LIST calls), in order. */
const reads = (journal: readonly JournalEntry[]) => journal.flatMap((e) => (e.type === 'call' && !e.mutating ? [e.action] : []));

describe('backupBucketName', () => {
  it('is lower-case, carries the account and region, and is a valid S3 name', () => {
    expect(backupBucketName(config, '123456789012', 'us-east-2')).toBe(BUCKET);
    const longest = backupBucketName(testConfig({ suffix: 'ABCDEFGHIJKL' }), '123456789012', 'ap-southeast-3');
    expect(longest.length).toBeLessThanOrEqual(63);
    expect(longest).toMatch(/^[a-z0-9][a-z0-9-]+[a-z0-9]$/);
    expect(() => backupBucketName(config, '123456789012', 'US_EAST')).toThrow(/not a valid S3 bucket name/);
  });
});

describe('storage section against moto', () => {
  let moto: MotoServer;
  let clients: AwsClients;
  let journal: JournalEntry[];
  let sent: SentCommand[];
  let host: MemoryHost;
  let step: Step;
  const ctx = () => createStepContext(host, STEP);

  useMotoTasks({ config, journaled: ['s3', 'sts'] }, (rig) => {
    ({ moto, clients, journal, sent, host } = rig);
    [step] = storageSteps(config) as [Step];
  });

  /** The bucket's name taken by another account (moto's x-moto-account-id header). */
  async function otherAccountsBucket(): Promise<void> {
    const other = motoClients(moto);
    other.s3.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = '111111111111';
        return next(args);
      },
      { step: 'build', name: 'anotherAccount' },
    );
    await other.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));
    other.destroy();
  }

  /** A bucket made outside the tool, bare as `aws s3 mb` leaves it. */
  const bareBucket = () => clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'us-east-2' } }));

  async function expectFullyConfigured(): Promise<void> {
    const s3 = clients.s3;
    expect((await s3.send(new GetBucketLocationCommand({ Bucket: BUCKET }))).LocationConstraint).toBe('us-east-2');
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: BUCKET }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
    const encryption = await s3.send(new GetBucketEncryptionCommand({ Bucket: BUCKET }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).toBe('AES256');
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BUCKET }))).Status).toBe('Enabled');
    const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }));
    expect(lifecycle.Rules?.find((r) => r.ID === 'aws-runbook-db-dumps')).toEqual({
      ID: 'aws-runbook-db-dumps',
      Status: 'Enabled',
      Filter: { Prefix: 'backups/' },
      Transitions: [{ Days: 30, StorageClass: 'STANDARD_IA' }],
      Expiration: { Days: 365 },
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
    });
    expect((await s3.send(new GetBucketTaggingCommand({ Bucket: BUCKET }))).TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'Name', Value: BUCKET },
        { Key: 'aws-runbook:project', Value: 'bfhk' },
        { Key: 'aws-runbook:step', Value: STEP },
      ]),
    );
  }

  it('creates the bucket and sets every setting, each read back; the account is asked once', async () => {
    const report = await runSteps([step], host);
    expect(report.runs[0]?.found).toEqual(ABSENT);
    await expectFullyConfigured();
    expect(host.outputsOf(STEP)).toEqual({ bucketName: BUCKET, bucketArn: `arn:aws:s3:::${BUCKET}` });
    expect(mutatingCalls(journal)).toEqual(['CreateBucket', ...ALL_PUTS]);
    expect(sent.find((s) => s.action === 'CreateBucket')?.input).toEqual({
      Bucket: BUCKET,
      CreateBucketConfiguration: { LocationConstraint: 'us-east-2', Tags: ctx().tags(BUCKET) },
    });
    expect(sent.filter((s) => s.action === 'GetCallerIdentity')).toHaveLength(1);
    // Every mutation announced in the state first, and the name recorded right after the create.
    for (const [i, entry] of journal.entries()) {
      if (entry.type === 'call' && entry.mutating) expect(journal[i - 1], entry.action).toMatchObject({ type: 'begin', action: entry.action });
    }
    const create = journal.findIndex((e) => e.type === 'call' && e.action === 'CreateBucket');
    expect(journal.findIndex((e) => e.type === 'record')).toBeGreaterThan(create);
    expect(journal.findIndex((e) => e.type === 'record')).toBeLessThan(journal.findIndex((e) => e.type === 'call' && e.action === 'PutBucketTagging'));
  });

  it('on a rerun finds it present, ours and complete, and sends nothing that changes anything', async () => {
    await runSteps([step], host);
    journal.length = 0;
    const found = await step.find(ctx());
    expect(found).toEqual({ kind: 'present', outputs: host.outputsOf(STEP), ours: true, differences: [], unfinished: [] });
    expect(step.preview(ctx(), found).cli).toEqual([]);
    await runSteps([step], new MemoryHost(config, clients, journal));
    expect(mutatingCalls(journal)).toEqual([]);
  });

  it('adopts a bucket of ours made by hand (BucketAlreadyOwnedByYou) and only PUTs what it lacks', async () => {
    await bareBucket();
    const found = await step.find(ctx());
    expect(found).toMatchObject({ kind: 'present', ours: true, differences: [] });
    expect(found.kind === 'present' && found.unfinished).toHaveLength(5);

    // Forced as if find had seen nothing: CreateBucket answers BucketAlreadyOwnedByYou, which is success here.
    journal.length = 0;
    await expect(step.apply(ctx(), ABSENT)).resolves.toEqual({ bucketName: BUCKET, bucketArn: `arn:aws:s3:::${BUCKET}` });
    expect(mutatingCalls(journal)).toEqual(['CreateBucket', ...ALL_PUTS]);
    expect(host.progressLines).toContain(`${STEP}: bucket ${BUCKET} already exists in this account: adopted`);
    await expectFullyConfigured();
    expect((await clients.s3.send(new ListBucketsCommand({}))).Buckets?.map((b) => b.Name)).toEqual([BUCKET]);
  });

  it('finishes a half-configured bucket (versioning suspended) with only that PUT', async () => {
    await runSteps([step], host);
    await clients.s3.send(new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Suspended' } }));
    journal.length = 0;
    const found = await step.find(ctx());
    expect(found).toEqual({ kind: 'present', outputs: host.outputsOf(STEP), ours: true, differences: [], unfinished: ['turn versioning back on (it is Suspended)'] });
    expect(step.preview(ctx(), found).cli).toEqual([`aws s3api put-bucket-versioning --bucket ${BUCKET} --versioning-configuration Status=Enabled`]);
    await step.apply(ctx(), found);
    expect(mutatingCalls(journal)).toEqual(['PutBucketVersioning']);
    await expectFullyConfigured();
  });

  it('resets a changed lifecycle rule of ours and keeps the rules of others', async () => {
    await runSteps([step], host);
    await clients.s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: BUCKET,
        LifecycleConfiguration: {
          Rules: [
            { ID: 'aws-runbook-db-dumps', Status: 'Enabled', Filter: { Prefix: 'db/' }, Expiration: { Days: 3 } },
            { ID: 'someone-elses', Status: 'Enabled', Filter: { Prefix: 'tmp/' }, Expiration: { Days: 1 } },
          ],
        },
      }),
    );
    journal.length = 0;
    const found = await step.find(ctx());
    expect(found).toMatchObject({ kind: 'present', ours: true, differences: [], unfinished: ['reset the lifecycle rule aws-runbook-db-dumps (it was changed)'] });
    expect(step.preview(ctx(), found).cli[0]).toContain(`aws s3api put-bucket-lifecycle-configuration --bucket ${BUCKET} --lifecycle-configuration '{"Rules":[{"ID":"aws-runbook-db-dumps"`);
    await step.apply(ctx(), found);
    expect(mutatingCalls(journal)).toEqual(['PutBucketLifecycleConfiguration']);
    await expectFullyConfigured();
    const rules = (await clients.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: BUCKET }))).Rules ?? [];
    expect(rules.map((r) => r.ID).sort()).toEqual(['aws-runbook-db-dumps', 'someone-elses']);
  });

  it('a CreateBucket whose answer is lost is found in the account and not duplicated', async () => {
    const lost = loseFirstAnswer(clients.s3, 'CreateBucketCommand');
    await step.apply(ctx(), ABSENT);
    expect(lost()).toBe(true);
    expect(mutatingCalls(journal).filter((a) => a === 'CreateBucket')).toHaveLength(1);
    await expectFullyConfigured();
  });

  it('names the conflicts: a name held by another account, another project’s bucket, a public policy', async () => {
    await otherAccountsBucket();
    journal.length = 0;
    const taken = await step.find(ctx());
    expect(taken).toEqual({ kind: 'present', outputs: {}, ours: false, differences: [`bucket ${BUCKET} exists but does not belong to account 123456789012`], unfinished: [] });
    const refused = await step.apply(ctx(), ABSENT).catch((e: unknown) => e);
    expect(classifyAwsError(refused)).toMatchObject({ kind: 'conflict', message: `the bucket name ${BUCKET} is taken by another AWS account (bucket names are global)` });
    expect(mutatingCalls(journal)).toEqual(['CreateBucket']);

    // Real S3 answers 403 to HeadBucket with another account as ExpectedBucketOwner (moto ignores it).
    const forbidden = motoClients(moto);
    forbidden.s3.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'HeadBucketCommand') return next(args);
        throw Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } });
      },
      { step: 'initialize', name: 'headBucketForbidden' },
    );
    expect(await step.find(createStepContext(new MemoryHost(config, forbidden), STEP))).toMatchObject({
      ours: false,
      differences: [`bucket ${BUCKET} exists but HeadBucket is refused (403): it belongs to another account, or this identity may not read it`],
    });
    forbidden.destroy();

    await resetMoto(moto);
    await bareBucket();
    await clients.s3.send(new PutBucketTaggingCommand({ Bucket: BUCKET, Tagging: { TagSet: [{ Key: 'aws-runbook:project', Value: 'other' }] } }));
    const foreign = await step.find(ctx());
    expect(foreign).toMatchObject({ kind: 'present', ours: false });
    expect(foreign.kind === 'present' && foreign.differences[0]).toContain('tag is "other", not "bfhk"');
    await expect(step.apply(ctx(), ABSENT)).rejects.toMatchObject({ name: 'RunbookConflict' });

    // A public policy is put where Block Public Access was loosened first (with BlockPublicPolicy on, S3
    // refuses a public policy; moto does not enforce it).
    await resetMoto(moto);
    await runSteps([step], host);
    await clients.s3.send(new PutPublicAccessBlockCommand({ Bucket: BUCKET, PublicAccessBlockConfiguration: NO_BLOCK }));
    const policy = { Version: '2012-10-17', Statement: [{ Sid: 'Open', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] };
    await clients.s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(policy) }));
    const open = await step.find(ctx());
    expect(open).toMatchObject({ kind: 'present', ours: true, unfinished: [BLOCK_UNFINISHED] });
    expect(open.kind === 'present' && open.differences[0]).toContain('its bucket policy allows everyone (Principal "*") in statement Open');
    expect(step.preview(ctx(), open).summary).toMatch(/^Conflict: /);
  });

  it('a public ACL is a conflict while Block Public Access is loosened; with all four settings on, policy and ACL are not read (they cannot make it public)', async () => {
    await runSteps([step], host);
    await clients.s3.send(new PutPublicAccessBlockCommand({ Bucket: BUCKET, PublicAccessBlockConfiguration: NO_BLOCK }));
    await clients.s3.send(new PutBucketAclCommand({ Bucket: BUCKET, ACL: 'public-read' }));
    journal.length = 0;
    const open = await step.find(ctx());
    expect(open).toMatchObject({ kind: 'present', ours: true, unfinished: [BLOCK_UNFINISHED] });
    expect(open.kind === 'present' && open.differences).toEqual([
      `bucket ${BUCKET} must be private but its ACL grants AllUsers (READ): aws s3api put-bucket-acl --bucket ${BUCKET} --acl private, then rerun`,
    ]);
    expect(reads(journal)).toEqual(expect.arrayContaining(['GetPublicAccessBlock', 'GetBucketPolicy', 'GetBucketAcl']));

    // The block put back (the ACL stays: S3 then ignores it, IgnorePublicAcls): private, and two reads fewer.
    await clients.s3.send(new PutPublicAccessBlockCommand({ Bucket: BUCKET, PublicAccessBlockConfiguration: BLOCK_ALL_PUBLIC_ACCESS }));
    journal.length = 0;
    expect(await step.find(ctx())).toMatchObject({ kind: 'present', ours: true, differences: [], unfinished: [] });
    expect(reads(journal)).toContain('GetPublicAccessBlock');
    expect(reads(journal)).not.toContain('GetBucketPolicy');
    expect(reads(journal)).not.toContain('GetBucketPolicyStatus');
    expect(reads(journal)).not.toContain('GetBucketAcl');
  });

  it('a bucket its step is recorded done with: one ListBuckets for this account and region stands for HeadBucket; a name not listed still gets HeadBucket', async () => {
    await runSteps([step], host);
    const recorded = new MemoryHost(config, clients, journal);
    recorded.done.set(STEP, { bucketName: BUCKET, bucketArn: `arn:aws:s3:::${BUCKET}` });
    const find = () => step.find(createStepContext(recorded, STEP));
    journal.length = 0;
    sent.length = 0;
    expect(await find()).toEqual({ kind: 'present', outputs: { bucketName: BUCKET, bucketArn: `arn:aws:s3:::${BUCKET}` }, ours: true, differences: [], unfinished: [] });
    expect(reads(journal)).not.toContain('HeadBucket');
    expect(sent.filter((c) => c.action === 'ListBuckets').map((c) => c.input)).toEqual([{ Prefix: BUCKET, BucketRegion: 'us-east-2' }]);

    // Deleted since, and the name taken by another account: not in our list, so HeadBucket and the
    // unfiltered list are asked as without a record, and the conflict is the same.
    await resetMoto(moto);
    expect(await find()).toEqual(ABSENT);
    await otherAccountsBucket();
    journal.length = 0;
    expect(await find()).toEqual({ kind: 'present', outputs: {}, ours: false, differences: [`bucket ${BUCKET} exists but does not belong to account 123456789012`], unfinished: [] });
    expect(reads(journal)).toEqual(['ListBuckets', 'HeadBucket', 'ListBuckets']);
  });

  it('previews the CLI (placeholder before the account is known), the seed slip, SSE-S3 and a usage-based cost', async () => {
    const offline = step.preview(ctx(), ABSENT);
    expect(offline.cli[0]).toBe('ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)');
    expect(offline.cli[1]).toMatch(/^aws s3api create-bucket --bucket bfhk-backups-\$ACCOUNT_ID-us-east-2 --region us-east-2 --create-bucket-configuration '\{"LocationConstraint":"us-east-2","Tags":\[/);

    const found = await step.find(ctx());
    const preview = step.preview(ctx(), found);
    expect(preview.cli).toEqual([
      `aws s3api create-bucket --bucket ${BUCKET} --region us-east-2 --create-bucket-configuration '{"LocationConstraint":"us-east-2","Tags":[{"Key":"Name","Value":"${BUCKET}"},{"Key":"aws-runbook:project","Value":"bfhk"},{"Key":"aws-runbook:step","Value":"storage.bucket"}]}'`,
      `aws s3api put-bucket-tagging --bucket ${BUCKET} --tagging '{"TagSet":[{"Key":"Name","Value":"${BUCKET}"},{"Key":"aws-runbook:project","Value":"bfhk"},{"Key":"aws-runbook:step","Value":"storage.bucket"}]}'`,
      `aws s3api put-public-access-block --bucket ${BUCKET} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
      `aws s3api put-bucket-encryption --bucket ${BUCKET} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}'`,
      `aws s3api put-bucket-versioning --bucket ${BUCKET} --versioning-configuration Status=Enabled`,
      `aws s3api put-bucket-lifecycle-configuration --bucket ${BUCKET} --lifecycle-configuration '{"Rules":[{"ID":"aws-runbook-db-dumps","Status":"Enabled","Filter":{"Prefix":"backups/"},"Transitions":[{"Days":30,"StorageClass":"STANDARD_IA"}],"Expiration":{"Days":365},"NoncurrentVersionExpiration":{"NoncurrentDays":30},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":7}}]}'`,
    ]);
    expect(preview.monthlyCostUsd).toBe(0);
    const notes = preview.notes?.join(' ') ?? '';
    expect(notes).toContain('aws s3 mb s3://bucket1-bfhk');
    expect(notes).toContain('SSE-S3 (AES256');
    expect(notes).toContain('$0.023 per GB-month');
  });

  /** 3 versions + a delete marker of one dump, 6 other dumps and a delete marker on one of them: 11 in all. */
  async function fillWithVersions(): Promise<void> {
    for (let round = 0; round < 3; round += 1) {
      await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'db/dump.sql.gz', Body: `dump ${round}` }));
    }
    await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'db/dump.sql.gz' }));
    const keys = Array.from({ length: 6 }, (_, i) => `db/old/${i}.sql.gz`);
    await Promise.all(keys.map((Key) => clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' }))));
    await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: keys[0] }));
  }

  it('destroy empties every version and delete marker, then deletes the bucket; the preview says how many; idempotent', async () => {
    await runSteps([step], host);
    const saved = host.outputsOf(STEP) ?? {};
    await fillWithVersions();
    expect(step.destroyPreview?.(ctx(), saved).summary).toBe(`Delete bucket ${BUCKET}: empties every object version and delete marker first`);
    expect(await countBucketVersions(ctx(), BUCKET)).toBe(11);
    expect(step.destroyPreview?.(ctx(), saved).summary).toBe(`Delete bucket ${BUCKET}: empties 11 object versions (versions and delete markers) first`);

    journal.length = 0;
    sent.length = 0;
    await destroySteps([step], host);
    expect(sent.filter((s) => s.action === 'ListObjectVersions').map((s) => s.input.MaxKeys)).toEqual([1000, 1000]);
    expect(sent.filter((s) => s.action === 'DeleteObjects').map((s) => (s.input.Delete as { Objects: unknown[] }).Objects.length)).toEqual([11]);
    expect(mutatingCalls(journal)).toEqual(['DeleteObjects', 'DeleteBucket']);
    await expect(clients.s3.send(new HeadBucketCommand({ Bucket: BUCKET }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 404 } });
    expect(await countBucketVersions(clients, BUCKET)).toBe(0);
    expect(await step.find(ctx())).toEqual(ABSENT);

    host.outputs.set(STEP, saved);
    await expect(destroySteps([step], host)).resolves.toEqual([STEP]);
    expect(host.progressLines.at(-1)).toBe(`${STEP}: DeleteBucket: already gone`);
  });

  it('empties in batches no larger than a page, listing again from the start until nothing is left', async () => {
    expect(DELETE_BATCH).toBe(1000);
    await runSteps([step], host);
    await fillWithVersions();
    journal.length = 0;
    await expect(emptyBucket(ctx(), BUCKET, 4)).resolves.toBe(11);
    expect(sent.filter((s) => s.action === 'DeleteObjects').map((s) => (s.input.Delete as { Objects: unknown[] }).Objects.length)).toEqual([4, 4, 3]);
    expect(await countBucketVersions(clients, BUCKET)).toBe(0);
    expect(host.progressLines.at(-1)).toBe(`${STEP}: ${BUCKET}: 11 object version(s) and delete marker(s) deleted`);
  });
});
