import { createWriteStream, type WriteStream } from 'node:fs';
import { chmod, lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { SecretRedactor } from '../state/redact.js';
import type { SessionInfo } from './controller.js';

/** Logs kept per log directory: the oldest beyond this are removed when a run starts. */
export const KEPT_LOGS = 20;
export const LOG_DIR = 'logs';
/** `--sandbox` without `--state`: the rehearsal's state lives in `<tmp>/aws-runbook-sandbox-XXXXXX`, deleted when it ends. */
export const THROWAWAY_STATE_PREFIX = 'aws-runbook-sandbox-';
/** Where the logs of those rehearsals go instead, so the path a failure names still exists afterwards. */
export const SANDBOX_LOG_DIR_NAME = 'aws-runbook-sandbox-logs';

export function sandboxLogDir(): string {
  return join(tmpdir(), SANDBOX_LOG_DIR_NAME);
}

/** A rehearsal's throwaway state directory (src/cli/target.ts makes them), deleted when its session closes. */
export function isThrowawayStateDir(stateDir: string): boolean {
  const dir = resolve(stateDir);
  return dirname(dir) === resolve(tmpdir()) && basename(dir).startsWith(THROWAWAY_STATE_PREFIX) && basename(dir) !== SANDBOX_LOG_DIR_NAME;
}

/**
 * Where a session's logs go: `<state dir>/logs`, except for a rehearsal whose state is thrown away:
 * the shared `<tmp>/aws-runbook-sandbox-logs`, which outlives it (same redaction, 0600, newest 20).
 */
export function logDirFor(stateDir: string, info: Pick<SessionInfo, 'sandbox'>): string {
  return info.sandbox && isThrowawayStateDir(stateDir) ? sandboxLogDir() : join(stateDir, LOG_DIR);
}

/**
 * A directory only this user can use. A shared one (under /tmp) that is not a directory of ours (a
 * symlink, another user's) is not written into: a fresh private one next to it is used instead.
 */
async function privateLogDir(dir: string, shared: boolean): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (!shared) return dir;
  const stats = await lstat(dir);
  const uid = process.getuid?.();
  if (!stats.isDirectory() || (uid !== undefined && stats.uid !== uid)) return mkdtemp(`${dir}-`);
  if ((stats.mode & 0o077) !== 0) await chmod(dir, 0o700);
  return dir;
}

/**
 * The run's log: one JSON object per line under `<state dir>/logs/` (a rehearsal with throwaway state:
 * `<tmp>/aws-runbook-sandbox-logs/`), every line passed through the
 * run's redactor as it is written (a secret learned mid-run is masked from then on; steps register a
 * secret before they use it). The file is the operator's (0600). A failure points to it; `--verbose`
 * mirrors each line as it is written.
 */
export class RunLog {
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
    private readonly redactor: SecretRedactor,
    private readonly mirror?: (line: string) => void,
  ) {}

  /** A log under `<state dir>/logs`. */
  static async open(stateDir: string, command: string, redactor: SecretRedactor, mirror?: (line: string) => void): Promise<RunLog> {
    return RunLog.openIn(join(stateDir, LOG_DIR), command, redactor, mirror);
  }

  /** A log in `logDir` (made private to this user when it is the shared sandbox one). */
  static async openIn(logDir: string, command: string, redactor: SecretRedactor, mirror?: (line: string) => void): Promise<RunLog> {
    const dir = await privateLogDir(logDir, logDir === sandboxLogDir());
    await prune(dir, KEPT_LOGS - 1);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = join(dir, `${stamp}-${command.replace(/[^a-z-]/gi, '')}-${process.pid}.jsonl`);
    const stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new RunLog(path, stream, redactor, mirror);
  }

  /** One record: `{ time, type, ...fields }`, redacted. */
  write(type: string, fields: object = {}): void {
    if (this.closed) return;
    const line = this.redactor.redact(JSON.stringify({ time: new Date().toISOString(), type, ...fields }));
    this.stream.write(`${line}\n`);
    this.mirror?.(line);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => this.stream.end(resolve));
  }
}

/** Keep the newest `keep` logs (names start with an ISO time, so they sort by age). */
async function prune(dir: string, keep: number): Promise<void> {
  const logs = (await readdir(dir)).filter((name) => name.endsWith('.jsonl')).sort();
  await Promise.all(logs.slice(0, Math.max(0, logs.length - keep)).map((name) => rm(join(dir, name), { force: true })));
}

/** A session's log, opened with its first record: what ran, where, against which endpoint. */
export async function openSessionLog(stateDir: string, command: string, redactor: SecretRedactor, info: SessionInfo, mirror?: (line: string) => void): Promise<RunLog> {
  const log = await RunLog.openIn(logDirFor(stateDir, info), command, redactor, mirror);
  log.write('session-opened', {
    command,
    project: info.project,
    region: info.region,
    endpoint: info.endpoint ?? 'AWS',
    sandbox: info.sandbox,
    ...(info.simulatedHosts ? { simulatedHosts: true } : {}),
    configPath: info.configPath,
    pid: process.pid,
    node: process.version,
  });
  return log;
}
