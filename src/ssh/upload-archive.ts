import type { SshConnection } from './connect.js';
import { exec } from './exec.js';
import { account, shellQuote } from './remote-command.js';
import { assertRemotePath, localSha256, sftpPut, withRemoteTemp, type UploadResult } from './upload.js';

/**
 * Unpack a local `.tar.gz` (the shop's source archive) into a directory on a host. The archive's
 * SHA-256 is recorded next to the files (`.aws-runbook-archive.sha256`): the same archive again
 * changes nothing. Files are extracted over what is there (nothing is deleted) and given to `owner`.
 */

export const ARCHIVE_MARKER = '.aws-runbook-archive.sha256';

export interface ArchiveOptions {
  /** Owner of the extracted tree; default root. */
  owner?: string;
  group?: string;
  label?: string;
  signal?: AbortSignal;
}

export async function uploadArchive(
  connection: SshConnection,
  localArchive: string,
  remoteDir: string,
  options: ArchiveOptions = {},
): Promise<UploadResult> {
  assertRemotePath(remoteDir);
  const owner = account(options.owner ?? 'root');
  const group = account(options.group ?? owner);
  const label = options.label ?? `unpack ${remoteDir}`;
  const dir = shellQuote(remoteDir);
  const marker = shellQuote(`${remoteDir.replace(/\/+$/, '')}/${ARCHIVE_MARKER}`);
  const source = { localPath: localArchive };

  const wanted = await localSha256(source);
  const current = await exec(connection, `cat -- ${marker} 2>/dev/null || true`, { sudo: true, label: `${label} (inspect)`, signal: options.signal });
  if (current.stdout.trim() === wanted) return { changed: false, contentChanged: false };

  await withRemoteTemp(connection, label, options.signal, async (temp) => {
    await sftpPut(connection, source, temp, remoteDir);
    await exec(
      connection,
      [
        'set -e',
        `mkdir -p -- ${dir}`,
        `tar -xzf ${shellQuote(temp)} -C ${dir} --no-same-owner`,
        `chown -R ${owner}:${group} -- ${dir}`,
        // Written last: an interrupted unpack is redone on the next run.
        `echo ${wanted} > ${marker}`,
      ].join('\n'),
      { sudo: true, label: `${label} (extract)`, signal: options.signal },
    );
  });
  return { changed: true, contentChanged: true };
}
