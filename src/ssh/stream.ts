import { PassThrough, type Readable } from 'node:stream';
import { startCommand, terminate, type CommandOptions } from './channel.js';
import type { SshConnection } from './connect.js';
import { RemoteCommandError, STDERR_TAIL_LINES } from './errors.js';
import { lastLines } from './lines.js';

export interface RemoteStream {
  /**
   * The command's stdout. Back-pressure reaches the host: while the consumer is slow, the SSH
   * channel window is not refilled and the remote command blocks on write. It ends only once the
   * command exited 0; a non-zero exit, an abort or a timeout destroys it with the error, so a
   * `pipeline()` into an upload fails instead of completing with a truncated body.
   */
  readonly stdout: Readable;
  /** Resolves once the command exited 0 (all its output handed to `stdout`); rejects with what `stdout` errors with. */
  readonly done: Promise<{ code: 0; stderr: string }>;
}

// Enough stderr to explain a failure, without holding a chatty command's whole stderr.
const STDERR_KEEP_BYTES = 64 * 1024;

/**
 * Start a command whose stdout is consumed as a stream (`mariadb-dump … | gzip` into an S3 multipart
 * upload). `pipefail` is the command's own business (`set -o pipefail; …`); this gives its exit status.
 */
export async function streamCommand(connection: SshConnection, command: string, options: CommandOptions = {}): Promise<RemoteStream> {
  const started = await startCommand(connection, command, options);
  const { channel, redact } = started;

  let stderr = Buffer.alloc(0);
  channel.stderr.on('data', (chunk: Buffer) => {
    stderr = Buffer.concat([stderr, chunk]);
    if (stderr.length > STDERR_KEEP_BYTES) stderr = stderr.subarray(stderr.length - STDERR_KEEP_BYTES);
  });
  const stderrDone = new Promise<void>((resolve) => {
    channel.stderr.once('end', () => resolve());
    channel.stderr.once('close', () => resolve());
  });

  // stdout is ended by hand (end: false) so the exit status decides between end and error.
  const stdout = new PassThrough();
  channel.pipe(stdout, { end: false });
  // A consumer that gives up (destroys stdout) stops the remote command too.
  stdout.once('close', () => {
    if (!stdout.writableFinished) terminate(channel);
  });

  const done = Promise.all([started.finished, stderrDone]).then(
    ([status]) => {
      const text = redact(stderr.toString('utf8'));
      if (status.code === 0) {
        stdout.end();
        return { code: 0 as const, stderr: text };
      }
      const error = new RemoteCommandError(
        started.host,
        started.label,
        status.code,
        lastLines(text, STDERR_TAIL_LINES),
        undefined,
        status.signal ?? undefined,
      );
      stdout.destroy(error);
      throw error;
    },
    (error: unknown) => {
      stdout.destroy(error instanceof Error ? error : new Error(String(error)));
      throw error;
    },
  );
  // Callers may only consume stdout (which carries the same error): no unhandled rejection then.
  done.catch(() => undefined);
  return { stdout, done };
}
