import type { Config } from '../../config/schema.js';
import { BLOCK_ALL_PUBLIC_ACCESS, reviewBucket, SETTING, type BucketSettings } from '../storage/bucket-settings.js';
import { backupBucketName, bucketNamePlaceholder, DB_DUMP_PREFIX, LIFECYCLE_DAYS, LIFECYCLE_RULE_ID } from '../storage/names.js';
import { recreateHint } from './live-find.js';
import { fail, pass, skip, type Check, type CheckContext, type CheckResult } from './types.js';

/**
 * The `storage` group, bucket side: the backup bucket exists, blocks all public access (S3.8), has
 * default encryption and versioning on, and the lifecycle rule for the dumps under backups/. (The
 * dumps themselves and the timer are the backups checks, in the same group.)
 */

const bucketOf = async (ctx: CheckContext) => backupBucketName(ctx.config, await ctx.live.account(), ctx.aws.region);

/** The bucket's settings, or the result saying why they cannot be read (a missing bucket is `storage.bucket.exists`'s failure). */
async function settingsOf(ctx: CheckContext): Promise<{ bucket: string; settings: BucketSettings } | { result: CheckResult }> {
  const bucket = await bucketOf(ctx);
  const presence = await ctx.live.bucketPresence(bucket);
  if (presence !== 'accessible') return { result: skip(`not checked: bucket ${bucket} is ${presence === 'absent' ? 'missing' : presence}`, 'see storage.bucket.exists') };
  return { bucket, settings: await ctx.live.bucketSettings(bucket) };
}

function bucketCheck(id: string, title: string, judge: (bucket: string, settings: BucketSettings) => CheckResult): Check {
  return {
    id,
    group: 'storage',
    title,
    async run(ctx) {
      const found = await settingsOf(ctx);
      return 'result' in found ? found.result : judge(found.bucket, found.settings);
    },
  };
}

function existsCheck(config: Config): Check {
  return {
    id: 'storage.bucket.exists',
    group: 'storage',
    title: `The backup bucket ${bucketNamePlaceholder(config).replace('$ACCOUNT_ID', '<account>')} exists in this account`,
    async run(ctx) {
      const bucket = await bucketOf(ctx);
      const presence = await ctx.live.bucketPresence(bucket);
      if (presence === 'accessible') return pass(`${bucket} exists and belongs to account ${await ctx.live.account()}`);
      if (presence === 'absent') return fail(`bucket ${bucket} is missing`, recreateHint('storage'));
      if (presence === 'other-region') return fail(`bucket ${bucket} exists in another region than ${ctx.aws.region}`, 'run verify with the region the bucket was made in (--region), or delete it and run `aws-runbook up --only storage`');
      return fail(`bucket ${bucket} exists but this account cannot read it (403: another account's, or permissions)`, 'check the credentials in use (aws sts get-caller-identity) and the bucket owner');
    },
  };
}

const onOff = (value: boolean | undefined) => (value === true ? 'on' : 'off');

export function storageChecks(config: Config): Check[] {
  return [
    existsCheck(config),
    bucketCheck('storage.s3-8.public-access-blocked', 'S3.8: the backup bucket blocks all public access (the four settings)', (bucket, s) => {
      const block = s.publicAccessBlock ?? {};
      const flags = Object.keys(BLOCK_ALL_PUBLIC_ACCESS) as (keyof typeof BLOCK_ALL_PUBLIC_ACCESS)[];
      const off = flags.filter((f) => block[f] !== true);
      const text = flags.map((f) => `${f} ${onOff(block[f])}`).join(', ');
      if (off.length > 0) {
        return fail(
          `${bucket}: ${s.publicAccessBlock ? text : 'no public access block configured'}`,
          `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true (or run \`aws-runbook up --only storage\`)`,
        );
      }
      return pass(`${bucket}: ${text}`);
    }),
    bucketCheck('storage.bucket.encryption', 'The backup bucket has default encryption on', (bucket, s) =>
      s.encryption
        ? pass(`${bucket}: default encryption ${s.encryption}`)
        : fail(
            `${bucket} has no default encryption`,
            `aws s3api put-bucket-encryption --bucket ${bucket} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}' (or run \`aws-runbook up --only storage\`)`,
          ),
    ),
    bucketCheck('storage.bucket.versioning', 'The backup bucket has versioning Enabled', (bucket, s) =>
      s.versioning === 'Enabled'
        ? pass(`${bucket}: versioning Enabled`)
        : fail(
            `${bucket}: versioning is ${s.versioning ?? 'never enabled'}: an overwritten or deleted dump cannot be recovered`,
            `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled (or run \`aws-runbook up --only storage\`)`,
          ),
    ),
    bucketCheck('storage.bucket.lifecycle', `The backup bucket has the lifecycle rule ${LIFECYCLE_RULE_ID} for ${DB_DUMP_PREFIX}`, (bucket, s) => {
      // The bucket step's own review says whether the rule is there as designed (tags do not matter here).
      const unfinished = reviewBucket(bucket, s, []).unfinished;
      if (unfinished.includes(SETTING.lifecycle)) return fail(`${bucket} has no lifecycle rule ${LIFECYCLE_RULE_ID}: old dumps are kept (and billed) forever`, 'run `aws-runbook up --only storage` to add it');
      if (unfinished.includes(SETTING.lifecycleChanged)) {
        const rule = s.lifecycleRules.find((r) => r.ID === LIFECYCLE_RULE_ID);
        return fail(`${bucket}: the lifecycle rule ${LIFECYCLE_RULE_ID} was changed (${JSON.stringify({ Status: rule?.Status, Filter: rule?.Filter, Expiration: rule?.Expiration })})`, 'run `aws-runbook up --only storage` to reset it');
      }
      return pass(`${bucket}: rule ${LIFECYCLE_RULE_ID} on ${DB_DUMP_PREFIX} (STANDARD_IA after ${LIFECYCLE_DAYS.transitionToInfrequentAccess} days, expired after ${LIFECYCLE_DAYS.expireCurrent}, old versions deleted after ${LIFECYCLE_DAYS.expireNoncurrent})`);
    }),
  ];
}
