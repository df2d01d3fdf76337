import type { StepContext } from '../../engine/types.js';
import { instanceStepId, hostKeyStepId } from '../hosts/names.js';
import { STORAGE_STEP_IDS } from '../storage/names.js';
import { dumpDatabaseToS3, listDatabases, type DumpOptions, type DumpResult, type DumpSource } from './dump.js';
import { BACKUP_HOST, BACKUP_STEP_IDS } from './names.js';

/**
 * `aws-runbook backup`: what it needs from earlier runs (the state), and the dumps themselves. It changes
 * nothing the state tracks, so it runs on a read-only session: no lock, no state write (the objects in
 * the bucket, named by date, are the record of what was backed up). It dumps as the backup account
 * (backup.db-user: its option file on the shop host), never as the RDS master user: the master password
 * is not read, and never reaches the public host.
 */

/** What must be recorded before a backup can run, as `up` sections to run first (empty: ready). */
export function missingForBackup(ctx: StepContext): { what: string; section: string }[] {
  const needs = [
    { step: STORAGE_STEP_IDS.bucket, key: 'bucketName', what: 'the backup bucket', section: 'storage' },
    { step: instanceStepId(BACKUP_HOST), key: 'instanceId', what: 'the shop instance', section: 'compute' },
    { step: hostKeyStepId(BACKUP_HOST), key: 'fingerprints', what: "the shop host's SSH host keys", section: 'hosts' },
    { step: BACKUP_STEP_IDS.dbUser, key: 'optionFile', what: 'the backup database account', section: 'backup' },
  ];
  return needs.filter((need) => ctx.output(need.step, need.key) === undefined).map(({ what, section }) => ({ what, section }));
}

export interface BackupRun {
  bucket: string;
  /** The databases dumped: those asked for, or every application database of the server. */
  databases: string[];
  results: DumpResult[];
  failures: { database: string; error: unknown }[];
}

export interface OnDemandOptions extends DumpOptions {
  /** Default: every application database the backup account may read. */
  databases?: readonly string[];
  /** Called as each dump starts and ends (for the operator's screen). */
  onStart?: (database: string) => void;
  onDone?: (result: DumpResult) => void;
  onFailed?: (database: string, error: unknown) => void;
}

/** Dumps the databases one after the other (one dump at a time keeps the load on RDS and the host modest). */
export async function runOnDemandBackup(ctx: StepContext, options: OnDemandOptions = {}): Promise<BackupRun> {
  const bucket = ctx.need(STORAGE_STEP_IDS.bucket, 'bucketName');
  const source: DumpSource = { connection: await ctx.hosts.connect(BACKUP_HOST, ctx.signal) };
  const databases = options.databases?.length ? [...options.databases] : await listDatabases(source, ctx.signal);
  const run: BackupRun = { bucket, databases, results: [], failures: [] };
  for (const database of databases) {
    if (ctx.signal.aborted) break;
    options.onStart?.(database);
    try {
      const result = await dumpDatabaseToS3(source, ctx.aws.s3, bucket, database, { ...options, signal: ctx.signal });
      run.results.push(result);
      options.onDone?.(result);
    } catch (error) {
      run.failures.push({ database, error });
      options.onFailed?.(database, error);
    }
  }
  return run;
}
