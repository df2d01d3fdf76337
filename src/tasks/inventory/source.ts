import type { Filter } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';
import { isAwsErrorCode } from '../../aws/errors.js';
import { TAG_PROJECT } from '../../aws/tags.js';
import type { ReadLedger } from './collection.js';

/** What every family of the inventory reads with. */
export interface InventorySource {
  readonly aws: AwsClients;
  /** The value of the aws-runbook:project tag. */
  readonly project: string;
  /** The run's signal: a stopped run stops its reads. */
  readonly signal: AbortSignal;
  readonly ledger: ReadLedger;
}

/** Send options carrying the run's signal. */
export function sendOptions(source: InventorySource): { abortSignal: AbortSignal } {
  return { abortSignal: source.signal };
}

/**
 * Resources carrying our project tag or a Name tag (values of one filter are OR-ed): everything a find
 * can match — ours by our tags, or someone else's named like ours (a conflict the preview must show) —
 * in one call. A resource with neither tag can be neither.
 */
export const OURS_OR_NAMED: Filter = { Name: 'tag-key', Values: [TAG_PROJECT, 'Name'] };

/** The answer, or undefined when AWS answers one of the not-found codes. */
export async function unlessMissing<T>(read: () => Promise<T | undefined>, ...notFound: string[]): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    if (isAwsErrorCode(error, ...notFound)) return undefined;
    throw error;
  }
}

/** A per-key read kept for the plan (a named DB instance, a bucket, a VPC's attributes). */
export class Memo<T> {
  private readonly values = new Map<string, Promise<T>>();

  constructor(
    private readonly kind: string,
    private readonly ledger: ReadLedger,
    private readonly read: (key: string) => Promise<T>,
  ) {}

  get(key: string): Promise<T> {
    let value = this.values.get(key);
    if (!value) {
      this.ledger.add(this.kind);
      value = this.read(key).catch((error: unknown) => {
        this.values.delete(key);
        throw error;
      });
      this.values.set(key, value);
    }
    return value;
  }

  /** The value if it was read (or set) already: never reads. */
  peek(key: string): Promise<T> | undefined {
    return this.values.get(key);
  }

  /** What this run's own write made it (no read needed afterwards). */
  set(key: string, value: T): void {
    this.values.set(key, Promise.resolve(value));
  }

  /** Changes a value already known (read or set); nothing when it is not. */
  update(key: string, change: (value: T) => T): void {
    const value = this.values.get(key);
    if (value) this.values.set(key, value.then(change));
  }

  /** Forget it: the next `get` reads again. */
  forget(key: string): void {
    this.values.delete(key);
  }
}
