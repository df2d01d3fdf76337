import type { S3Client } from '@aws-sdk/client-s3';
import type { SshConnection } from '../../ssh/connect.js';
import { exec } from '../../ssh/exec.js';
import { streamCommand } from '../../ssh/stream.js';
import { dumpCommand, listDatabasesCommand } from './db-client.js';
import { BACKUP_DATABASES, BACKUP_DB_USER, backupObjectKey, SYSTEM_SCHEMAS } from './names.js';
import { uploadStream, type StreamUploadOptions } from './stream-upload.js';
import { HintedError } from '../../errors/hinted-error.js';

/** A dump that did not make it to S3. Says what was (not) left in the bucket; never quotes a secret. */
export class BackupError extends HintedError {
  override readonly name = 'BackupError';
}

export interface DumpSource {
  /**
   * SSH to the host that runs the dump: the shop host (the web SG may reach RDS), whose root-only option
   * file holds the backup account's password. No password passes through the tool.
   */
  connection: SshConnection;
}

export interface DumpResult {
  database: string;
  bucket: string;
  key: string;
  /** Compressed bytes written to S3. */
  bytes: number;
  ms: number;
}

export interface DumpOptions extends StreamUploadOptions {
  signal?: AbortSignal;
  /** The dump's date, for its key (default now). */
  now?: () => Date;
}

/** The application databases the backup account may read (not information_schema, ...), in the server's order. */
export async function listDatabases(source: DumpSource, signal?: AbortSignal): Promise<string[]> {
  const result = await exec(source.connection, listDatabasesCommand(), {
    label: `mariadb SHOW DATABASES as ${BACKUP_DB_USER}`,
    sudo: true,
    timeoutMs: 60_000,
    ...(signal ? { signal } : {}),
  });
  return result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((name) => name !== '' && !SYSTEM_SCHEMAS.includes(name));
}

/**
 * `mariadb-dump … | gzip` on the host, its stdout streamed over SSH into a multipart upload to
 * s3://bucket/backups/<database>/<UTC ISO time>.sql.gz: no temp file anywhere, memory bounded by the part
 * size. The object exists only if the whole pipe exited 0 (see stream-upload.ts and src/ssh/stream.ts).
 */
export async function dumpDatabaseToS3(source: DumpSource, s3: S3Client, bucket: string, database: string, options: DumpOptions = {}): Promise<DumpResult> {
  const key = backupObjectKey(database, (options.now ?? (() => new Date()))());
  const started = performance.now();
  const label = `mariadb-dump ${database} | gzip`;
  try {
    const remote = await streamCommand(source.connection, dumpCommand(database), {
      label,
      sudo: true,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const { bytes } = await uploadStream(
      s3,
      { bucket, key, contentType: 'application/gzip', metadata: { 'aws-runbook-database': database } },
      remote.stdout,
      options,
    );
    await remote.done;
    return { database, bucket, key, bytes, ms: performance.now() - started };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new BackupError(
      `the backup of database ${database} failed: ${why}`,
      `nothing was written to s3://${bucket}/${key} (the upload was aborted). Check that the database exists (the backup account ${BACKUP_DB_USER} may read ${BACKUP_DATABASES.join(' and ')} only) and that the shop host reaches RDS, then run \`aws-runbook backup\` again.`,
      { cause: error },
    );
  }
}
