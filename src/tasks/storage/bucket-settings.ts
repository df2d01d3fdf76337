import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
  type S3Client,
  type Tag,
} from '@aws-sdk/client-s3';
import { isAwsErrorCode } from '../../aws/errors.js';
import type { AwsTag } from '../../engine/types.js';
import { DB_DUMP_PREFIX, LIFECYCLE_DAYS, LIFECYCLE_RULE_ID } from './names.js';

/** What a bucket is set to, read back (each GET is read-only; "not configured" answers become undefined). */
export interface BucketSettings {
  publicAccessBlock?: PublicAccessBlockConfiguration;
  /** The default encryption algorithm: AES256, aws:kms, aws:kms:dsse. */
  encryption?: string;
  versioning?: string;
  lifecycleRules: LifecycleRule[];
  tags: Tag[];
  /** Why the bucket policy makes it public, if it does. */
  publicPolicy?: string;
  /** Which public group an ACL grants to, if any. */
  publicAclGrantee?: string;
}

/** Default encryption: SSE-S3 (S3-managed AES-256 keys): no KMS key to pay for or to grant to the backup job. */
export const WANTED_ENCRYPTION = 'AES256';

export const BLOCK_ALL_PUBLIC_ACCESS: Required<PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

export const WANTED_LIFECYCLE_RULE: LifecycleRule = {
  ID: LIFECYCLE_RULE_ID,
  Status: 'Enabled',
  Filter: { Prefix: DB_DUMP_PREFIX },
  Transitions: [{ Days: LIFECYCLE_DAYS.transitionToInfrequentAccess, StorageClass: 'STANDARD_IA' }],
  Expiration: { Days: LIFECYCLE_DAYS.expireCurrent },
  NoncurrentVersionExpiration: { NoncurrentDays: LIFECYCLE_DAYS.expireNoncurrent },
  AbortIncompleteMultipartUpload: { DaysAfterInitiation: LIFECYCLE_DAYS.abortIncompleteMultipartUpload },
};

/** `unfinished` lines; each maps to one PUT. */
export const SETTING = {
  tags: 'tag the bucket (Name, aws-runbook:project, aws-runbook:step)',
  publicAccessBlock: 'block all public access (BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets)',
  encryption: 'turn on default encryption (SSE-S3, AES256)',
  versioning: 'turn on versioning',
  versioningSuspended: 'turn versioning back on (it is Suspended)',
  lifecycle: `add the lifecycle rule ${LIFECYCLE_RULE_ID} for ${DB_DUMP_PREFIX}`,
  lifecycleChanged: `reset the lifecycle rule ${LIFECYCLE_RULE_ID} (it was changed)`,
} as const;

async function orUndefined<T>(read: () => Promise<T>, ...notConfigured: string[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isAwsErrorCode(error, ...notConfigured)) return undefined;
    throw error;
  }
}

const ALL_PRINCIPALS = (principal: unknown): boolean =>
  principal === '*' || (typeof principal === 'object' && principal !== null && [(principal as { AWS?: unknown }).AWS].flat().includes('*'));

/** A statement that allows anyone, without a condition narrowing it (what S3 itself calls public). */
function publicStatement(policy: string): string | undefined {
  let document: { Statement?: unknown };
  try {
    document = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return undefined;
  }
  for (const statement of [document.Statement ?? []].flat() as { Sid?: string; Effect?: string; Principal?: unknown; Condition?: unknown }[]) {
    if (statement.Effect === 'Allow' && ALL_PRINCIPALS(statement.Principal) && statement.Condition === undefined) {
      return `its bucket policy allows everyone (Principal "*")${statement.Sid ? ` in statement ${statement.Sid}` : ''}`;
    }
  }
  return undefined;
}

const PUBLIC_GROUPS: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'AllUsers',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'AuthenticatedUsers',
};

const blocksAll = (block: PublicAccessBlockConfiguration | undefined) =>
  block !== undefined && Object.keys(BLOCK_ALL_PUBLIC_ACCESS).every((key) => block[key as keyof PublicAccessBlockConfiguration] === true);

export async function readBucketSettings(s3: S3Client, bucket: string, signal?: AbortSignal): Promise<BucketSettings> {
  const o = signal ? { abortSignal: signal } : {};
  // S3 reports a policy's status only for a bucket that has a policy (NoSuchBucketPolicy otherwise):
  // asked after the policy, and only when there is one.
  const policyAndStatus = async () => {
    const policy = await orUndefined(() => s3.send(new GetBucketPolicyCommand({ Bucket: bucket }), o), 'NoSuchBucketPolicy');
    const status = policy?.Policy ? await orUndefined(() => s3.send(new GetBucketPolicyStatusCommand({ Bucket: bucket }), o), 'NoSuchBucketPolicy') : undefined;
    return [status, policy] as const;
  };
  // With all four Block Public Access settings on, neither the policy nor the ACL can make the bucket public:
  // IgnorePublicAcls makes S3 ignore every public ACL, RestrictPublicBuckets limits access under a public
  // policy to AWS service principals and the bucket owner's account (and BlockPublicPolicy, BlockPublicAcls
  // refuse new public ones). They are read only when the block is not fully on, so a public one is named.
  const publicAccess = async () => {
    const block = await orUndefined(() => s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }), o), 'NoSuchPublicAccessBlockConfiguration');
    if (blocksAll(block?.PublicAccessBlockConfiguration)) return { block } as const;
    const [[policyStatus, policy], acl] = await Promise.all([policyAndStatus(), s3.send(new GetBucketAclCommand({ Bucket: bucket }), o)]);
    return { block, policyStatus, policy, acl } as const;
  };
  const [{ block, policyStatus, policy, acl }, encryption, versioning, lifecycle, tagging] = await Promise.all([
    publicAccess(),
    orUndefined(() => s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }), o), 'ServerSideEncryptionConfigurationNotFoundError'),
    s3.send(new GetBucketVersioningCommand({ Bucket: bucket }), o),
    orUndefined(() => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }), o), 'NoSuchLifecycleConfiguration'),
    orUndefined(() => s3.send(new GetBucketTaggingCommand({ Bucket: bucket }), o), 'NoSuchTagSet'),
  ]);
  const algorithm = encryption?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
  const publicPolicy = policyStatus?.PolicyStatus?.IsPublic === true ? 'S3 reports its bucket policy as public' : policy?.Policy ? publicStatement(policy.Policy) : undefined;
  const publicGrant = acl?.Grants?.find((g) => g.Grantee?.URI !== undefined && PUBLIC_GROUPS[g.Grantee.URI] !== undefined);
  return {
    ...(block?.PublicAccessBlockConfiguration ? { publicAccessBlock: block.PublicAccessBlockConfiguration } : {}),
    ...(algorithm ? { encryption: algorithm } : {}),
    ...(versioning.Status ? { versioning: versioning.Status } : {}),
    lifecycleRules: lifecycle?.Rules ?? [],
    tags: tagging?.TagSet ?? [],
    ...(publicPolicy ? { publicPolicy } : {}),
    ...(publicGrant?.Grantee?.URI ? { publicAclGrantee: `${PUBLIC_GROUPS[publicGrant.Grantee.URI]} (${publicGrant.Permission ?? '?'})` } : {}),
  };
}

function ruleIsWanted(rule: LifecycleRule): boolean {
  const prefix = rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix;
  const transitions = rule.Transitions ?? [];
  return (
    rule.Status === 'Enabled' &&
    prefix === DB_DUMP_PREFIX &&
    rule.Filter?.Tag === undefined &&
    (rule.Filter?.And?.Tags ?? []).length === 0 &&
    transitions.length === 1 &&
    transitions[0]?.Days === LIFECYCLE_DAYS.transitionToInfrequentAccess &&
    transitions[0]?.StorageClass === 'STANDARD_IA' &&
    rule.Expiration?.Days === LIFECYCLE_DAYS.expireCurrent &&
    rule.NoncurrentVersionExpiration?.NoncurrentDays === LIFECYCLE_DAYS.expireNoncurrent &&
    rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation === LIFECYCLE_DAYS.abortIncompleteMultipartUpload
  );
}

export const hasTags = (tags: readonly Tag[], wanted: readonly AwsTag[]) => wanted.every((w) => tags.some((t) => t.Key === w.Key && t.Value === w.Value));

/** What apply must PUT (`unfinished`), and what contradicts a private bucket (`differences`). */
export function reviewBucket(bucket: string, settings: BucketSettings, wantedTags: readonly AwsTag[]): { unfinished: string[]; differences: string[] } {
  const unfinished: string[] = [];
  const differences: string[] = [];
  if (!hasTags(settings.tags, wantedTags)) unfinished.push(SETTING.tags);
  if (!blocksAll(settings.publicAccessBlock)) unfinished.push(SETTING.publicAccessBlock);
  // SSE-KMS is stronger than what we ask for: kept as it is.
  if (!settings.encryption) unfinished.push(SETTING.encryption);
  if (settings.versioning === 'Suspended') unfinished.push(SETTING.versioningSuspended);
  else if (settings.versioning !== 'Enabled') unfinished.push(SETTING.versioning);
  const ours = settings.lifecycleRules.find((r) => r.ID === LIFECYCLE_RULE_ID);
  if (!ours) unfinished.push(SETTING.lifecycle);
  else if (!ruleIsWanted(ours)) unfinished.push(SETTING.lifecycleChanged);
  if (settings.publicPolicy) {
    differences.push(`bucket ${bucket} must be private but ${settings.publicPolicy}: remove that statement (aws s3api delete-bucket-policy --bucket ${bucket} removes the whole policy), then rerun`);
  }
  if (settings.publicAclGrantee) {
    differences.push(`bucket ${bucket} must be private but its ACL grants ${settings.publicAclGrantee}: aws s3api put-bucket-acl --bucket ${bucket} --acl private, then rerun`);
  }
  return { unfinished, differences };
}
