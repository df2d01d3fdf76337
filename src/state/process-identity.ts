import { readFileSync } from 'node:fs';

/**
 * Whether a pid still names the process that took a lock. A pid alone cannot say: `kill(pid, 0)` succeeds
 * on a zombie (a process that has exited but that its parent has not reaped yet), and a pid can be handed
 * to another process after its holder is gone (wrap-around, a reboot). On Linux, /proc/PID/stat says both
 * whether the process is a zombie (field 3, state `Z`) and when it started (field 22, `starttime`, in clock
 * ticks since boot: fixed for the life of the process), and /proc/sys/kernel/random/boot_id which boot
 * that count belongs to (proc(5)). No npm package reads these two fields without spawning `ps`, so this
 * reads them directly. Elsewhere (no /proc) only existence can be known.
 */

/** Who a process is beyond its pid: its start time and the boot it belongs to (Linux). */
export interface ProcessIdentity {
  /** /proc/PID/stat field 22: clock ticks after boot at which the process started. */
  startTicks: string;
  /** /proc/sys/kernel/random/boot_id: changes at every boot, so equal ticks of two boots never match. */
  bootId: string;
}

export type ProcessLiveness =
  | { kind: 'alive' }
  /** Exited but not reaped by its parent: it will never release a lock. */
  | { kind: 'zombie' }
  | { kind: 'gone' }
  /** The pid exists but belongs to a process started at another time (or in another boot). */
  | { kind: 'another-process'; startTicks: string };

interface StatFields {
  state: string;
  startTicks: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Fields 3 (state) and 22 (starttime) of /proc/PID/stat. Field 2, the command name in parentheses, may
 * itself hold spaces and parentheses, so fields are counted after its last `)`.
 */
export function parseProcStat(text: string): StatFields | undefined {
  const close = text.lastIndexOf(')');
  if (close === -1) return undefined;
  const fields = text.slice(close + 1).trim().split(/\s+/);
  // fields[0] is field 3; field 22 is fields[19].
  const state = fields[0];
  const startTicks = fields[19];
  if (state === undefined || startTicks === undefined || !/^\d+$/.test(startTicks)) return undefined;
  return { state, startTicks };
}

function procStat(pid: number): StatFields | undefined {
  const text = readText(`/proc/${pid}/stat`);
  return text === undefined ? undefined : parseProcStat(text);
}

function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

/** This process's identity, recorded in the lock it takes; undefined where /proc cannot tell (not Linux). */
export function processIdentity(pid: number = process.pid): ProcessIdentity | undefined {
  const stat = procStat(pid);
  const boot = bootId();
  return stat && boot ? { startTicks: stat.startTicks, bootId: boot } : undefined;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}

/** Whether a process with this pid exists on this host (EPERM: it exists, owned by someone else). */
function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) !== 'ESRCH';
  }
}

/**
 * Whether `pid` on this host is still the process recorded as `recorded`. Without a recorded identity (a
 * lock taken by an older version, or where /proc does not exist) a live pid counts as alive.
 */
export function processLiveness(pid: number, recorded: ProcessIdentity | undefined): ProcessLiveness {
  if (!Number.isInteger(pid) || pid <= 0 || !pidExists(pid)) return { kind: 'gone' };
  const stat = procStat(pid);
  if (!stat) {
    // No /proc entry although kill(pid, 0) succeeded: not Linux, or the process exited in between.
    return readText('/proc/self/stat') === undefined ? { kind: 'alive' } : { kind: 'gone' };
  }
  if (stat.state === 'Z' || stat.state === 'X') return { kind: 'zombie' };
  if (!recorded) return { kind: 'alive' };
  if (stat.startTicks !== recorded.startTicks || bootId() !== recorded.bootId) return { kind: 'another-process', startTicks: stat.startTicks };
  return { kind: 'alive' };
}
