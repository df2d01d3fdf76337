import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { SshConnection } from './connect.js';
import { UploadError } from './errors.js';
import { exec } from './exec.js';
import { account, shellQuote } from './remote-command.js';
import { retryRefusedOpen } from './sessions.js';
import type { SftpSession } from './ssh2-types.js';

/**
 * Putting one file on a host, idempotently and atomically. The remote file's SHA-256, mode and owner
 * are compared first: a rerun with the same content changes nothing. Otherwise the bytes go over SFTP
 * into a private temp file (mktemp: mode 0600, the login user's), then, as root, `install` gives a
 * staged copy in the destination's directory its mode and owner before `mv` renames it over the
 * destination: a reader never sees a half-written file, or the right content with the wrong mode.
 * Temp files are removed on failure too. Content is never logged or put in an error.
 */

/** File content, or a local file to send. */
export type UploadSource = string | Buffer | { localPath: string };

export interface UploadOptions {
  /** e.g. 0o600 */
  mode: number;
  /** Default root. */
  owner?: string;
  /** Default: the owner's name (Ubuntu's per-user groups). */
  group?: string;
  /** Create the parent directory (root, 0755) when missing; without it, a missing directory is an error. */
  parents?: boolean;
  /** Progress/error name; default `upload <path>`. */
  label?: string;
  signal?: AbortSignal;
}

export interface UploadResult {
  /** Anything changed on the host (content, mode or owner). */
  changed: boolean;
  /** The file's bytes changed (or it was created): what a service restart depends on. */
  contentChanged: boolean;
}

export async function uploadFile(connection: SshConnection, remotePath: string, source: UploadSource, options: UploadOptions): Promise<UploadResult> {
  assertRemotePath(remotePath);
  const owner = account(options.owner ?? 'root');
  const group = account(options.group ?? owner);
  if (!Number.isInteger(options.mode) || options.mode < 0 || options.mode > 0o7777) {
    throw new TypeError(`not a file mode: ${options.mode}`);
  }
  const mode = options.mode.toString(8).padStart(4, '0');
  const label = options.label ?? `upload ${remotePath}`;
  const base = { sudo: true, signal: options.signal } as const;
  const path = shellQuote(remotePath);

  const wanted = await localSha256(source);
  const inspect = await exec(
    connection,
    `p=${path}; if [ -f "$p" ]; then echo "$(sha256sum < "$p" | cut -d' ' -f1) $(stat -c '%a %U %G' -- "$p")"; ` +
      `elif [ -e "$p" ]; then echo notafile; elif [ -d "$(dirname -- "$p")" ]; then echo absent; else echo nodir; fi`,
    { ...base, label: `${label} (inspect)` },
  );
  const [state = '', currentMode = '', currentOwner, currentGroup] = inspect.stdout.trim().split(/\s+/);
  if (state === 'notafile') throw uploadError(connection, remotePath, `${remotePath} exists and is not a regular file`);
  if (state === 'nodir' && !options.parents) {
    throw uploadError(connection, remotePath, `the directory of ${remotePath} does not exist`, 'Create it first, or pass parents: true.');
  }
  const attributesMatch = parseInt(currentMode, 8) === options.mode && currentOwner === owner && currentGroup === group;
  if (state === wanted) {
    if (attributesMatch) return { changed: false, contentChanged: false };
    await exec(connection, `chmod ${mode} -- ${path} && chown ${owner}:${group} -- ${path}`, { ...base, label: `${label} (mode)` });
    return { changed: true, contentChanged: false };
  }

  await withRemoteTemp(connection, label, options.signal, async (temp) => {
    await sftpPut(connection, source, temp, remotePath);
    await exec(
      connection,
      [
        'set -e',
        `dest=${path}; dir=$(dirname -- "$dest")`,
        options.parents ? '[ -d "$dir" ] || mkdir -p -m 0755 -- "$dir"' : '',
        'staged=$(mktemp -p "$dir" ".$(basename -- "$dest").aws-runbook.XXXXXX")',
        `trap 'rm -f -- "$staged"' EXIT`,
        `install -m ${mode} -o ${owner} -g ${group} -- ${shellQuote(temp)} "$staged"`,
        'mv -f -T -- "$staged" "$dest"',
        'trap - EXIT',
      ]
        .filter(Boolean)
        .join('\n'),
      { ...base, label: `${label} (install)` },
    );
  });
  return { changed: true, contentChanged: true };
}

/** A private temp file of the login user in /tmp for the duration of `use`, removed afterwards. */
export async function withRemoteTemp<T>(
  connection: SshConnection,
  label: string,
  signal: AbortSignal | undefined,
  use: (temp: string) => Promise<T>,
): Promise<T> {
  const made = await exec(connection, 'mktemp /tmp/.aws-runbook-upload.XXXXXXXXXX', { label: `${label} (temp file)`, signal });
  const temp = made.stdout.trim();
  try {
    return await use(temp);
  } finally {
    // Best effort and never aborted: a cancelled upload must still not leave its bytes in /tmp.
    await exec(connection, `rm -f -- ${shellQuote(temp)}`, { label: `${label} (clean up)`, allowFailure: true }).catch(() => undefined);
  }
}

/** Write the source into an existing remote file over SFTP (the file keeps its 0600 mode). */
export async function sftpPut(connection: SshConnection, source: UploadSource, remoteTemp: string, remotePath: string): Promise<void> {
  // An SFTP session counts against sshd's MaxSessions like a command does.
  return connection.sessions(() => sftpPutInSession(connection, source, remoteTemp, remotePath));
}

async function sftpPutInSession(connection: SshConnection, source: UploadSource, remoteTemp: string, remotePath: string): Promise<void> {
  let sftp: SftpSession;
  try {
    sftp = (await retryRefusedOpen(() => connection.ssh.requestSFTP())) as SftpSession;
  } catch (error) {
    throw uploadError(connection, remotePath, 'could not open an SFTP session', 'Check that sshd has an sftp Subsystem.', error);
  }
  try {
    await new Promise<void>((resolve, reject) => {
      const done = (error?: Error | null) => (error ? reject(error) : resolve());
      if (typeof source === 'object' && !Buffer.isBuffer(source)) sftp.fastPut(source.localPath, remoteTemp, done);
      else sftp.writeFile(remoteTemp, Buffer.from(source), { mode: 0o600 }, done);
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw uploadError(connection, remotePath, `sending the file failed: ${reason}`, 'Check free space in /tmp on the host and retry.', error);
  } finally {
    sftp.end();
  }
}

export async function localSha256(source: UploadSource): Promise<string> {
  const hash = createHash('sha256');
  if (typeof source === 'object' && !Buffer.isBuffer(source)) {
    for await (const chunk of createReadStream(source.localPath)) hash.update(chunk as Buffer);
  } else {
    hash.update(source);
  }
  return hash.digest('hex');
}

export function assertRemotePath(path: string): void {
  if (!path.startsWith('/') || /[\n\0]/.test(path)) throw new TypeError(`not an absolute remote path: ${JSON.stringify(path)}`);
}

function uploadError(connection: SshConnection, path: string, what: string, fix = 'Check the path and retry.', cause?: unknown): UploadError {
  return new UploadError(`Upload to ${connection.label} failed: ${what}`, connection.label, path, fix, cause === undefined ? undefined : { cause });
}
