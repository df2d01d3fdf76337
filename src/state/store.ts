import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { z } from 'zod';
import { acquireStateLock } from './lock.js';
import { emptyState, persistedStateSchema, STATE_VERSION, type PersistedState } from './schema.js';
import type { SecretRedactor } from './redact.js';

export { LockedError, runningLockHolder, type LockHolder } from './lock.js';

/** Where state lives unless `--state DIR` says otherwise (docs/state-and-resume.md#where-state-lives). */
export { DEFAULT_STATE_DIR } from './paths.js';
export const STATE_FILE = 'state.json';
export const BACKUP_FILE = 'state.json.bak';

/** A state file that cannot be used as it is: what is wrong, which file, how to fix it. The CLI exits 2. */
export class StateError extends Error {
  readonly what: string;
  readonly file?: string;
  readonly fix?: string;

  constructor(what: string, details: { file?: string; fix?: string } = {}) {
    super([what, details.file ? `  file: ${details.file}` : '', details.fix ? `  fix: ${details.fix}` : ''].filter(Boolean).join('\n'));
    this.name = 'StateError';
    this.what = what;
    if (details.file) this.file = details.file;
    if (details.fix) this.fix = details.fix;
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

function summarize(error: z.ZodError): string {
  const shown = error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`);
  const more = error.issues.length > shown.length ? `; and ${error.issues.length - shown.length} more` : '';
  return `${shown.join('; ')}${more}`;
}

function restoreFix(dir: string): string {
  const file = join(dir, STATE_FILE);
  const backup = join(dir, BACKUP_FILE);
  const restore = existsSync(backup)
    ? `Restore the copy kept before the last change (cp ${backup} ${file}), or move the file away`
    : `There is no earlier copy (${backup} does not exist): move the file away`;
  return `the file was left as it is. ${restore} to start from an empty state (aws-runbook finds what it already created by its tags)`;
}

/** Parses and checks state file text; `dir` is only used in messages. */
export function parseStateText(text: string, dir: string): PersistedState {
  const file = join(dir, STATE_FILE);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new StateError(`The state file is not valid JSON (${(error as Error).message}).`, { file, fix: restoreFix(dir) });
  }
  const version = typeof data === 'object' && data !== null ? (data as { version?: unknown }).version : undefined;
  if (typeof version === 'number' && version > STATE_VERSION) {
    throw new StateError(
      `The state file was written by a newer aws-runbook (state version ${version}; this one reads version ${STATE_VERSION}).`,
      { file, fix: 'upgrade aws-runbook to the version that wrote it; the file was left untouched' },
    );
  }
  const parsed = persistedStateSchema.safeParse(data);
  if (!parsed.success) {
    throw new StateError(`The state file does not have the expected format: ${summarize(parsed.error)}.`, { file, fix: restoreFix(dir) });
  }
  return parsed.data;
}

/** `--state` (or .aws-runbook) names something that is not a directory: a file the tool must not touch. */
function notADirectory(dir: string): StateError {
  return new StateError(`The state directory ${resolve(dir)} is not a directory (a file, or a path through a file); it was left as it is.`, {
    file: resolve(dir),
    fix: 'give --state the path of a directory (it is created when missing), or move that file away',
  });
}

/** The recorded state, without taking the lock (plan, status); undefined when there is no state file. */
export async function readState(dir: string): Promise<PersistedState | undefined> {
  const file = join(dir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    if (errorCode(error) === 'ENOTDIR') throw notADirectory(dir);
    throw new StateError(`The state file cannot be read (${errorCode(error) ?? String(error)}).`, {
      file,
      fix: 'check that it is a file you can read, or pick another state directory with --state DIR',
    });
  }
  return parseStateText(text, dir);
}

export interface StateStoreOptions {
  /** Lower-case project key; a state of another project is refused. */
  project: string;
  region: string;
  /** The command holding the lock (`up`, `down`, `tui`), shown to a second run. */
  command: string;
  /** When given, every string written to the state file is passed through it. */
  redactor?: SecretRedactor;
  /** Told when the lock of a run that no longer runs (killed, a zombie, a reused pid) was taken over. */
  onLockTakeover?: (message: string) => void;
}

function redactStrings<T>(value: T, redactor: SecretRedactor): T {
  if (typeof value === 'string') return redactor.redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, redactor)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactStrings(item, redactor)])) as T;
  }
  return value;
}

/** Temp files write-file-atomic leaves behind when the process is killed mid-write (`state.json.<number>`). */
const ABANDONED_TEMP_FILE = /^state\.json(\.bak)?\.\d+$/;

/**
 * The state file of one run, held under the directory's lock: one writer, every change written
 * atomically (write-file-atomic with fsync: temp file, fsync, rename) and validated before it is.
 */
export class StateStore {
  private current: PersistedState;
  private queue: Promise<void> = Promise.resolve();
  private writeCount = 0;
  /** Updates not yet written, in call order. */
  private waiting: { mutate: (draft: PersistedState) => void; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private backedUp = false;
  private closing: Promise<void> | undefined;
  private lockLost: Error | undefined;
  private releaseLock: () => Promise<void> = async () => undefined;

  private constructor(
    readonly dir: string,
    initial: PersistedState,
    private readonly redactor: SecretRedactor | undefined,
  ) {
    this.current = initial;
  }

  get file(): string {
    return join(this.dir, STATE_FILE);
  }

  /** Files written by this store so far (one per group of updates): benches print it. */
  get writes(): number {
    return this.writeCount;
  }

  /** Set when the lock was lost while held; later updates are refused. */
  get lockError(): Error | undefined {
    return this.lockLost;
  }

  static async open(dir: string, options: StateStoreOptions): Promise<StateStore> {
    const absolute = resolve(dir);
    await createStateDir(absolute);
    let store: StateStore | undefined;
    const release = await acquireStateLock(absolute, options.command, (error) => store?.loseLock(error), options.onLockTakeover);
    try {
      const existing = await readState(absolute);
      if (existing) refuseOtherProject(existing, options, absolute);
      store = new StateStore(absolute, existing ?? emptyState(options.project, options.region), options.redactor);
      store.releaseLock = release;
      await store.removeAbandonedTempFiles();
      return store;
    } catch (error) {
      await release();
      throw error;
    }
  }

  get state(): Readonly<PersistedState> {
    return this.current;
  }

  /**
   * Applies `mutate` to a copy of the state and writes it; resolves once the change is on disk. Calls apply
   * in call order; a failed call (mutate threw, invalid result, disk error) leaves the state as it was.
   * Calls made while a write is in flight are written together by the next write (group commit: one fsync
   * for many steps finishing at once, instead of a queue of fsyncs that delays every step behind it).
   */
  update(mutate: (draft: PersistedState) => void): Promise<void> {
    if (this.closing) return Promise.reject(new StateError('The state store is closed; no more changes can be written.', { file: this.file }));
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ mutate, resolve, reject });
      if (this.waiting.length === 1) this.queue = this.queue.then(() => this.writeWaiting()).catch(() => undefined);
    });
  }

  /** Lets the updates already queued finish, then releases the lock; later updates are refused. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.queue.then(() => this.releaseLock());
    return this.closing;
  }

  private loseLock(error: Error): void {
    this.lockLost = error;
  }

  /** Writes every waiting update at once; if the batch as a whole is refused, each is tried on its own. */
  private async writeWaiting(): Promise<void> {
    const batch = this.waiting.splice(0);
    if (batch.length === 0) return;
    try {
      const applied = await this.write(batch.map((pending) => pending.mutate));
      batch.forEach((pending, index) => (applied[index] === undefined ? pending.resolve() : pending.reject(applied[index])));
    } catch (error) {
      if (batch.length === 1 || !(error instanceof StateError) || this.lockLost) {
        for (const pending of batch) pending.reject(error);
        return;
      }
      for (const pending of batch) {
        await this.write([pending.mutate]).then(
          ([failure]) => (failure === undefined ? pending.resolve() : pending.reject(failure)),
          (failure: unknown) => pending.reject(failure),
        );
      }
    }
  }

  /**
   * One atomic write of the current state with `mutations` applied in order. A mutation that throws is left
   * out (its error is returned at its index); an invalid result or a disk error throws and changes nothing.
   */
  private async write(mutations: readonly ((draft: PersistedState) => void)[]): Promise<(unknown | undefined)[]> {
    if (this.lockLost) {
      throw new StateError(`The lock on ${this.dir} was lost while this run held it (${this.lockLost.message}); another run may have taken over.`, {
        file: this.file,
        fix: 'make sure no other aws-runbook run uses this directory, then run again: it resumes from the last step written',
      });
    }
    let draft = structuredClone(this.current);
    const failures = mutations.map((mutate) => {
      const before = structuredClone(draft);
      try {
        mutate(draft);
        return undefined;
      } catch (error) {
        draft = before;
        return error;
      }
    });
    if (failures.every((failure) => failure !== undefined)) return failures;
    draft.updatedAt = new Date().toISOString();
    const parsed = persistedStateSchema.safeParse(this.redactor ? redactStrings(draft, this.redactor) : draft);
    if (!parsed.success) {
      throw new StateError(`Refused to write an invalid state: ${summarize(parsed.error)}.`, {
        file: this.file,
        fix: 'this is a bug in aws-runbook, please report it; the state file on disk is unchanged',
      });
    }
    await this.backUpOnce();
    await writeFileAtomic(this.file, `${JSON.stringify(parsed.data, null, 2)}\n`, { fsync: true, mode: 0o600 });
    this.current = parsed.data;
    this.writeCount += 1;
    return failures;
  }

  /** Before this process first writes, the previous file is kept as state.json.bak. */
  private async backUpOnce(): Promise<void> {
    if (this.backedUp) return;
    try {
      await writeFileAtomic(join(this.dir, BACKUP_FILE), await readFile(this.file), { fsync: true, mode: 0o600 });
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
    }
    this.backedUp = true;
  }

  private async removeAbandonedTempFiles(): Promise<void> {
    const names = await readdir(this.dir);
    await Promise.all(names.filter((name) => ABANDONED_TEMP_FILE.test(name)).map((name) => unlink(join(this.dir, name)).catch(() => undefined)));
  }
}

/** Creates the state directory (and its parents) when missing. */
async function createStateDir(absolute: string): Promise<void> {
  try {
    await mkdir(absolute, { recursive: true });
  } catch (error) {
    if (errorCode(error) === 'EEXIST' || errorCode(error) === 'ENOTDIR') throw notADirectory(absolute);
    throw new StateError(`The state directory cannot be created (${errorCode(error) ?? String(error)}).`, {
      file: absolute,
      fix: 'pick a writable directory with --state DIR',
    });
  }
}

function refuseOtherProject(existing: PersistedState, options: StateStoreOptions, dir: string): void {
  const differences = [
    existing.project !== options.project ? `project "${existing.project}" (the config says "${options.project}")` : '',
    existing.region !== options.region ? `region ${existing.region} (the config says ${options.region})` : '',
  ].filter(Boolean);
  if (differences.length === 0) return;
  throw new StateError(`The state in ${dir} belongs to ${differences.join(' and ')}.`, {
    file: join(dir, STATE_FILE),
    fix: 'use --state DIR to keep this configuration\'s state in another directory, or correct the config; the state file was left untouched',
  });
}
