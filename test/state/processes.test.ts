import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError, readState, StateStore } from '../../src/state/store.js';
import { killHard, startChild, type RunningChild } from './fixtures/child.js';

const OPTIONS = { project: 'test', region: 'us-east-2', command: 'up' };

let dir: string;
const children: RunningChild[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-runbook-state-proc-'));
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => killHard(child)));
  await rm(dir, { recursive: true, force: true });
});

describe('state across processes', () => {
  it('a second process is locked out with the holder named; after kill -9 the lock is taken over at once', async () => {
    const holder = await startChild('hold', dir, 'locked');
    children.push(holder);

    const error = await StateStore.open(dir, OPTIONS).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).holder.pid).toBe(holder.pid);
    expect((error as LockedError).holder.command).toBe('up');
    expect((error as LockedError).message).toContain(`pid ${holder.pid} on host`);

    await killHard(holder);
    const started = Date.now();
    const store = await StateStore.open(dir, OPTIONS);
    // Well under the 5 s stale time: the dead holder was detected, not waited out.
    expect(Date.now() - started).toBeLessThan(1_500);
    await store.close();
  });

  it('a process that exits while holding the lock (process.exit, as a forced second Ctrl-C does) leaves no lock behind', async () => {
    const child = await startChild('exit', dir, 'locked');
    await child.exited;
    expect(child.process.exitCode).toBe(130);
    const left = await readdir(dir);
    expect(left.filter((name) => name.startsWith('lock'))).toEqual([]);
    expect(left).toContain('state.json');
    expect((await readState(dir))?.steps['network.vpc-mvp']).toMatchObject({ status: 'running' });
  });

  it('kill -9 in the middle of back-to-back atomic writes leaves a whole, valid state file', async () => {
    let lastCounter = 0;
    for (let round = 0; round < 3; round += 1) {
      const writer = await startChild('loop', dir, 'writing');
      children.push(writer);
      await new Promise((resolve) => setTimeout(resolve, 150 + round * 70));
      await killHard(writer);
      children.splice(children.indexOf(writer), 1);

      const state = await readState(dir);
      const counter = Number(state?.steps['network.vpc-mvp']?.outputs['counter']);
      expect(counter).toBeGreaterThanOrEqual(1);
      expect(Object.keys(state?.steps['network.vpc-mvp']?.outputs ?? {})).toHaveLength(2_001);
      lastCounter = counter;
    }
    expect(lastCounter).toBeGreaterThanOrEqual(1);

    // The next run takes the dead writer's lock over and clears the temp files it left.
    const store = await StateStore.open(dir, OPTIONS);
    expect(store.state.steps['network.vpc-mvp']?.outputs['counter']).toBe(String(lastCounter));
    expect((await readdir(dir)).filter((name) => /^state\.json\.\d+$/.test(name))).toEqual([]);
    await store.close();
  });
});
