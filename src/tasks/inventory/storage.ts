import { headBucket, listedInRegion, ownedByAccount, type BucketPresence } from '../storage/bucket-lookup.js';
import { readBucketSettings, type BucketSettings } from '../storage/bucket-settings.js';
import { Memo, type InventorySource } from './source.js';

/**
 * What CreateBucket leaves, as far as this tool knows without asking: no tags, settings or rules of its
 * own. (AWS now also turns on Block Public Access and SSE-S3 for a new bucket; putting them again, as the
 * create preview shows, changes nothing.)
 */
export const NEW_BUCKET: BucketSettings = { lifecycleRules: [], tags: [] };

/**
 * The backup bucket, read once per plan: whether it exists and where (HeadBucket), whether it is this
 * account's (ListBuckets), or both at once for a bucket expected there (ListBuckets filtered to the region),
 * and its settings (one GET per setting: S3 has no call that returns them together).
 */
export class StorageInventory {
  private readonly presence: Memo<BucketPresence>;
  private readonly owned: Memo<boolean>;
  private readonly listed: Memo<boolean>;
  private readonly settingsOf: Memo<BucketSettings>;

  constructor(source: InventorySource) {
    const { aws, signal } = source;
    // Keyed `account:bucket` (neither holds a colon): HeadBucket asks with the expected owner.
    this.presence = new Memo('bucket', source.ledger, (key) => {
      const [account = '', bucket = ''] = key.split(':');
      return headBucket(aws.s3, bucket, account, signal);
    });
    this.owned = new Memo('bucket owner', source.ledger, (bucket) => ownedByAccount(aws.s3, bucket, signal));
    this.listed = new Memo('bucket listed here', source.ledger, (bucket) => listedInRegion(aws.s3, bucket, aws.region, signal));
    this.settingsOf = new Memo('bucket settings', source.ledger, (bucket) => readBucketSettings(aws.s3, bucket, signal));
  }

  bucketPresence(bucket: string, account: string): Promise<BucketPresence> {
    return this.presence.get(`${account}:${bucket}`);
  }

  ownedByAccount(bucket: string): Promise<boolean> {
    return this.owned.get(bucket);
  }

  /** Listed among this account's buckets in the clients' region (exists, ours, here). */
  listedHere(bucket: string): Promise<boolean> {
    return this.listed.get(bucket);
  }

  settings(bucket: string): Promise<BucketSettings> {
    return this.settingsOf.get(bucket);
  }

  /** CreateBucket answered: the bucket is ours, here, with nothing set yet. */
  bucketMade(bucket: string, account: string): void {
    this.presence.set(`${account}:${bucket}`, 'accessible');
    this.owned.set(bucket, true);
    this.listed.set(bucket, true);
    this.settingsOf.set(bucket, NEW_BUCKET);
  }

  /** The run's PUTs changed them: the next look reads them again. */
  settingsChanged(bucket: string): void {
    this.settingsOf.forget(bucket);
  }

  /** Emptied and deleted, or changed in ways only a new read tells. */
  forget(bucket: string, account: string): void {
    this.presence.forget(`${account}:${bucket}`);
    this.owned.forget(bucket);
    this.listed.forget(bucket);
    this.settingsOf.forget(bucket);
  }
}
