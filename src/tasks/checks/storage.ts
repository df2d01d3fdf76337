import type { Config } from '../../config/schema.js';
import type { BucketPresence } from '../storage/bucket-lookup.js';
import { reviewBucket, SETTING, type BucketSettings } from '../storage/bucket-settings.js';
import { backupBucketName, bucketNamePlaceholder, DB_DUMP_PREFIX, LIFECYCLE_DAYS, LIFECYCLE_RULE_ID } from '../storage/names.js';
import { recreateHint } from './live-find.js';
import { fail, pass, skip, type Check, type CheckContext, type CheckGroup, type CheckResult } from './types.js';

/**
 * The `storage` group, bucket side: the backup bucket exists and has the lifecycle rule for the dumps
 * under backups/. (Its public access block (S3.8), encryption and versioning are security checks,
 * security-s3.ts; the dumps themselves and the timer are the backups checks, in this group.)
 */

/**
 * The backup bucket's name, derived as the storage step names it (account + region), never read from
 * the state file: with the state lost, the checks still find the bucket. Every bucket check uses this.
 */
export const backupBucketOf = async (ctx: CheckContext) => backupBucketName(ctx.config, await ctx.live.account(), ctx.aws.region);

/** How a bucket that is not accessible reads in evidence. */
export function presenceText(presence: Exclude<BucketPresence, 'accessible'>): string {
  if (presence === 'absent') return 'missing';
  if (presence === 'other-region') return 'in another region';
  return 'not readable by this account (403)';
}

/** The bucket's settings, or the result saying why they cannot be read (a missing bucket is `storage.bucket.exists`'s failure). */
async function bucketSettingsOf(ctx: CheckContext): Promise<{ bucket: string; settings: BucketSettings } | { result: CheckResult }> {
  const bucket = await backupBucketOf(ctx);
  const presence = await ctx.live.bucketPresence(bucket);
  if (presence !== 'accessible') return { result: skip(`not checked: bucket ${bucket} is ${presenceText(presence)}`, 'see storage.bucket.exists') };
  return { bucket, settings: await ctx.live.bucketSettings(bucket) };
}

/** A check judging the backup bucket's settings; skipped (see storage.bucket.exists) when the bucket cannot be read. */
export function bucketCheck(id: string, group: CheckGroup, title: string, judge: (bucket: string, settings: BucketSettings) => CheckResult): Check {
  return {
    id,
    group,
    title,
    async run(ctx) {
      const found = await bucketSettingsOf(ctx);
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
      const bucket = await backupBucketOf(ctx);
      const presence = await ctx.live.bucketPresence(bucket);
      if (presence === 'accessible') return pass(`${bucket} exists and belongs to account ${await ctx.live.account()}`);
      if (presence === 'absent') return fail(`bucket ${bucket} is missing`, recreateHint('storage'));
      if (presence === 'other-region') return fail(`bucket ${bucket} exists in another region than ${ctx.aws.region}`, 'run verify with the region the bucket was made in (--region), or delete it and run `aws-runbook up --only storage`');
      return fail(`bucket ${bucket} exists but this account cannot read it (403: another account's, or permissions)`, 'check the credentials in use (aws sts get-caller-identity) and the bucket owner');
    },
  };
}

export function storageChecks(config: Config): Check[] {
  return [
    existsCheck(config),
    bucketCheck('storage.bucket.lifecycle', 'storage', `The backup bucket has the lifecycle rule ${LIFECYCLE_RULE_ID} for ${DB_DUMP_PREFIX}`, (bucket, s) => {
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
