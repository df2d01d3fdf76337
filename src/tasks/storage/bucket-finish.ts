import {
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { shellQuote } from '../../aws/cli.js';
import type { AwsTag, StepContext } from '../../engine/types.js';
import { mutate } from '../mutation.js';
import { BLOCK_ALL_PUBLIC_ACCESS, reviewBucket, SETTING, WANTED_ENCRYPTION, WANTED_LIFECYCLE_RULE, type BucketSettings } from './bucket-settings.js';
import { LIFECYCLE_RULE_ID } from './names.js';

/**
 * The PUTs that finish a bucket, only those `reviewBucket` says are missing. Each PUT is
 * idempotent; tagging and lifecycle replace the whole set, so what others added is kept.
 * Tags go first: a run stopped right after them leaves a bucket that is recognisably ours.
 */
export async function finishBucket(ctx: StepContext, bucket: string, settings: BucketSettings, tags: readonly AwsTag[]): Promise<void> {
  const { unfinished } = reviewBucket(bucket, settings, tags);
  const todo = new Set<string>(unfinished);
  const s3 = ctx.aws.s3;
  if (todo.has(SETTING.tags)) {
    const keys = new Set(tags.map((t) => t.Key));
    const TagSet = [...settings.tags.filter((t) => !keys.has(t.Key ?? '')), ...tags.map((t) => ({ Key: t.Key, Value: t.Value }))];
    await mutate(ctx, 'PutBucketTagging', (abortSignal) => s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet } }), { abortSignal }));
  }
  if (todo.has(SETTING.publicAccessBlock)) {
    await mutate(ctx, 'PutPublicAccessBlock', (abortSignal) =>
      s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: BLOCK_ALL_PUBLIC_ACCESS }), { abortSignal }),
    );
  }
  if (todo.has(SETTING.encryption)) {
    await mutate(ctx, 'PutBucketEncryption', (abortSignal) =>
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket: bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: WANTED_ENCRYPTION } }] },
        }),
        { abortSignal },
      ),
    );
  }
  if (todo.has(SETTING.versioning) || todo.has(SETTING.versioningSuspended)) {
    await mutate(ctx, 'PutBucketVersioning', (abortSignal) =>
      s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }), { abortSignal }),
    );
  }
  if (todo.has(SETTING.lifecycle) || todo.has(SETTING.lifecycleChanged)) {
    const Rules = [...settings.lifecycleRules.filter((r) => r.ID !== LIFECYCLE_RULE_ID), WANTED_LIFECYCLE_RULE];
    await mutate(ctx, 'PutBucketLifecycleConfiguration', (abortSignal) =>
      s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket: bucket, LifecycleConfiguration: { Rules } }), { abortSignal }),
    );
  }
}

const json = (value: unknown) => shellQuote(JSON.stringify(value));

/** The `aws s3api` lines for these unfinished settings (all of them for a new bucket). */
export function finishCliLines(bucket: string, unfinished: readonly string[], tags: readonly AwsTag[]): string[] {
  const has = (...settings: string[]) => settings.some((s) => unfinished.includes(s));
  return [
    ...(has(SETTING.tags) ? [`aws s3api put-bucket-tagging --bucket ${bucket} --tagging ${json({ TagSet: tags })}`] : []),
    ...(has(SETTING.publicAccessBlock)
      ? [`aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`]
      : []),
    ...(has(SETTING.encryption)
      ? [`aws s3api put-bucket-encryption --bucket ${bucket} --server-side-encryption-configuration ${json({ Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: WANTED_ENCRYPTION } }] })}`]
      : []),
    ...(has(SETTING.versioning, SETTING.versioningSuspended) ? [`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled`] : []),
    ...(has(SETTING.lifecycle, SETTING.lifecycleChanged)
      ? [`aws s3api put-bucket-lifecycle-configuration --bucket ${bucket} --lifecycle-configuration ${json({ Rules: [WANTED_LIFECYCLE_RULE] })}`]
      : []),
  ];
}

export const ALL_SETTINGS: readonly string[] = [SETTING.tags, SETTING.publicAccessBlock, SETTING.encryption, SETTING.versioning, SETTING.lifecycle];
