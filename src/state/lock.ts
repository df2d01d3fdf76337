import { rmdirSync, unlinkSync } from 'node:fs';
import { readFile, rmdir, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import writeFileAtomic from 'write-file-atomic';
import { processIdentity, processLiveness, type ProcessLiveness } from './process-identity.js';

/**
 * The state directory's lock (docs/state-and-resume.md#the-lock): proper-lockfile's mkdir lock `dir/lock`, refreshed while
 * held and considered stale when its holder stops refreshing it, plus `dir/lock-holder.json` saying
 * who holds it. A lock left by a process of this host that no longer runs is taken over at once: one that
 * no longer exists (`kill -9`, a crash), one that has exited but was never reaped by its parent (a zombie:
 * `kill(pid, 0)` still succeeds on it), or one whose pid now belongs to another process (its start time,
 * recorded in the holder file, differs: see process-identity.ts).
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
  /** The holder's start time in clock ticks after boot (/proc/PID/stat field 22), where the system says it. */
  startTicks?: string;
  /** The boot that start time belongs to (/proc/sys/kernel/random/boot_id). */
  bootId?: string;
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
        ? `Wait for it to finish, or if that process is stuck, stop it (kill ${holder.pid}) and run again: the lock of a process that no longer runs (killed, exited, even if not yet reaped) is taken over at once.`
        : `Wait for it to finish, or if that process is gone, run again in a few seconds: a lock its holder stops refreshing expires after ${LOCK_STALE_MS / 1000} s.`;
    super(`Another aws-runbook run holds the lock on ${dir}: ${who}. ${advice}`);
    this.name = 'LockedError';
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Why a holder of this host no longer runs, for the takeover notice; undefined while it does. */
function deadHolderReason(holder: LockHolder, liveness: ProcessLiveness): string | undefined {
  switch (liveness.kind) {
    case 'alive':
      return undefined;
    case 'gone':
      return 'no longer exists';
    case 'zombie':
      return 'has exited (a zombie its parent has not reaped)';
    case 'another-process':
      return `has exited: pid ${holder.pid} now belongs to another process (started at tick ${liveness.startTicks} after boot, the holder at ${holder.startTicks ?? 'unknown'})`;
  }
}

function takeoverNotice(dir: string, holder: LockHolder, reason: string): string {
  return `Took over the lock on ${dir}: its holder, pid ${holder.pid} (\`${holder.command}\` since ${holder.since}), ${reason}.`;
}

/** Why a lock found stale was left: the holder's fate where this host can tell, else its silence. */
function staleReason(holder: LockHolder): string {
  const silent = `stopped refreshing it for more than ${LOCK_STALE_MS / 1000} s`;
  if (holder.host !== hostname()) return silent;
  return deadHolderReason(holder, holderLiveness(holder)) ?? `${silent} (it still runs, and stops when it notices)`;
}

/** Whether the holder of this host still runs: its pid exists, is no zombie, and is the process that took the lock. */
function holderLiveness(holder: LockHolder): ProcessLiveness {
  const recorded = holder.startTicks !== undefined && holder.bootId !== undefined ? { startTicks: holder.startTicks, bootId: holder.bootId } : undefined;
  return processLiveness(holder.pid, recorded);
}

async function readHolder(file: string): Promise<LockHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    if (typeof holder.pid !== 'number' || typeof holder.host !== 'string') return undefined;
    return {
      pid: holder.pid,
      host: holder.host,
      command: String(holder.command ?? 'unknown'),
      since: String(holder.since ?? 'unknown'),
      ...(typeof holder.startTicks === 'string' && typeof holder.bootId === 'string' ? { startTicks: holder.startTicks, bootId: holder.bootId } : {}),
    };
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
 * stale time and another run took it); the process is not crashed. `onTakeover` is told when the lock of
 * a holder that no longer runs was taken over. Resolves to the function that releases it.
 */
export async function acquireStateLock(
  dir: string,
  command: string,
  onCompromised: (error: Error) => void,
  onTakeover: (message: string) => void = () => undefined,
): Promise<() => Promise<void>> {
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
    if (releaseLock) {
      // Taken at once, yet a holder file is left: its holder stopped without releasing and its lock went
      // stale before this run looked (a slow start after a kill -9, a stalled holder). Said like any takeover.
      const left = await readHolder(p.holder);
      if (left && !(left.pid === process.pid && left.host === hostname())) onTakeover(takeoverNotice(dir, left, staleReason(left)));
    } else {
      const holder = await readHolder(p.holder);
      if (!holder) throw new LockedError(dir, await unknownHolder(p.lock));
      const dead = holder.host === hostname() ? deadHolderReason(holder, holderLiveness(holder)) : undefined;
      if (dead === undefined) throw new LockedError(dir, holder);
      // The holder stopped without releasing (kill -9, a crash). proper-lockfile can only unlock its own
      // locks, so its lock directory is removed here, under the guard, and the lock taken anew.
      await rmdir(p.lock).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
      releaseLock = await tryLock();
      if (!releaseLock) throw new LockedError(dir, (await readHolder(p.holder)) ?? (await unknownHolder(p.lock)));
      onTakeover(takeoverNotice(dir, holder, dead));
    }
    const holder: LockHolder = { pid: process.pid, host: hostname(), command, since: new Date().toISOString(), ...processIdentity() };
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

/**
 * The holder of the lock on `dir` while it runs (for `status`), else undefined. A holder of this host runs
 * when its process does (pid, not a zombie, same start time); one of another host when it keeps refreshing
 * the lock (its mtime younger than the stale time). Reads only; takes nothing.
 */
export async function runningLockHolder(dir: string): Promise<LockHolder | undefined> {
  const p = paths(dir);
  const lockTime = await stat(p.lock).then(
    (s) => s.mtimeMs,
    () => undefined,
  );
  if (lockTime === undefined) return undefined;
  const holder = await readHolder(p.holder);
  if (!holder) return undefined;
  if (holder.host === hostname()) return holderLiveness(holder).kind === 'alive' ? holder : undefined;
  return Date.now() - lockTime < LOCK_STALE_MS ? holder : undefined;
}
