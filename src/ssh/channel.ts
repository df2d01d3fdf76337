import { Readable } from 'node:stream';
import type { SshConnection } from './connect.js';
import { InputStreamError, RemoteCommandAbortedError, RemoteCommandError, RemoteCommandTimeoutError } from './errors.js';
import { redactor } from './lines.js';
import { buildRemoteCommand, secretLines, type SudoOptions } from './remote-command.js';
import { acquireSession, retryRefusedOpen } from './sessions.js';
import type { ChannelInternals, ExecChannel, Ssh2Client } from './ssh2-types.js';

/**
 * Starting one remote command on a pooled connection, shared by exec (collects the output) and
 * stream (hands stdout on). Abort and timeout send TERM to the remote process group, close the
 * channel and reject at once: the caller does not wait for a stuck host to agree.
 */

export interface CommandOptions {
  /**
   * What errors and progress call the command (`install docker`). Give one whenever the command text
   * carries anything sensitive: without it, the command's first line is used.
   */
  label?: string;
  /** Run through `sudo -n` (never prompts: a password request fails at once), as root or another user. */
  sudo?: boolean | SudoOptions;
  cwd?: string;
  /** Plain environment variables. They are part of the command line: never put a secret here. */
  env?: Record<string, string>;
  /**
   * Secret environment variables: sent on stdin (before `stdin`), read by the remote shell into
   * exported variables; never in any process's argv, never in errors (values are redacted).
   */
  secretEnv?: Record<string, string>;
  /**
   * The command's stdin (after the secret lines). A Readable is piped with back-pressure (a slow host
   * stalls the source) and ended when the source ends; if the source fails, the remote command is
   * stopped (TERM, never an end of input that would look complete) and the command fails with an
   * InputStreamError. The command owns the stream: it is destroyed when the command ends first.
   */
  stdin?: string | Buffer | Readable;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

export interface StartedCommand {
  readonly channel: ExecChannel;
  readonly host: string;
  readonly label: string;
  /** Hides the secretEnv values in text about to be shown or thrown. */
  readonly redact: (text: string) => string;
  /** The exit status once the channel is closed; rejects at once on abort or timeout. */
  readonly finished: Promise<ExitStatus>;
}

export function defaultLabel(command: string): string {
  const first = command.trim().split('\n')[0] ?? '';
  return first.length > 80 ? `${first.slice(0, 79)}…` : first;
}

export async function startCommand(connection: SshConnection, command: string, options: CommandOptions = {}): Promise<StartedCommand> {
  const host = connection.label;
  const label = options.label ?? defaultLabel(command);
  const secrets = options.secretEnv ?? {};
  const source = options.stdin instanceof Readable ? options.stdin : undefined;
  const input = Buffer.concat([
    Buffer.from(secretLines(secrets)),
    typeof options.stdin === 'string' ? Buffer.from(options.stdin) : Buffer.isBuffer(options.stdin) ? options.stdin : Buffer.alloc(0),
  ]);
  const remote = buildRemoteCommand({
    command,
    sudo: options.sudo,
    cwd: options.cwd,
    env: options.env,
    secretNames: Object.keys(secrets),
  });
  if (options.signal?.aborted) {
    source?.destroy();
    throw new RemoteCommandAbortedError(host, label);
  }

  const abortError = () => new RemoteCommandAbortedError(host, label);
  const release = await acquireSession(connection.sessions, options.signal, abortError);
  let opened: OpenedChannel;
  try {
    opened = await retryRefusedOpen(() => openChannel(connection.client, remote, host, label, options.signal));
  } catch (error) {
    release();
    source?.destroy();
    throw error;
  }
  const { channel, exitStatus } = opened;
  channel.once('close', release);

  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const cleanup = () => {
    if (timer) clearTimeout(timer);
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
  };
  const finished = new Promise<ExitStatus>((resolve, reject) => {
    const stop = (error: Error) => {
      cleanup();
      terminate(channel);
      reject(error);
    };
    channel.once('close', () => {
      cleanup();
      resolve(exitStatus());
    });
    if (options.timeoutMs !== undefined) {
      const timeoutMs = options.timeoutMs;
      timer = setTimeout(() => stop(new RemoteCommandTimeoutError(host, label, timeoutMs)), timeoutMs);
    }
    if (options.signal) {
      onAbort = () => stop(new RemoteCommandAbortedError(host, label));
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
    source?.on('error', (error) => stop(new InputStreamError(host, label, error)));
  });
  if (source) {
    // The command owns its input: one that ended first (or failed) leaves no half-read source open.
    channel.once('close', () => {
      if (!source.readableEnded) source.destroy();
    });
    channel.write(input);
    source.pipe(channel);
  } else channel.end(input);
  return { channel, host, label, redact: redactor(Object.values(secrets)), finished };
}

/** Signal the remote process group (OpenSSH killpg()s the session), then close the channel. */
export function terminate(channel: ExecChannel): void {
  const internals = channel as unknown as ChannelInternals;
  const state = internals.outgoing?.state;
  const id = internals.outgoing?.id;
  const send = internals._client?._protocol?.signal;
  if ((state === 'open' || state === 'eof') && id !== undefined && send) {
    // Not channel.signal(): it sends nothing once stdin has been ended (see ChannelInternals).
    send.call(internals._client?._protocol, id, 'TERM');
  } else {
    channel.signal('TERM');
  }
  channel.close();
}

interface OpenedChannel {
  channel: ExecChannel;
  exitStatus: () => ExitStatus;
}

function openChannel(client: Ssh2Client, remote: string, host: string, label: string, signal?: AbortSignal): Promise<OpenedChannel> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new RemoteCommandAbortedError(host, label));
    let abandoned = false;
    const onAbort = () => {
      abandoned = true;
      reject(new RemoteCommandAbortedError(host, label));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      client.exec(remote, (error, channel) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) return reject(notStarted(host, label, error));
        // Listen right here, synchronously: a quick command's exit status can arrive in the same read
        // as the exec confirmation, before any promise continuation runs, and ssh2 does not replay it.
        let status: ExitStatus = { code: null, signal: null };
        channel.on('exit', (code: unknown, name: unknown) => {
          status = { code: typeof code === 'number' ? code : null, signal: typeof name === 'string' ? name : null };
        });
        // Writing stdin to a command that already exited can fail; the exit status tells the story.
        channel.on('error', () => undefined);
        if (abandoned) terminate(channel);
        else resolve({ channel, exitStatus: () => status });
      });
    } catch (error) {
      // ssh2 throws "Not connected" synchronously when the connection just dropped
      signal?.removeEventListener('abort', onAbort);
      reject(notStarted(host, label, error));
    }
  });
}

function notStarted(host: string, label: string, cause: unknown): RemoteCommandError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RemoteCommandError(
    host,
    label,
    null,
    [`could not open a channel: ${reason}`],
    'The SSH connection dropped or refused a new session (sshd MaxSessions?); retry: the pool reconnects.',
  );
}
