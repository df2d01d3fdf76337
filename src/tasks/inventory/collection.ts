/**
 * The two shapes of what the plan's inventory keeps per resource kind: a `Collection` read whole in one
 * (paginated) call, and a `ScopedCollection` read per scope (a VPC's subnets, a group's rules), every
 * scope known so far in one call. Both are read at most once, on first use, whoever asks first; callers
 * asking meanwhile share the read. The run's own writes go in with `put`/`drop` and win over an answer
 * that was in flight when they were made. A failed read is forgotten, so the next caller reads again.
 */

/** Counts reads per kind: what a plan asked AWS, for tests and the log. */
export class ReadLedger {
  private readonly counts = new Map<string, number>();

  add(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }

  /** `{ vpcs: 1, subnets: 1, … }` */
  summary(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }
}

/** The items of one kind by id, with the edits of this run laid over what AWS answered. */
class Items<T> {
  private readonly byId = new Map<string, T>();
  private readonly edits = new Map<string, T | null>();

  constructor(readonly idOf: (item: T) => string | undefined) {}

  /** What a read answered; an item this run changed meanwhile keeps the change. */
  merge(answer: readonly T[]): void {
    for (const item of answer) {
      const id = this.idOf(item);
      if (id !== undefined && !this.edits.has(id)) this.byId.set(id, item);
    }
  }

  put(item: T): void {
    const id = this.idOf(item);
    if (id === undefined) return;
    this.byId.set(id, item);
    this.edits.set(id, item);
  }

  /** Changes a known item (nothing when it is not known). */
  update(id: string, change: (item: T) => T): void {
    const item = this.byId.get(id);
    if (item !== undefined) this.put(change(item));
  }

  drop(id: string): void {
    this.byId.delete(id);
    this.edits.set(id, null);
  }

  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Whether this run removed it (dropped), so that no fallback read brings it back. */
  dropped(id: string): boolean {
    return this.edits.get(id) === null;
  }

  values(): T[] {
    return [...this.byId.values()];
  }
}

/** What both collections hold, and what a write of this run does to it. */
abstract class HeldItems<T> {
  protected readonly items: Items<T>;

  constructor(idOf: (item: T) => string | undefined) {
    this.items = new Items(idOf);
  }

  /** Whether this run removed it, so that no fallback read brings it back. */
  dropped(id: string): boolean {
    return this.items.dropped(id);
  }

  put(item: T): void {
    this.items.put(item);
  }

  /** Changes a known item (nothing when it is not known). */
  update(id: string, change: (item: T) => T): void {
    this.items.update(id, change);
  }

  drop(id: string): void {
    this.items.drop(id);
  }
}

/** One kind read whole, once. */
export class Collection<T> extends HeldItems<T> {
  private reading: Promise<void> | undefined;

  constructor(
    readonly kind: string,
    idOf: (item: T) => string | undefined,
    private readonly read: () => Promise<T[]>,
    private readonly ledger: ReadLedger,
  ) {
    super(idOf);
  }

  /** Reads the kind unless it was read already (or is being read). */
  load(): Promise<void> {
    this.reading ??= (async () => {
      this.ledger.add(this.kind);
      this.items.merge(await this.read());
    })().catch((error: unknown) => {
      this.reading = undefined;
      throw error;
    });
    return this.reading;
  }

  async all(): Promise<T[]> {
    await this.load();
    return this.items.values();
  }

  /** One item of the read by id; undefined when the read did not return it. */
  async get(id: string): Promise<T | undefined> {
    await this.load();
    return this.items.get(id);
  }

  /** The item if the read (or this run) already holds it: never reads. */
  peek(id: string): T | undefined {
    return this.items.get(id);
  }
}

/** One kind read per scope (VPC ids, group ids): every scope asked for so far, and the defaults, in one call. */
export class ScopedCollection<T> extends HeldItems<T> {
  private readonly scopes = new Map<string, Promise<void>>();

  constructor(
    readonly kind: string,
    idOf: (item: T) => string | undefined,
    private readonly scopeOf: (item: T) => string | undefined,
    private readonly read: (scopes: string[]) => Promise<T[]>,
    private readonly ledger: ReadLedger,
  ) {
    super(idOf);
  }

  /**
   * Makes sure every item of `scope` is known: read with the `defaults` not read yet (the project's VPCs)
   * in the same call, so one read serves the whole plan.
   */
  cover(scope: string, defaults: readonly string[] = []): Promise<void> {
    const pending = this.scopes.get(scope);
    if (pending) return pending;
    const batch = [...new Set([scope, ...defaults])].filter((s) => !this.scopes.has(s));
    const reading = (async () => {
      this.ledger.add(this.kind);
      this.items.merge(await this.read(batch));
    })().catch((error: unknown) => {
      for (const s of batch) if (this.scopes.get(s) === reading) this.scopes.delete(s);
      throw error;
    });
    for (const s of batch) this.scopes.set(s, reading);
    return reading;
  }

  /** A scope this run made (a new VPC, a new group): nothing is in it but what the run puts there. */
  known(scope: string): void {
    if (!this.scopes.has(scope)) this.scopes.set(scope, Promise.resolve());
  }

  covered(scope: string): boolean {
    return this.scopes.has(scope);
  }

  /** The items of a covered scope (call `cover` first). */
  in(scope: string): T[] {
    return this.items.values().filter((item) => this.scopeOf(item) === scope);
  }

  /** An item by id among the scopes read so far. */
  get(id: string): T | undefined {
    return this.items.get(id);
  }

  /** Every item of every scope read so far. */
  values(): T[] {
    return this.items.values();
  }
}

/** Every item of a paginated read, through the SDK's paginator. */
export async function allPages<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? []));
  return all;
}
