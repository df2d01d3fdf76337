import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyState, type PersistedState } from '../../src/state/schema.js';
import { SecretRedactor } from '../../src/state/redact.js';
import { LockedError, readState, StateError, StateStore, type StateStoreOptions } from '../../src/state/store.js';

const OPTIONS: StateStoreOptions = { project: 'bfhk', region: 'us-east-2', command: 'up' };

let dir: string;
const opened: StateStore[] = [];
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'aws-runbook-state-')), 'state');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
  await rm(join(dir, '..'), { recursive: true, force: true });
});

async function open(options: Partial<StateStoreOptions> = {}): Promise<StateStore> {
  const store = await StateStore.open(dir, { ...OPTIONS, ...options });
  opened.push(store);
  return store;
}

async function errorOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

const doneStep = (vpcId: string): PersistedState['steps'][string] => ({
  status: 'done',
  action: 'create',
  finishedAt: new Date().toISOString(),
  outputs: { vpcId },
});

describe('StateStore', () => {
  it('creates the directory and starts from an empty state without writing it', async () => {
    const store = await open();
    expect(store.state).toMatchObject({ version: 1, project: 'bfhk', region: 'us-east-2', steps: {} });
    expect(await readState(dir)).toBeUndefined();
    expect((await stat(join(dir, 'lock'))).isDirectory()).toBe(true);
  });

  it('writes every update to disk, readable by readState, with updatedAt moving', async () => {
    const store = await open();
    const before = store.state.updatedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.update((draft) => {
      draft.steps['network.vpc-mvp'] = doneStep('vpc-1');
      draft.account = '123456789012';
    });
    const onDisk = await readState(dir);
    expect(onDisk?.steps['network.vpc-mvp']).toMatchObject({ status: 'done', outputs: { vpcId: 'vpc-1' } });
    expect(onDisk?.account).toBe('123456789012');
    expect(onDisk).toEqual(store.state);
    expect(store.state.updatedAt > before).toBe(true);
    expect((await stat(join(dir, 'state.json'))).mode & 0o777).toBe(0o600);
  });

  it('serializes concurrent updates in call order, losing none', async () => {
    const store = await open();
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        store.update((draft) => {
          const step = draft.steps['order'];
          const sequence = step ? `${step.outputs['sequence']},${i}` : String(i);
          draft.steps['order'] = { status: 'running', mode: 'up', startedAt: new Date().toISOString(), outputs: { sequence } };
        }),
      ),
    );
    const expected = Array.from({ length: 25 }, (_, i) => i).join(',');
    expect(store.state.steps['order']?.outputs['sequence']).toBe(expected);
    expect((await readState(dir))?.steps['order']?.outputs['sequence']).toBe(expected);
  });

  it('writes updates made while a write is in flight together, each resolving once it is on disk', async () => {
    const store = await open();
    const settled: string[] = [];
    const updates = Array.from({ length: 30 }, (_, i) =>
      store
        .update((draft) => {
          draft.steps[`s${i}`] = doneStep(`vpc-${i}`);
        })
        .then(async () => {
          // When an update resolves, its change is in the file already.
          const onDisk = await readState(dir);
          settled.push(onDisk?.steps[`s${i}`] ? 'on disk' : 'missing');
        }),
    );
    await Promise.all(updates);
    expect(settled).toEqual(Array.from({ length: 30 }, () => 'on disk'));
    expect(Object.keys((await readState(dir))?.steps ?? {})).toHaveLength(30);
    // Made in the same tick, the 30 updates share one write.
    expect(store.writes).toBe(1);
    // Made while that write is in flight, later ones wait for it, then share the next.
    const late = [store.update((draft) => void (draft.steps['x'] = doneStep('vpc-x')))];
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < 10; i++) late.push(store.update((draft) => void (draft.steps[`y${i}`] = doneStep(`vpc-y${i}`))));
    await Promise.all(late);
    expect(store.writes).toBeGreaterThanOrEqual(2);
    expect(store.writes).toBeLessThanOrEqual(3);
    expect(Object.keys((await readState(dir))?.steps ?? {})).toHaveLength(41);
  });

  it('in a group written together, a throwing or invalid update is refused alone', async () => {
    const store = await open();
    const first = store.update((draft) => {
      draft.steps['a'] = doneStep('vpc-a');
    });
    const thrown = store.update(() => {
      throw new Error('boom');
    });
    const invalid = store.update((draft) => {
      draft.steps['bad'] = { status: 'done', action: 'create', finishedAt: 'yesterday', outputs: {} };
    });
    const good = store.update((draft) => {
      draft.steps['c'] = doneStep('vpc-c');
    });
    await first;
    await expect(thrown).rejects.toThrow('boom');
    expect(await errorOf(invalid)).toBeInstanceOf(StateError);
    await good;
    expect(Object.keys((await readState(dir))?.steps ?? {})).toEqual(['a', 'c']);
  });

  it('keeps the state unchanged when a mutation throws or makes the state invalid, and keeps going', async () => {
    const store = await open();
    await store.update((draft) => {
      draft.steps['a'] = doneStep('vpc-a');
    });
    await expect(
      store.update(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const invalid = await errorOf(
      store.update((draft) => {
        draft.steps['b'] = { status: 'done', action: 'create', finishedAt: 'yesterday', outputs: {} };
      }),
    );
    expect(invalid).toBeInstanceOf(StateError);
    expect(store.state.steps['b']).toBeUndefined();
    expect((await readState(dir))?.steps['b']).toBeUndefined();
    await store.update((draft) => {
      draft.steps['c'] = doneStep('vpc-c');
    });
    expect(Object.keys((await readState(dir))?.steps ?? {})).toEqual(['a', 'c']);
  });

  it('keeps the previous file as state.json.bak before its first write', async () => {
    const first = await open();
    await first.update((draft) => {
      draft.steps['a'] = doneStep('vpc-old');
    });
    await first.close();
    const previousBytes = await readFile(join(dir, 'state.json'));

    const second = await open();
    await second.update((draft) => {
      draft.steps['a'] = doneStep('vpc-new');
    });
    await second.update((draft) => {
      draft.steps['b'] = doneStep('vpc-b');
    });
    expect(await readFile(join(dir, 'state.json.bak'))).toEqual(previousBytes);
    expect((await readState(dir))?.steps['a']?.outputs['vpcId']).toBe('vpc-new');
  });

  it('releases the lock on close (idempotent) and refuses later updates', async () => {
    const store = await open();
    const pending = store.update((draft) => {
      draft.steps['a'] = doneStep('vpc-a');
    });
    await Promise.all([store.close(), store.close()]);
    await pending;
    expect((await readState(dir))?.steps['a']).toBeDefined();
    await expect(readdir(dir)).resolves.not.toContain('lock');
    await expect(store.update(() => undefined)).rejects.toBeInstanceOf(StateError);
    const again = await open();
    expect(again.state.steps['a']).toBeDefined();
  });

  it('a second open in the same process is locked out, naming this process', async () => {
    await open({ command: 'up' });
    const error = await errorOf(open({ command: 'down' }));
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).holder).toMatchObject({ pid: process.pid, host: hostname(), command: 'up' });
    expect((error as LockedError).message).toMatch(new RegExp(`^Another aws-runbook run holds the lock on ${dir}: pid ${process.pid} on host `));
  });

  it('does not take over a lock held from another host', async () => {
    await mkdir(join(dir, 'lock'), { recursive: true });
    const holder = { pid: 999_999, host: 'other-host.example', command: 'up', since: '2025-01-01T00:00:00.000Z' };
    await writeFile(join(dir, 'lock-holder.json'), JSON.stringify(holder));
    const error = await errorOf(open());
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).holder).toEqual(holder);
    expect((error as LockedError).message).toContain('run again in a few seconds');
  });

  it('refuses a state directory that is a file, leaving the file as it is', async () => {
    await mkdir(join(dir, '..'), { recursive: true });
    await writeFile(dir, 'not a directory');
    for (const attempt of [() => open(), () => readState(dir)]) {
      const error = await errorOf(attempt());
      expect(error).toBeInstanceOf(StateError);
      expect((error as StateError).what).toMatch(/is not a directory/);
      expect((error as StateError).fix).toMatch(/--state/);
    }
    expect(await readFile(dir, 'utf8')).toBe('not a directory');
  });

  it('takes over a lock whose holder on this host no longer exists', async () => {
    await mkdir(join(dir, 'lock'), { recursive: true });
    // A pid above the usual pid_max: no such process.
    await writeFile(join(dir, 'lock-holder.json'), JSON.stringify({ pid: 4_194_999, host: hostname(), command: 'up', since: new Date().toISOString() }));
    const store = await open();
    expect(JSON.parse(await readFile(join(dir, 'lock-holder.json'), 'utf8'))).toMatchObject({ pid: process.pid, command: 'up' });
    await store.close();
    await expect(readdir(dir)).resolves.not.toContain('lock-holder.json');
  });
});

describe('StateStore refuses a state it must not touch', () => {
  async function expectRefused(content: string, options: Partial<StateStoreOptions>, what: RegExp, fix: RegExp): Promise<void> {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'state.json'), content);
    const before = await readFile(join(dir, 'state.json'));
    const error = await errorOf(open(options));
    expect(error).toBeInstanceOf(StateError);
    expect((error as StateError).what).toMatch(what);
    expect((error as StateError).fix).toMatch(fix);
    expect((error as StateError).file).toBe(join(dir, 'state.json'));
    expect(await readFile(join(dir, 'state.json'))).toEqual(before);
    expect(await readdir(dir)).not.toContain('lock'); // the lock was released
  }

  const valid = (overrides: Partial<PersistedState>): string => JSON.stringify({ ...emptyState('bfhk', 'us-east-2'), ...overrides });

  it('corrupt JSON', async () => {
    await expectRefused('{"version": 1, "project": "bf', {}, /not valid JSON/, /There is no earlier copy \(.*state\.json\.bak does not exist\)/);
    await expect(readState(dir)).rejects.toBeInstanceOf(StateError);
  });

  it('corrupt JSON with an earlier copy: the fix names it', async () => {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'state.json.bak'), valid({}));
    await expectRefused('{"version": 1, "project": "bf', {}, /not valid JSON/, new RegExp(`cp ${join(dir, 'state.json.bak')} ${join(dir, 'state.json')}`));
  });

  it('a newer version', async () => {
    await expectRefused(JSON.stringify({ version: 2, anything: true }), {}, /written by a newer aws-runbook/, /upgrade/);
  });

  it('a file that does not match the schema', async () => {
    await expectRefused(valid({ steps: { a: { status: 'sleeping' } as never } }), {}, /expected format: steps\.a/, /state\.json\.bak/);
  });

  it('another project', async () => {
    await expectRefused(valid({ project: 'other' }), {}, /belongs to project "other" \(the config says "bfhk"\)/, /--state DIR/);
  });

  it('another region', async () => {
    await expectRefused(valid({}), { region: 'eu-west-3' }, /region us-east-2 \(the config says eu-west-3\)/, /--state DIR/);
  });
});

describe('StateStore with a redactor', () => {
  it('never writes a known secret to the state file', async () => {
    const redactor = new SecretRedactor();
    redactor.add('S3cr3t-Pa55word');
    const store = await open({ redactor });
    await store.update((draft) => {
      draft.steps['db'] = {
        status: 'failed',
        mode: 'up',
        finishedAt: new Date().toISOString(),
        outputs: { endpoint: 'db.example' },
        error: { kind: 'invalid', message: 'bad password S3cr3t-Pa55word', hint: 'retry', retryable: false },
      };
    });
    const text = await readFile(join(dir, 'state.json'), 'utf8');
    expect(text).not.toContain('S3cr3t-Pa55word');
    expect(text).toContain('bad password [redacted]');
  });
});
