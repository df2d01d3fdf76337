import { CreateBucketCommand, DeleteBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { shellQuote } from '../../aws/cli.js';
import { isAwsErrorCode, RunbookConflictError } from '../../aws/errors.js';
import { TAG_PROJECT } from '../../aws/tags.js';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { s3StandardMonthly } from '../costs.js';
import { tagOwnership, type LooseTag } from '../database/ownership.js';
import { ABSENT, adoptableOutputs, present } from '../found.js';
import { mutate } from '../mutation.js';
import { stepPreview, withMonthlyCost } from '../preview.js';
import { accountId, knownAccountId } from './account.js';
import { ALL_SETTINGS, finishBucket, finishCliLines } from './bucket-finish.js';
import { ownedByAccount } from './bucket-lookup.js';
import { readBucketSettings, reviewBucket } from './bucket-settings.js';
import { emptyBucket, knownVersionCount } from './empty-bucket.js';
import { backupBucketName, bucketArn, bucketNamePlaceholder, DB_DUMP_PREFIX, STORAGE_STEP_IDS } from './names.js';
import { BUCKET_NOTES, COST_NOTE } from './seed-notes.js';
import { inventoryOf } from '../inventory/of-context.js';

/** Empty-then-delete rounds: something (the backup timer) may still be writing while we delete. */
const DELETE_ROUNDS = 3;

/**
 * `storage.bucket` — outputs `bucketName`, `bucketArn`. The backup bucket: private, encrypted,
 * versioned, with the dump lifecycle rule, tagged.
 */
export function bucketStep(config: Config): Step {
  const id = STORAGE_STEP_IDS.bucket;

  async function nameFor(ctx: StepContext): Promise<string> {
    return backupBucketName(config, await accountId(ctx.aws, ctx.signal), ctx.aws.region);
  }

  /**
   * In our account, under our deterministic name: ours unless its tags name another project. A bucket
   * without our tags is one whose create answer (or tagging) was lost: the name carries our account id.
   */
  function ownership(ctx: StepContext, bucket: string, tags: readonly LooseTag[]) {
    if (!tags.some((t) => t.Key === TAG_PROJECT)) return { ours: true, problems: [] };
    return tagOwnership('bucket', bucket, tags, ctx.project, id);
  }

  async function create(ctx: StepContext, bucket: string): Promise<void> {
    const account = await accountId(ctx.aws, ctx.signal);
    const region = ctx.aws.region;
    const Tags = ctx.tags(bucket);
    const CreateBucketConfiguration = region === 'us-east-1' ? { Tags } : { LocationConstraint: region as BucketLocationConstraint, Tags };
    await mutate(
      ctx,
      'CreateBucket',
      async (abortSignal) => {
        try {
          await ctx.aws.s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration }), { abortSignal });
          inventoryOf(ctx).storage.bucketMade(bucket, account);
        } catch (error) {
          if (isAwsErrorCode(error, 'BucketAlreadyExists')) {
            throw new RunbookConflictError(
              `the bucket name ${bucket} is taken by another AWS account (bucket names are global)`,
              'Change `suffix` in the config (the bucket name is <suffix>-backups-<account>-<region>), then run `aws-runbook plan`.',
            );
          }
          if (!isAwsErrorCode(error, 'BucketAlreadyOwnedByYou')) throw error;
          const { problems } = ownership(ctx, bucket, (await readBucketSettings(ctx.aws.s3, bucket, ctx.signal)).tags);
          if (problems.length > 0) throw new RunbookConflictError(problems.join('; '), 'Rename or delete that bucket, or change the suffix in the config.');
          ctx.progress(`bucket ${bucket} already exists in this account: adopted`);
        }
        return true;
      },
      { refind: async () => ((await ownedByAccount(ctx.aws.s3, bucket, ctx.signal)) ? true : undefined) },
    );
  }

  return {
    id,
    section: 'storage',
    title: 'S3 backup bucket (private, encrypted, versioned, lifecycle)',
    needs: [],

    async find(ctx): Promise<FindResult> {
      const account = await accountId(ctx.aws, ctx.signal);
      const bucket = backupBucketName(config, account, ctx.aws.region);
      const storage = inventoryOf(ctx).storage;
      // A bucket its step is recorded done with is most likely there: this account's bucket list for this
      // region naming it says all that HeadBucket and the unfiltered list would (exists, ours, here) in one
      // call. Otherwise (and when it is not listed) HeadBucket first: it tells absent from someone else's.
      const listedHere = ctx.recordedAsDone()?.bucketName === bucket && (await storage.listedHere(bucket));
      if (!listedHere) {
        const presence = await storage.bucketPresence(bucket, account);
        if (presence === 'absent') return ABSENT;
        if (presence === 'forbidden') {
          return present({}, false, [`bucket ${bucket} exists but HeadBucket is refused (403): it belongs to another account, or this identity may not read it`]);
        }
        if (!(await storage.ownedByAccount(bucket))) {
          return present({}, false, [`bucket ${bucket} exists but does not belong to account ${account}`]);
        }
        if (presence === 'other-region') return present({}, false, [`bucket ${bucket} exists in another region than ${ctx.aws.region}`]);
      }
      const settings = await storage.settings(bucket);
      const owner = ownership(ctx, bucket, settings.tags);
      const review = reviewBucket(bucket, settings, ctx.tags(bucket));
      const differences = [...owner.problems, ...review.differences];
      if (!owner.ours) return present({}, false, differences);
      return present({ bucketName: bucket, bucketArn: bucketArn(bucket) }, true, differences, review.unfinished);
    },

    preview(ctx, found) {
      const account = knownAccountId(ctx.aws);
      const bucket =
        (found.kind === 'present' ? found.outputs.bucketName : undefined) ??
        ctx.output(id, 'bucketName') ??
        (account ? backupBucketName(config, account, ctx.aws.region) : bucketNamePlaceholder(config, ctx.aws.region));
      const tags = ctx.tags(bucket);
      const region = ctx.aws.region;
      const configuration = region === 'us-east-1' ? { Tags: tags } : { LocationConstraint: region, Tags: tags };
      const preview = stepPreview(found, {
        what: `S3 bucket ${bucket} (public access blocked, SSE-S3, versioning, lifecycle of ${DB_DUMP_PREFIX})`,
        ...(found.kind === 'present' && found.outputs.bucketName ? { id: found.outputs.bucketName } : {}),
        create: [
          ...(account ? [] : ['ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)']),
          `aws s3api create-bucket --bucket ${bucket} --region ${region} --create-bucket-configuration ${shellQuote(JSON.stringify(configuration))}`,
          ...finishCliLines(bucket, ALL_SETTINGS, tags),
        ],
        finish: (unfinished) => finishCliLines(bucket, unfinished, tags),
        notes: [...BUCKET_NOTES, ...(found.kind === 'absent' ? [COST_NOTE] : [])],
      });
      return found.kind === 'absent' ? withMonthlyCost(preview, s3StandardMonthly(ctx.config.region, 0), ctx.config.region) : preview;
    },

    async apply(ctx, found): Promise<Outputs> {
      const bucket = await nameFor(ctx);
      if (found.kind === 'present') adoptableOutputs(found, id, 'bucketName');
      else await create(ctx, bucket);
      const outputs = { bucketName: bucket, bucketArn: bucketArn(bucket) };
      await ctx.recordOutputs(outputs);
      // The settings the plan read (for a bucket just made: none yet, so every setting is PUT, as the preview shows).
      await finishBucket(ctx, bucket, await inventoryOf(ctx).storage.settings(bucket), ctx.tags(bucket));
      inventoryOf(ctx).storage.settingsChanged(bucket);
      return outputs;
    },

    async destroy(ctx, outputs) {
      const bucket = outputs.bucketName ?? (await nameFor(ctx));
      for (let round = 1; ; round += 1) {
        try {
          await emptyBucket(ctx, bucket);
          await mutate(ctx, 'DeleteBucket', (abortSignal) => ctx.aws.s3.send(new DeleteBucketCommand({ Bucket: bucket }), { abortSignal }));
          inventoryOf(ctx).storage.forget(bucket, await accountId(ctx.aws, ctx.signal));
          return;
        } catch (error) {
          if (isAwsErrorCode(error, 'NoSuchBucket')) {
            ctx.progress('DeleteBucket: already gone');
            return;
          }
          if (!isAwsErrorCode(error, 'BucketNotEmpty') || round >= DELETE_ROUNDS) throw error;
          ctx.progress(`${bucket}: new objects arrived while emptying it; emptying again`);
        }
      }
    },

    destroyPreview(ctx, outputs) {
      const account = knownAccountId(ctx.aws);
      const bucket = outputs.bucketName ?? (account ? backupBucketName(config, account, ctx.aws.region) : bucketNamePlaceholder(config, ctx.aws.region));
      const count = knownVersionCount(bucket);
      const what = count === undefined ? 'every object version and delete marker' : `${count} object version${count === 1 ? '' : 's'} (versions and delete markers)`;
      return {
        summary: `Delete bucket ${bucket}: empties ${what} first`,
        cli: [
          `aws s3api delete-objects --bucket ${bucket} --delete "$(aws s3api list-object-versions --bucket ${bucket} --max-items 1000 --query '{Objects: [Versions, DeleteMarkers][][].{Key: Key, VersionId: VersionId}, Quiet: \`true\`}' --output json)"  # repeat until the bucket is empty`,
          `aws s3api delete-bucket --bucket ${bucket}`,
        ],
        notes: [`The database dumps in it are deleted for good: copy what you want to keep first (aws s3 sync s3://${bucket}/${DB_DUMP_PREFIX} ./db-dumps/).`],
      };
    },
  };
}
