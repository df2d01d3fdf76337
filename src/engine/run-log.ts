import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretRedactor } from '../state/redact.js';
import type { SessionInfo } from './controller.js';

/** Logs kept per state directory: the oldest beyond this are removed when a run starts. */
export const KEPT_LOGS = 20;
export const LOG_DIR = 'logs';

/**
 * The run's log: one JSON object per line under `<state dir>/logs/`, every line passed through the
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

  static async open(stateDir: string, command: string, redactor: SecretRedactor, mirror?: (line: string) => void): Promise<RunLog> {
    const dir = join(stateDir, LOG_DIR);
    await mkdir(dir, { recursive: true, mode: 0o700 });
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
  const log = await RunLog.open(stateDir, command, redactor, mirror);
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
