import { describe, expect, it } from 'vitest';
import { runDag } from '../../src/engine/dag.js';
import { topologicalOrder, dependentsOf, remainingWork } from '../../src/engine/graph.js';
import type { Step } from '../../src/engine/types.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function graph(edges: Record<string, string[]>) {
  return { ids: Object.keys(edges), deps: (id: string) => edges[id] ?? [] };
}

describe('runDag', () => {
  it('starts a node only after all of its dependencies completed', async () => {
    const { ids, deps } = graph({ vpc: [], subnet: ['vpc'], igw: [], attach: ['vpc', 'igw'], route: ['attach', 'subnet'] });
    const finished: string[] = [];
    const startedAfter = new Map<string, string[]>();
    await runDag(
      ids,
      deps,
      async (id) => {
        startedAfter.set(id, [...finished]);
        await sleep(5);
        finished.push(id);
        return 'ok';
      },
      { concurrency: 4 },
    );
    expect(finished).toHaveLength(5);
    for (const id of ids) for (const dep of deps(id)) expect(startedAfter.get(id)).toContain(dep);
  });

  it('runs independent nodes concurrently, never more than the bound', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    let running = 0;
    let peak = 0;
    await runDag(
      ids,
      () => [],
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(20);
        running -= 1;
        return 'ok';
      },
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
  });

  it('stops scheduling after a failure, lets in-flight work finish, reports what never started', async () => {
    const { ids, deps } = graph({ a: [], b: [], c: ['a'], d: ['c'] });
    const ran: string[] = [];
    const result = await runDag(
      ids,
      deps,
      async (id) => {
        ran.push(id);
        if (id === 'a') return 'stop';
        await sleep(10);
        return 'ok';
      },
      { concurrency: 2 },
    );
    expect(result.stopped).toEqual(new Set(['a']));
    expect(result.completed).toEqual(new Set(['b']));
    expect(result.notStarted.sort()).toEqual(['c', 'd']);
    expect(ran).not.toContain('c');
  });

  it('treats a throwing worker as stopped', async () => {
    const result = await runDag(['x', 'y'], (id) => (id === 'y' ? ['x'] : []), async () => {
      throw new Error('boom');
    }, { concurrency: 1 });
    expect([...result.stopped]).toEqual(['x']);
    expect(result.notStarted).toEqual(['y']);
  });

  it('starts nothing new once the signal is aborted', async () => {
    const controller = new AbortController();
    const ran: string[] = [];
    const result = await runDag(
      ['a', 'b', 'c'],
      (id) => (id === 'a' ? [] : ['a']),
      async (id) => {
        ran.push(id);
        controller.abort();
        return 'ok';
      },
      { concurrency: 1, signal: controller.signal },
    );
    expect(ran).toEqual(['a']);
    expect(result.notStarted.sort()).toEqual(['b', 'c']);
  });

  it('gives a free slot to the ready node with the highest priority, not the first listed', async () => {
    const { ids, deps } = graph({ first: [], route: [], other: [], rds: [] });
    const order: string[] = [];
    const priorities: Record<string, number> = { first: 0, route: 1, other: 2, rds: 900 };
    await runDag(
      ids,
      deps,
      async (id) => {
        order.push(id);
        await sleep(2);
        return 'ok';
      },
      { concurrency: 1, priority: (id) => priorities[id] ?? 0 },
    );
    // All four are ready at once; one slot: highest priority first.
    expect(order).toEqual(['rds', 'other', 'route', 'first']);
  });

  it('ignores dependencies outside the graph', async () => {
    const result = await runDag(['b'], () => ['outside'], async () => 'ok', { concurrency: 1 });
    expect([...result.completed]).toEqual(['b']);
  });
});

function step(id: string, needs: string[] = []): Step {
  return {
    id,
    section: 'network',
    title: id,
    needs,
    find: async () => ({ kind: 'absent' }),
    preview: () => ({ summary: id, cli: [] }),
    apply: async () => ({}),
  };
}

describe('topologicalOrder', () => {
  it('puts needs first and keeps runbook order otherwise', () => {
    const order = topologicalOrder([step('route', ['rt']), step('vpc'), step('rt', ['vpc']), step('igw')]).map((s) => s.id);
    expect(order).toEqual(['vpc', 'rt', 'route', 'igw']);
  });

  it('rejects a cycle, naming it', () => {
    expect(() => topologicalOrder([step('a', ['b']), step('b', ['a'])])).toThrow(/cycle: a → b → a/);
  });

  it('lists dependents for teardown', () => {
    const dependents = dependentsOf([step('vpc'), step('subnet', ['vpc']), step('rt', ['vpc'])]);
    expect(dependents.get('vpc')).toEqual(['subnet', 'rt']);
    expect(dependents.get('subnet')).toEqual([]);
  });
});

describe('remainingWork', () => {
  it('adds a step’s typical time to the longest chain of steps that need it', () => {
    const work = remainingWork([
      step('vpc'),
      step('subnet', ['vpc']),
      { ...step('rds', ['subnet']), typicalSeconds: 900 },
      step('route', ['vpc']),
    ]);
    expect(work.get('rds')).toBe(900);
    expect(work.get('subnet')).toBe(901);
    expect(work.get('route')).toBe(1);
    expect(work.get('vpc')).toBe(902);
  });
});
