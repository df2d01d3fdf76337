import { rmdirSync, unlinkSync } from 'node:fs';
import { readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';

/**
 * The state directory's lock (DESIGN.md §4): proper-lockfile's mkdir lock `dir/lock`, refreshed while
 * held and considered stale when its holder stops refreshing it, plus `dir/lock-holder.json` saying
 * who holds it. A lock left by a process of this host that no longer exists (`kill -9`, a crash) is
 * taken over at once.
 *
 * Taking the lock, writing the holder file and taking over a dead holder's lock all happen under a
 * second, short-lived proper-lockfile lock (`dir/lock-holder.lock`), so the holder file always
 * describes the current lock and two runs starting after a crash cannot both take it over.
 */

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  /** ISO time the lock was taken. */
  since: string;
}

/** The lock's mtime is refreshed every LOCK_UPDATE_MS; a lock not refreshed for LOCK_STALE_MS is stale. */
export const LOCK_STALE_MS = 5_000;
export const LOCK_UPDATE_MS = 1_000;

const paths = (dir: string) => ({
  target: join(dir, 'state.json'),
  lock: join(dir, 'lock'),
  holder: join(dir, 'lock-holder.json'),
  guard: join(dir, 'lock-holder.lock'),
});

export class LockedError extends Error {
  constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {
    const known = holder.pid > 0;
    const who = known
      ? `pid ${holder.pid} on host ${holder.host}, \`${holder.command}\` since ${holder.since}`
      : `holder unknown, locked since ${holder.since}`;
    const advice =
      known && holder.host === hostname()
        ? `Wait for it to finish, or if that process is stuck, stop it (kill ${holder.pid}) and run again: the lock of a process that no longer exists is taken over at once.`
        : `Wait for it to finish, or if that process is gone, run again in a few seconds: a lock its holder stops refreshing expires after ${LOCK_STALE_MS / 1000} s.`;
    super(`Another aws-runbook run holds the lock on ${dir}: ${who}. ${advice}`);
    this.name = 'LockedError';
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string') return undefined;
    return { pid: holder.pid, host: holder.host, command: String(holder.command ?? 'unknown'), since: String(holder.since ?? 'unknown') };
  } catch {
    return undefined;
  }
}

async function unknownHolder(lockPath: string): Promise<LockHolder> {
  const since = await stat(lockPath).then(
    (s) => s.mtime.toISOString(),
    () => 'unknown',
  );
  return { pid: 0, host: 'unknown', command: 'unknown', since };
}

async function withGuard<T>(dir: string, work: () => Promise<T>): Promise<T> {
  const p = paths(dir);
  const releaseGuard = await lockfile.lock(p.holder, {
    realpath: false,
    lockfilePath: p.guard,
    stale: 2_000, // proper-lockfile's minimum; the guard is held for milliseconds
    retries: { retries: 80, factor: 1, minTimeout: 50, maxTimeout: 50 },
    onCompromised: () => undefined,
  });
  try {
    return await work();
  } finally {
    await releaseGuard().catch(() => undefined);
  }
}

/**
 * Takes the lock on `dir` (which must exist) for `command`, or throws LockedError naming the holder.
 * `onCompromised` is called if the lock is lost while held (e.g. the event loop stalled past the
 * stale time and another run took it); the process is not crashed.
 * Resolves to the function that releases it.
 */
export async function acquireStateLock(dir: string, command: string, onCompromised: (error: Error) => void): Promise<() => Promise<void>> {
  const p = paths(dir);
  const tryLock = async (): Promise<(() => Promise<void>) | undefined> => {
    try {
      return await lockfile.lock(p.target, { realpath: false, lockfilePath: p.lock, stale: LOCK_STALE_MS, update: LOCK_UPDATE_MS, onCompromised });
    } catch (error) {
      if (errorCode(error) === 'ELOCKED') return undefined;
      throw error;
    }
  };

  const release = await withGuard(dir, async () => {
    let releaseLock = await tryLock();
    if (!releaseLock) {
      const holder = await readHolder(p.holder);
      if (!holder) throw new LockedError(dir, await unknownHolder(p.lock));
      if (holder.host !== hostname() || processExists(holder.pid)) throw new LockedError(dir, holder);
      // The holder died without releasing (kill -9). proper-lockfile can only unlock its own locks,
      // so its lock directory is removed here, under the guard, and the lock taken anew.
      await rmdir(p.lock).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
      releaseLock = await tryLock();
      if (!releaseLock) throw new LockedError(dir, (await readHolder(p.holder)) ?? (await unknownHolder(p.lock)));
    }
    const holder: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString() };
    try {
      await writeFileAtomic(p.holder, `${JSON.stringify(holder, null, 2)}\n`);
    } catch (error) {
      await releaseLock().catch(() => undefined);
      throw error;
    }
    return releaseLock;
  });

  // A process that exits while holding the lock (process.exit after a second Ctrl-C, a signal with no
  // command handler) removes it in this hook: proper-lockfile's own exit cleanup relies on signal-exit
  // hooks that another package's copy of signal-exit can unhook, depending on load order.
  const releaseOnExit = () => {
    for (const remove of [() => unlinkSync(p.holder), () => rmdirSync(p.lock)]) {
      try {
        remove();
      } catch {
        // already gone
      }
    }
  };
  process.once('exit', releaseOnExit);

  return async () => {
    process.removeListener('exit', releaseOnExit);
    await withGuard(dir, async () => {
      const holder = await readHolder(p.holder);
      if (holder?.pid === process.pid && holder.host === hostname()) await unlink(p.holder).catch(() => undefined);
      await release().catch(() => undefined); // ERELEASED after a compromise: nothing left to release
    }).catch(() => release().catch(() => undefined));
  };
}
