import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { pipeline, Readable, Transform } from 'node:stream';
import type { StepContext } from '../../engine/types.js';
import { exec } from '../../ssh/exec.js';
import { DB_INSTANCE_STEP, dbEndpoint } from '../hosts/db-users-master.js';
import { hostKeyStepId, instanceName, instanceStepId } from '../hosts/names.js';
import { readRemoteFile } from '../hosts/shop/compose-app.js';
import { PASSWORD_VAR, restoreCommand } from './db-client.js';
import { BACKUP_PREFIX } from './names.js';
import type { RestoreTarget } from './restore-targets.js';
import { HintedError } from '../../errors/hinted-error.js';

/**
 * `aws-runbook restore`: find the dump (the newest of a database, or the one named), then stream it from
 * S3 through the tool into `gunzip | mariadb` on the app's host over SSH (src/ssh: a stream as stdin, with
 * back-pressure), as the app's own database user. Nothing is stored on the way; the state is not touched.
 */

/** A restore that failed or stopped part way. Never quotes a secret. */
export class RestoreError extends HintedError {
  override readonly name = 'RestoreError';
}

export interface Dump {
  key: string;
  bytes: number;
  lastModified?: Date;
}

/** `backups/<database>/<anything>.sql.gz`, the form `aws-runbook backup` and the timer write. */
const DUMP_KEY = /^backups\/([^/]+)\/[^/]+\.sql\.gz$/;

/** The database a dump's key names, or undefined when the key is not a dump's. */
export function databaseOfKey(key: string): string | undefined {
  return DUMP_KEY.exec(key)?.[1];
}

/** The newest of the keys (ISO 8601 UTC names of fixed width sort by date). */
export function newestDump<T extends { key: string }>(dumps: readonly T[]): T | undefined {
  return [...dumps].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).at(-1);
}

/** The dump named by `key`, or the newest dump of `database`; undefined when there is none. */
export async function findDump(s3: S3Client, bucket: string, database: string, key: string | undefined, signal?: AbortSignal): Promise<Dump | undefined> {
  if (key !== undefined) {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
      return { key, bytes: head.ContentLength ?? 0, ...(head.LastModified ? { lastModified: head.LastModified } : {}) };
    } catch (error) {
      if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')) return undefined;
      throw error;
    }
  }
  const dumps: Dump[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `${BACKUP_PREFIX}${database}/`, ...(token ? { ContinuationToken: token } : {}) }), { abortSignal: signal });
    for (const object of page.Contents ?? []) {
      if (object.Key && databaseOfKey(object.Key) === database) dumps.push({ key: object.Key, bytes: object.Size ?? 0, ...(object.LastModified ? { lastModified: object.LastModified } : {}) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return newestDump(dumps);
}

/** What must be recorded before `target` can be restored, as `up` sections to run first (empty: ready). */
export function missingForRestore(ctx: StepContext, target: RestoreTarget): { what: string; section: string }[] {
  const host = instanceName(ctx.config, target.host);
  const needs = [
    { step: DB_INSTANCE_STEP, key: 'endpointAddress', what: 'the database endpoint', section: 'database' },
    { step: instanceStepId(target.host), key: 'instanceId', what: `the ${host} instance`, section: 'compute' },
    { step: hostKeyStepId(target.host), key: 'fingerprints', what: `the SSH host keys of ${host}`, section: 'hosts' },
  ];
  return needs.filter((need) => ctx.output(need.step, need.key) === undefined).map(({ what, section }) => ({ what, section }));
}

export interface RestoreResult {
  /** Compressed bytes streamed from S3. */
  bytes: number;
  ms: number;
}

const AGAIN = 'Each table in a dump is dropped and recreated in turn: the database may be partly restored. Fix the cause, then run the same restore again.';

/** Streams `dump` into `target`'s database. */
export async function restoreDump(ctx: StepContext, bucket: string, dump: Dump, target: RestoreTarget, options: { onBytes?: (bytes: number) => void } = {}): Promise<RestoreResult> {
  const host = instanceName(ctx.config, target.host);
  const connection = await ctx.hosts.connect(target.host, ctx.signal);
  const password = target.password(await readRemoteFile(connection, target.envPath, ctx.signal));
  if (password === undefined) {
    throw new RestoreError(
      `${target.envName} on ${host} (${target.envPath}) holds no database password for ${target.user}`,
      'the app is not set up on its host yet: run `aws-runbook up --only hosts` first (nothing was restored)',
    );
  }
  ctx.secret?.(password);
  const started = performance.now();
  let bytes = 0;
  try {
    const object = await ctx.aws.s3.send(new GetObjectCommand({ Bucket: bucket, Key: dump.key }), { abortSignal: ctx.signal });
    if (!(object.Body instanceof Readable)) throw new Error(`S3 sent no readable body for ${dump.key}`);
    // Counts as the bytes go through; it only flows once the command pipes it (nothing read before is lost).
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        options.onBytes?.(bytes);
        callback(null, chunk);
      },
    });
    // The body's failure reaches the command's input (it then stops the remote side); a command that ends first destroys both.
    pipeline(object.Body, counted, () => undefined);
    await exec(connection, restoreCommand(dbEndpoint(ctx), target.user, target.database), {
      label: `gunzip | mariadb ${target.database} as ${target.user}`,
      secretEnv: { [PASSWORD_VAR]: password },
      stdin: counted,
      signal: ctx.signal,
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    const why = error instanceof Error ? error.message : String(error);
    throw new RestoreError(`the restore of ${target.database} from s3://${bucket}/${dump.key} failed: ${why}`, AGAIN, { cause: error });
  }
  return { bytes, ms: performance.now() - started };
}
