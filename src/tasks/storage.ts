import type { Config } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import { bucketStep } from './storage/bucket-step.js';

export { countBucketVersions } from './storage/empty-bucket.js';
export { backupBucketName, DB_DUMP_PREFIX, LIFECYCLE_DAYS, LIFECYCLE_RULE_ID, STORAGE_STEP_IDS } from './storage/names.js';

/**
 * The storage section (seed Partie 1 §4, corrected):
 *
 * | step id         | needs | outputs               |
 * | --------------- | ----- | --------------------- |
 * | storage.bucket  | —     | bucketName, bucketArn |
 *
 * The bucket is `<suffix>-backups-<account>-<region>` (lower-case). `down` empties every version
 * and delete marker, then deletes it; `countBucketVersions` tells the operator how many beforehand.
 */
export function storageSteps(config: Config): Step[] {
  return [bucketStep(config)];
}
