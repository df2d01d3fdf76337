import { BLOCK_ALL_PUBLIC_ACCESS } from '../storage/bucket-settings.js';
import { bucketCheck } from './storage.js';
import { fail, pass, type Check } from './types.js';

/**
 * The backup bucket's controls of the `security` group: S3.8 (all public access blocked, the AWS
 * Foundational Security Best Practices control), default encryption and versioning. They judge the
 * bucket that is there (named from the account and region, as the storage step names it); a missing
 * bucket is the `storage.bucket.exists` check's failure, and these skip.
 */

const onOff = (value: boolean | undefined) => (value === true ? 'on' : 'off');
const orUp = '(or run `aws-runbook up --only storage`)';

export function bucketChecksInSecurity(): Check[] {
  return [
    bucketCheck('security.s3-8.public-access-blocked', 'security', 'S3.8: the backup bucket blocks all public access (the four settings)', (bucket, s) => {
      const block = s.publicAccessBlock ?? {};
      const flags = Object.keys(BLOCK_ALL_PUBLIC_ACCESS) as (keyof typeof BLOCK_ALL_PUBLIC_ACCESS)[];
      const off = flags.filter((f) => block[f] !== true);
      const text = flags.map((f) => `${f} ${onOff(block[f])}`).join(', ');
      if (off.length > 0) {
        return fail(
          `${bucket}: ${s.publicAccessBlock ? text : 'no public access block configured'}`,
          `aws s3api put-public-access-block --bucket ${bucket} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true ${orUp}`,
        );
      }
      return pass(`${bucket}: ${text}`);
    }),
    bucketCheck('security.s3.bucket-encryption', 'security', 'The backup bucket has default encryption on', (bucket, s) =>
      s.encryption
        ? pass(`${bucket}: default encryption ${s.encryption}`)
        : fail(
            `${bucket} has no default encryption`,
            `aws s3api put-bucket-encryption --bucket ${bucket} --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"AES256"}}]}' ${orUp}`,
          ),
    ),
    bucketCheck('security.s3.bucket-versioning', 'security', 'The backup bucket has versioning Enabled', (bucket, s) =>
      s.versioning === 'Enabled'
        ? pass(`${bucket}: versioning Enabled`)
        : fail(
            `${bucket}: versioning is ${s.versioning ?? 'never enabled'}: an overwritten or deleted dump cannot be recovered`,
            `aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled ${orUp}`,
          ),
    ),
  ];
}
