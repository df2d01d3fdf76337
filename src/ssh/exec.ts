import { startCommand, type CommandOptions } from './channel.js';
import type { SshConnection } from './connect.js';
import { RemoteCommandError, STDERR_TAIL_LINES, SudoPasswordRequiredError } from './errors.js';
import { lastLines, LineSplitter } from './lines.js';

export interface ExecOptions extends CommandOptions {
  /** Resolve with the result even when the exit code is not 0 (a sudo password request still throws). */
  allowFailure?: boolean;
  /** Each output line as it arrives (secretEnv values redacted). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface ExecResult {
  /** Exit code; null when the command was killed by a signal or the connection dropped. */
  code: number | null;
  stdout: string;
  stderr: string;
}

// sudo -n prints this and exits 1 instead of prompting.
const SUDO_WANTS_PASSWORD = /^sudo: (a password is required|a terminal is required)/m;

/**
 * Run a command on a host and collect its output (for commands with modest output; big outputs go
 * through `streamCommand`). A non-zero exit rejects with a RemoteCommandError naming the host, the
 * label, the exit code and the last stderr lines.
 */
export async function exec(connection: SshConnection, command: string, options: ExecOptions = {}): Promise<ExecResult> {
  const started = await startCommand(connection, command, options);
  const { channel, redact } = started;
  const chunks: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  const follow = (stream: 'stdout' | 'stderr') => {
    const onLine = options.onLine;
    const splitter = onLine ? new LineSplitter((line) => onLine(redact(line), stream)) : undefined;
    return {
      data: (chunk: Buffer) => {
        chunks[stream].push(chunk);
        splitter?.push(chunk);
      },
      end: () => splitter?.end(),
    };
  };
  const out = follow('stdout');
  const err = follow('stderr');
  channel.on('data', out.data);
  channel.once('end', out.end);
  channel.stderr.on('data', err.data);
  // The channel's 'close' waits for stdout's end, not stderr's: wait for both so no last line is lost.
  const stderrDone = new Promise<void>((resolve) => {
    channel.stderr.once('end', () => {
      err.end();
      resolve();
    });
    channel.stderr.once('close', () => resolve());
  });

  const [status] = await Promise.all([started.finished, stderrDone]);
  const result: ExecResult = {
    code: status.code,
    stdout: Buffer.concat(chunks.stdout).toString('utf8'),
    stderr: Buffer.concat(chunks.stderr).toString('utf8'),
  };
  if (status.code === 0) return result;

  const tail = lastLines(redact(result.stderr), STDERR_TAIL_LINES);
  if (options.sudo && status.code === 1 && SUDO_WANTS_PASSWORD.test(result.stderr)) {
    throw new SudoPasswordRequiredError(started.host, started.label, status.code, tail);
  }
  if (options.allowFailure && status.code !== null) return result;
  throw new RemoteCommandError(started.host, started.label, status.code, tail, undefined, status.signal ?? undefined);
}
