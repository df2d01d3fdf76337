import { DB_DUMP_PREFIX, LIFECYCLE_DAYS } from './names.js';

/** Where the seed runbook (Partie 1 §4, and its "Procédure de Sauvegarde") slipped; shown in the previews. */
export const BUCKET_NOTES = [
  'The runbook makes its bucket with `aws s3 mb s3://bucket1-bfhk`: a name anyone may already hold, and no public access block, no default encryption, no versioning, no lifecycle; the dump is then copied by hand (`aws s3 cp backup.sql s3://bucket1-bfhk/DB1/`). Here the name carries the account id and region (globally unique), and `aws-runbook backup` streams the dumps under ' + DB_DUMP_PREFIX + '.',
  'Default encryption is SSE-S3 (AES256, keys managed by S3): no KMS key to pay for or to grant to the backup job. A bucket already set to SSE-KMS is left as it is.',
  `Lifecycle of ${DB_DUMP_PREFIX}: dumps move to STANDARD_IA after ${LIFECYCLE_DAYS.transitionToInfrequentAccess} days and expire after ${LIFECYCLE_DAYS.expireCurrent}; overwritten or expired versions are deleted ${LIFECYCLE_DAYS.expireNoncurrent} days later; unfinished multipart uploads are aborted after ${LIFECYCLE_DAYS.abortIncompleteMultipartUpload} days.`,
  'Tagged in the create call (this needs s3:TagResource) and again with put-bucket-tagging when the tags are missing (emulators drop the create-time tags).',
];

export const COST_NOTE =
  'Cost: storage is usage-based, $0.023 per GB-month in S3 Standard (an empty bucket costs nothing); STANDARD_IA is cheaper per GB but bills retrievals; requests and noncurrent versions kept for 30 days are not included.';
