/** S3 is a REST protocol: the operation is named by method, path depth and query sub-resource. */

type S3Target = 'service' | 'bucket' | 'object';

interface S3ActionRule {
  method: string;
  target: S3Target;
  /** Query parameter that selects this action; absent = the fallback for method + target. */
  subresource?: string;
  /** Only when this query parameter has this value (ListObjectsV2 is `list-type=2`). */
  subresourceValue?: string;
  /** Only when this request header is present (copies). */
  header?: string;
  action: string;
}

const bucketSubresources: ReadonlyArray<[subresource: string, put: string | null, get: string | null, del: string | null]> = [
  ['versioning', 'PutBucketVersioning', 'GetBucketVersioning', null],
  ['publicAccessBlock', 'PutPublicAccessBlock', 'GetPublicAccessBlock', 'DeletePublicAccessBlock'],
  ['encryption', 'PutBucketEncryption', 'GetBucketEncryption', 'DeleteBucketEncryption'],
  ['lifecycle', 'PutBucketLifecycleConfiguration', 'GetBucketLifecycleConfiguration', 'DeleteBucketLifecycle'],
  ['tagging', 'PutBucketTagging', 'GetBucketTagging', 'DeleteBucketTagging'],
  ['policy', 'PutBucketPolicy', 'GetBucketPolicy', 'DeleteBucketPolicy'],
  ['acl', 'PutBucketAcl', 'GetBucketAcl', null],
  ['cors', 'PutBucketCors', 'GetBucketCors', 'DeleteBucketCors'],
  ['ownershipControls', 'PutBucketOwnershipControls', 'GetBucketOwnershipControls', 'DeleteBucketOwnershipControls'],
  ['website', 'PutBucketWebsite', 'GetBucketWebsite', 'DeleteBucketWebsite'],
  ['logging', 'PutBucketLogging', 'GetBucketLogging', null],
  ['notification', 'PutBucketNotificationConfiguration', 'GetBucketNotificationConfiguration', null],
  ['replication', 'PutBucketReplication', 'GetBucketReplication', 'DeleteBucketReplication'],
  ['object-lock', 'PutObjectLockConfiguration', 'GetObjectLockConfiguration', null],
  ['location', null, 'GetBucketLocation', null],
  ['policyStatus', null, 'GetBucketPolicyStatus', null],
  ['versions', null, 'ListObjectVersions', null],
  ['uploads', null, 'ListMultipartUploads', null],
];

const bucketSubresourceRules: S3ActionRule[] = bucketSubresources.flatMap(([subresource, put, get, del]) => {
  const rules: S3ActionRule[] = [];
  if (put) rules.push({ method: 'PUT', target: 'bucket', subresource, action: put });
  if (get) rules.push({ method: 'GET', target: 'bucket', subresource, action: get });
  if (del) rules.push({ method: 'DELETE', target: 'bucket', subresource, action: del });
  return rules;
});

/** Ordered: the first rule that fits wins, so specific rules come before each fallback. */
const s3ActionRules: readonly S3ActionRule[] = [
  { method: 'GET', target: 'service', action: 'ListBuckets' },
  ...bucketSubresourceRules,
  { method: 'GET', target: 'bucket', subresource: 'list-type', subresourceValue: '2', action: 'ListObjectsV2' },
  { method: 'GET', target: 'bucket', action: 'ListObjects' },
  { method: 'PUT', target: 'bucket', action: 'CreateBucket' },
  { method: 'DELETE', target: 'bucket', action: 'DeleteBucket' },
  { method: 'HEAD', target: 'bucket', action: 'HeadBucket' },
  { method: 'POST', target: 'bucket', subresource: 'delete', action: 'DeleteObjects' },

  { method: 'PUT', target: 'object', subresource: 'uploadId', header: 'x-amz-copy-source', action: 'UploadPartCopy' },
  { method: 'PUT', target: 'object', subresource: 'uploadId', action: 'UploadPart' },
  { method: 'PUT', target: 'object', subresource: 'tagging', action: 'PutObjectTagging' },
  { method: 'PUT', target: 'object', subresource: 'acl', action: 'PutObjectAcl' },
  { method: 'PUT', target: 'object', subresource: 'retention', action: 'PutObjectRetention' },
  { method: 'PUT', target: 'object', subresource: 'legal-hold', action: 'PutObjectLegalHold' },
  { method: 'PUT', target: 'object', header: 'x-amz-copy-source', action: 'CopyObject' },
  { method: 'PUT', target: 'object', action: 'PutObject' },
  { method: 'GET', target: 'object', subresource: 'uploadId', action: 'ListParts' },
  { method: 'GET', target: 'object', subresource: 'tagging', action: 'GetObjectTagging' },
  { method: 'GET', target: 'object', subresource: 'acl', action: 'GetObjectAcl' },
  { method: 'GET', target: 'object', subresource: 'attributes', action: 'GetObjectAttributes' },
  { method: 'GET', target: 'object', action: 'GetObject' },
  { method: 'HEAD', target: 'object', action: 'HeadObject' },
  { method: 'DELETE', target: 'object', subresource: 'uploadId', action: 'AbortMultipartUpload' },
  { method: 'DELETE', target: 'object', subresource: 'tagging', action: 'DeleteObjectTagging' },
  { method: 'DELETE', target: 'object', action: 'DeleteObject' },
  { method: 'POST', target: 'object', subresource: 'uploads', action: 'CreateMultipartUpload' },
  { method: 'POST', target: 'object', subresource: 'uploadId', action: 'CompleteMultipartUpload' },
  { method: 'POST', target: 'object', subresource: 'restore', action: 'RestoreObject' },
  { method: 'POST', target: 'object', subresource: 'select', action: 'SelectObjectContent' },
];

export interface S3RequestShape {
  method: string;
  /** Request path without the query, e.g. `/bucket/some/key`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
}

function targetOf(shape: S3RequestShape): S3Target {
  // Path style only: the gateway is addressed by IP, so SDKs never use virtual-host buckets with it.
  const [bucket, ...key] = shape.path.split('/').slice(1);
  if (!bucket) return 'service';
  return key.join('/') === '' ? 'bucket' : 'object';
}

/** The S3 operation name for a path-style request; `Unknown` if none fits. */
export function s3ActionOf(shape: S3RequestShape): string {
  const method = shape.method.toUpperCase();
  const target = targetOf(shape);
  const rule = s3ActionRules.find(
    (candidate) =>
      candidate.method === method &&
      candidate.target === target &&
      (candidate.subresource === undefined ||
        (shape.query.has(candidate.subresource) &&
          (candidate.subresourceValue === undefined || shape.query.get(candidate.subresource) === candidate.subresourceValue))) &&
      (candidate.header === undefined || shape.headers[candidate.header] !== undefined),
  );
  return rule?.action ?? 'Unknown';
}
