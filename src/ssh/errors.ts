/**
 * Errors of the SSH layer. Messages name the host and the command's *label* (never the command text,
 * which may carry a secret) and never quote key material or uploaded content.
 */

/** Connecting to a host failed (network, authentication, jump host, timeout). */
export class SshConnectError extends Error {
  override readonly name = 'SshConnectError';
  constructor(
    message: string,
    readonly host: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A remote command exited non-zero (or without an exit status). */
export class RemoteCommandError extends Error {
  override readonly name: string = 'RemoteCommandError';
  constructor(
    readonly host: string,
    readonly label: string,
    /** Exit code, or null when the command was killed by a signal or the connection dropped. */
    readonly code: number | null,
    /** The last lines of stderr (at most STDERR_TAIL_LINES), secrets redacted. */
    readonly stderrTail: readonly string[],
    readonly fix?: string,
    readonly signal?: string,
  ) {
    const how = code !== null ? `exit code ${code}` : signal ? `signal ${signal}` : 'no exit status (connection lost?)';
    const tail = stderrTail.length > 0 ? `:\n${stderrTail.join('\n')}` : '';
    super(`"${label}" failed on ${host} with ${how}${tail}`);
  }
}

/** sudo wanted a password: the login user lacks password-less sudo. Thrown even with `allowFailure`. */
export class SudoPasswordRequiredError extends RemoteCommandError {
  override readonly name = 'SudoPasswordRequiredError';
  constructor(host: string, label: string, code: number | null, stderrTail: readonly string[]) {
    super(
      host,
      label,
      code,
      stderrTail,
      'The login user needs password-less sudo, as on Ubuntu AMIs (cloud-init adds "ubuntu ALL=(ALL) NOPASSWD:ALL"). ' +
        'Check /etc/sudoers.d on the host, or connect as the AMI default user.',
    );
  }
}

/** The caller's AbortSignal fired: the remote command was signalled and its channel closed. */
export class RemoteCommandAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(
    readonly host: string,
    readonly label: string,
  ) {
    super(`"${label}" on ${host} was cancelled; the remote command was stopped`);
  }
}

/** The stream piped into a command's stdin failed: the command was stopped before it could see an end of input. */
export class InputStreamError extends Error {
  override readonly name = 'InputStreamError';
  constructor(
    readonly host: string,
    readonly label: string,
    cause: unknown,
  ) {
    super(`the input of "${label}" on ${host} failed (${cause instanceof Error ? cause.message : String(cause)}); the remote command was stopped`, { cause });
  }
}

/** The command ran longer than its timeoutMs: it was signalled and its channel closed. */
export class RemoteCommandTimeoutError extends Error {
  override readonly name = 'RemoteCommandTimeoutError';
  readonly fix = 'Check the host (load, network, a stuck package manager lock) and retry; the step is safe to rerun.';
  constructor(
    readonly host: string,
    readonly label: string,
    readonly timeoutMs: number,
  ) {
    super(`"${label}" on ${host} did not finish within ${Math.round(timeoutMs / 1000)} s; the remote command was stopped`);
  }
}

/** Putting a file on a host failed before or while it was written (SFTP, temp file, install). */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    message: string,
    readonly host: string,
    readonly path: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Waiting for a connection was cancelled by the caller. */
export class SshConnectAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor(readonly host: string) {
    super(`connecting to ${host} was cancelled`);
  }
}

export const STDERR_TAIL_LINES = 20;
