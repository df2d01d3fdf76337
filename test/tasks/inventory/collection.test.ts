import { describe, expect, it } from 'vitest';
import { Collection, ReadLedger, ScopedCollection } from '../../../src/tasks/inventory/collection.js';

interface Item {
  id: string;
  scope?: string;
  value?: string;
}

/** A read that answers when told to, counting how often it was asked. */
function deferredRead<A>() {
  const asked: A[] = [];
  const pending: { resolve: (items: Item[]) => void; reject: (error: Error) => void }[] = [];
  const read = (arg: A) =>
    new Promise<Item[]>((resolve, reject) => {
      asked.push(arg);
      pending.push({ resolve, reject });
    });
  return { read, asked, answer: (items: Item[]) => pending.shift()?.resolve(items), fail: (error: Error) => pending.shift()?.reject(error) };
}

describe('Collection: one kind read whole, once', () => {
  it('callers asking while the read is in flight share it: one read, counted once in the ledger', async () => {
    const ledger = new ReadLedger();
    const source = deferredRead<void>();
    const vpcs = new Collection<Item>('vpcs', (i) => i.id, () => source.read(), ledger);
    const first = vpcs.all();
    const second = vpcs.get('vpc-1');
    source.answer([{ id: 'vpc-1' }, { id: 'vpc-2' }]);
    expect((await first).map((i) => i.id)).toEqual(['vpc-1', 'vpc-2']);
    expect(await second).toEqual({ id: 'vpc-1' });
    expect(await vpcs.get('vpc-3')).toBeUndefined();
    expect(source.asked).toHaveLength(1);
    expect(ledger.summary()).toEqual({ vpcs: 1 });
  });

  it("the run's own write made while the read was in flight wins over the read's answer", async () => {
    const source = deferredRead<void>();
    const tables = new Collection<Item>('route tables', (i) => i.id, () => source.read(), new ReadLedger());
    const reading = tables.all();
    tables.put({ id: 'rtb-1', value: 'with the route just added' });
    tables.drop('rtb-2');
    source.answer([
      { id: 'rtb-1', value: 'as read before the write' },
      { id: 'rtb-2', value: 'deleted since' },
    ]);
    expect(await reading).toEqual([{ id: 'rtb-1', value: 'with the route just added' }]);
    expect(tables.dropped('rtb-2')).toBe(true);
  });

  it('a failed read is forgotten: the next caller reads again', async () => {
    const ledger = new ReadLedger();
    const source = deferredRead<void>();
    const igws = new Collection<Item>('internet gateways', (i) => i.id, () => source.read(), ledger);
    const failing = igws.all();
    source.fail(new Error('throttled'));
    await expect(failing).rejects.toThrow('throttled');
    const again = igws.all();
    source.answer([{ id: 'igw-1' }]);
    expect(await again).toEqual([{ id: 'igw-1' }]);
    expect(ledger.count('internet gateways')).toBe(2);
  });

  it('peek never reads', () => {
    const source = deferredRead<void>();
    const instances = new Collection<Item>('instances', (i) => i.id, () => source.read(), new ReadLedger());
    expect(instances.peek('i-1')).toBeUndefined();
    expect(source.asked).toHaveLength(0);
  });
});

describe('ScopedCollection: read per scope, every scope known so far in one call', () => {
  it('covering one VPC with the project VPCs as defaults reads them all in one call; the others are covered by it', async () => {
    const ledger = new ReadLedger();
    const source = deferredRead<string[]>();
    const subnets = new ScopedCollection<Item>('subnets', (i) => i.id, (i) => i.scope, (scopes) => source.read(scopes), ledger);
    const a = subnets.cover('vpc-a', ['vpc-a', 'vpc-b', 'vpc-c']);
    const b = subnets.cover('vpc-b', ['vpc-a', 'vpc-b', 'vpc-c']);
    source.answer([
      { id: 'subnet-1', scope: 'vpc-a' },
      { id: 'subnet-2', scope: 'vpc-b' },
    ]);
    await Promise.all([a, b, subnets.cover('vpc-c')]);
    expect(source.asked).toEqual([['vpc-a', 'vpc-b', 'vpc-c']]);
    expect(subnets.in('vpc-b')).toEqual([{ id: 'subnet-2', scope: 'vpc-b' }]);
    expect(subnets.in('vpc-c')).toEqual([]);
    expect(ledger.summary()).toEqual({ subnets: 1 });
  });

  it('a scope this run made is known without a read; one outside the defaults is read on its own', async () => {
    const source = deferredRead<string[]>();
    const tables = new ScopedCollection<Item>('route tables', (i) => i.id, (i) => i.scope, (scopes) => source.read(scopes), new ReadLedger());
    tables.known('vpc-new');
    await tables.cover('vpc-new');
    expect(source.asked).toEqual([]);
    const other = tables.cover('vpc-other');
    source.answer([{ id: 'rtb-9', scope: 'vpc-other' }]);
    await other;
    expect(source.asked).toEqual([['vpc-other']]);
    expect(tables.get('rtb-9')).toEqual({ id: 'rtb-9', scope: 'vpc-other' });
  });
});
