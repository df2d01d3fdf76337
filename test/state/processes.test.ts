import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError, readState, StateStore } from '../../src/state/store.js';
import { processIdentity } from '../../src/state/process-identity.js';
import { killHard, procState, startChild, startUnreapedChild, type RunningChild, type UnreapedChild } from './fixtures/child.js';

const OPTIONS = { project: 'test', region: 'us-east-2', command: 'up' };

let dir: string;
const children: RunningChild[] = [];
const unreaped: UnreapedChild[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aws-runbook-state-proc-'));
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((child) => killHard(child)));
  await Promise.all(unreaped.splice(0).map((child) => child.stop()));
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
    // The holder recorded who it is beyond its pid: its start time and boot (Linux's /proc).
    const recorded = JSON.parse(await readFile(join(dir, 'lock-holder.json'), 'utf8')) as Record<string, unknown>;
    expect(recorded).toMatchObject({ pid: holder.pid, ...processIdentity(holder.pid) });
    expect(recorded['startTicks']).toMatch(/^\d+$/);

    await killHard(holder);
    const started = Date.now();
    const store = await StateStore.open(dir, OPTIONS);
    // Well under the 5 s stale time: the dead holder was detected, not waited out.
    expect(Date.now() - started).toBeLessThan(1_500);
    await store.close();
  });

  it('a holder that has exited but was never reaped (a zombie) is taken over at once, and the new run says so', async () => {
    const holder = await startUnreapedChild('hold', dir, 'locked');
    unreaped.push(holder);
    await expect(StateStore.open(dir, OPTIONS)).rejects.toBeInstanceOf(LockedError);

    await holder.kill();
    expect(procState(holder.pid)).toBe('Z'); // kill(pid, 0) still succeeds: the old check saw a live holder
    expect(() => process.kill(holder.pid, 0)).not.toThrow();
    const notices: string[] = [];
    const started = Date.now();
    const store = await StateStore.open(dir, { ...OPTIONS, onLockTakeover: (message) => notices.push(message) });
    expect(Date.now() - started).toBeLessThan(1_500); // not the 5 s stale time waited out
    expect(notices).toEqual([expect.stringMatching(new RegExp(`^Took over the lock on .*: its holder, pid ${holder.pid} \\(\`up\` since .*\\), has exited \\(a zombie its parent has not reaped\\)\\.$`))]);
    expect(JSON.parse(await readFile(join(dir, 'lock-holder.json'), 'utf8'))).toMatchObject({ pid: process.pid });
    await store.close();
  });

  it('a lock that went stale before the next run looked (a slow start after kill -9) is still reported as taken over', async () => {
    // proper-lockfile takes a lock whose mtime is older than the stale time without a word; the holder file
    // it leaves says who stopped without releasing, and the note says so like any other takeover.
    const past = new Date(Date.now() - 60_000);
    await mkdir(join(dir, 'lock'));
    await utimes(join(dir, 'lock'), past, past);
    await writeFile(join(dir, 'lock-holder.json'), JSON.stringify({ pid: 0x3fffff, host: hostname(), command: 'up', since: '2026-01-01T00:00:00.000Z' }));
    const notices: string[] = [];
    const store = await StateStore.open(dir, { ...OPTIONS, onLockTakeover: (message) => notices.push(message) });
    expect(notices).toEqual([`Took over the lock on ${dir}: its holder, pid ${0x3fffff} (\`up\` since 2026-01-01T00:00:00.000Z), no longer exists.`]);
    await store.close();

    // A holder of another host that stopped refreshing: this host cannot tell its fate, only its silence.
    await mkdir(join(dir, 'lock'));
    await utimes(join(dir, 'lock'), past, past);
    await writeFile(join(dir, 'lock-holder.json'), JSON.stringify({ pid: 42, host: 'elsewhere', command: 'down', since: '2026-01-01T00:00:00.000Z' }));
    notices.length = 0;
    const again = await StateStore.open(dir, { ...OPTIONS, onLockTakeover: (message) => notices.push(message) });
    expect(notices).toEqual([`Took over the lock on ${dir}: its holder, pid 42 (\`down\` since 2026-01-01T00:00:00.000Z), stopped refreshing it for more than 5 s.`]);
    await again.close();

    // A clean release leaves no holder file: the next run says nothing.
    notices.length = 0;
    const third = await StateStore.open(dir, { ...OPTIONS, onLockTakeover: (message) => notices.push(message) });
    expect(notices).toEqual([]);
    await third.close();
  });

  it('a holder whose pid now belongs to another process (another start time) is taken over at once', async () => {
    // A live process holding the pid the lock names, started at another time than the lock's holder.
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => other.once('exit', resolve));
    try {
      const pid = other.pid ?? 0;
      const identity = processIdentity(pid);
      expect(identity?.startTicks).toMatch(/^\d+$/);
      const earlier = String(Number(identity?.startTicks) - 100);
      await mkdir(join(dir, 'lock'));
      await writeFile(join(dir, 'lock-holder.json'), JSON.stringify({ pid, host: hostname(), command: 'up', since: '2026-01-01T00:00:00.000Z', startTicks: earlier, bootId: identity?.bootId }));
      const notices: string[] = [];
      const store = await StateStore.open(dir, { ...OPTIONS, onLockTakeover: (message) => notices.push(message) });
      expect(notices).toEqual([`Took over the lock on ${dir}: its holder, pid ${pid} (\`up\` since 2026-01-01T00:00:00.000Z), has exited: pid ${pid} now belongs to another process (started at tick ${identity?.startTicks} after boot, the holder at ${earlier}).`]);
      await store.close();

      // The same pid and start time in another boot (after a reboot) is another process too.
      await mkdir(join(dir, 'lock'));
      await writeFile(join(dir, 'lock-holder.json'), JSON.stringify({ pid, host: hostname(), command: 'up', since: '2026-01-01T00:00:00.000Z', ...identity, bootId: 'another-boot' }));
      const again = await StateStore.open(dir, OPTIONS);
      await again.close();

      // And with its own start time and boot, it is the holder: locked (exit 3 in the CLI).
      await mkdir(join(dir, 'lock'));
      await writeFile(join(dir, 'lock-holder.json'), JSON.stringify({ pid, host: hostname(), command: 'up', since: '2026-01-01T00:00:00.000Z', ...identity }));
      await expect(StateStore.open(dir, OPTIONS)).rejects.toBeInstanceOf(LockedError);
    } finally {
      other.kill('SIGKILL');
      await exited;
    }
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
