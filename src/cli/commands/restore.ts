import { createInterface } from 'node:readline/promises';
import { formatDuration } from '../../render/format-units.js';
import { BACKUP_PREFIX } from '../../tasks/backup/names.js';
import { STORAGE_STEP_IDS } from '../../tasks/storage/names.js';
import { RESTORE_TARGETS, restoreTarget, type RestoreTarget } from '../../tasks/backup/restore-targets.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { logLine, onInterrupt, openSession } from '../open-session.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';
import { formatBytes } from './backup.js';

export interface RestoreOptions {
  /** The dump's key under backups/ (or its s3:// URL, as `aws-runbook backup` prints it). */
  from?: string;
  /** The database to restore (its newest dump unless --from names one). */
  database?: string;
  yes?: boolean;
}

export interface RestoreRequest {
  target: RestoreTarget;
  /** The dump asked for, when named. */
  key?: string;
  /** The bucket of an s3:// URL given to --from (checked against the project's). */
  bucket?: string;
}

const KNOWN = RESTORE_TARGETS.map((t) => t.database).join(', ');

/** `--from`, `--database` → what to restore (exit 2 for anything else). Pure. */
export function parseRestoreRequest(options: RestoreOptions): RestoreRequest {
  let key: string | undefined;
  let bucket: string | undefined;
  if (options.from !== undefined) {
    const url = /^s3:\/\/([^/]+)\/(.+)$/.exec(options.from.trim());
    key = url ? url[2] : options.from.trim();
    bucket = url?.[1];
  }
  const fromKey = key === undefined ? undefined : /^backups\/([^/]+)\/[^/]+\.sql\.gz$/.exec(key)?.[1];
  if (key !== undefined && fromKey === undefined) {
    throw new UsageError(`--from: ${JSON.stringify(options.from)} is not a dump's key: dumps are ${BACKUP_PREFIX}<database>/<UTC time>.sql.gz, as \`aws-runbook backup\` prints them (e.g. --from ${BACKUP_PREFIX}shop/2026-11-25T03:17:00.123Z.sql.gz)`);
  }
  const database = options.database?.trim() ?? fromKey;
  if (database === undefined) throw new UsageError(`name what to restore: --database ${RESTORE_TARGETS.map((t) => t.database).join(' or --database ')} (its newest dump), or --from KEY (one dump)`);
  const target = restoreTarget(database);
  if (!target) throw new UsageError(`--database: aws-runbook restores ${KNOWN} (each as its app's own user, from its app's host), not ${JSON.stringify(database)}`);
  if (fromKey !== undefined && fromKey !== database) throw new UsageError(`--from names a dump of ${fromKey}, but --database says ${database}: a dump goes back into its own database`);
  return { target, ...(key !== undefined ? { key } : {}), ...(bucket !== undefined ? { bucket } : {}) };
}

async function askDatabaseName(expected: string, io: CommandIO): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  // Ctrl-C at the question (the terminal is in readline's hands then) is a "no", not a hang.
  const cancel = new AbortController();
  prompt.once('SIGINT', () => cancel.abort());
  try {
    const answer = await prompt.question(`Type the database name (${expected}) to restore it, anything else to cancel: `, { signal: cancel.signal });
    return answer.trim() === expected;
  } catch (error) {
    if (cancel.signal.aborted) return false;
    throw error;
  } finally {
    prompt.close();
    io.out('');
  }
}

/**
 * `aws-runbook restore`: a dump from the backup bucket back into its database on RDS, streamed through the
 * app's host as the app's own database user. Read-only session (no lock, no state write; it writes a run
 * log, as `backup` does). In a terminal the operator types the database name; without one, `--yes`.
 */
export async function restoreCommand(global: GlobalOptions, options: RestoreOptions, io: CommandIO): Promise<number> {
  const request = parseRestoreRequest(options);
  const { target } = request;
  if (!options.yes && !io.interactive) {
    throw new UsageError(
      `\`aws-runbook restore\` overwrites the ${target.database} database and asks you to type its name, and there is no terminal to ask in. ` +
        `To restore without asking, add --yes: \`aws-runbook restore --database ${target.database} --yes\`.`,
    );
  }
  const session = await openSession(global, io, 'restore', 'read');
  try {
    const ctx = session.engineContext('backup.restore');
    const bucket = ctx.output(STORAGE_STEP_IDS.bucket, 'bucketName');
    if (!bucket) throw new UsageError(`\`aws-runbook restore\` reads the dumps from the backup bucket, which the state in ${session.info.stateDir} does not record yet. Run \`aws-runbook up --only storage\` (and \`aws-runbook backup\`) first.`);
    if (request.bucket !== undefined && request.bucket !== bucket) throw new UsageError(`--from names the bucket ${request.bucket}, but this project's dumps are in ${bucket}`);
    await session.loadIdentity();
    const release = onInterrupt(() => session.abort(), io);
    try {
      const { findDump, missingForRestore, restoreDump } = await import('../../tasks/backup/restore.js');
      const dump = await findDump(session.aws.s3, bucket, target.database, request.key, ctx.signal);
      if (!dump) {
        throw new UsageError(
          request.key !== undefined
            ? `there is no dump ${request.key} in s3://${bucket}/ (list them: aws s3 ls s3://${bucket}/${BACKUP_PREFIX}${target.database}/)`
            : `there is no dump of ${target.database} in s3://${bucket}/${BACKUP_PREFIX}${target.database}/ to restore: make one with \`aws-runbook backup --database ${target.database}\` (the daily timer makes one at 03:00 UTC)`,
        );
      }
      const missing = missingForRestore(ctx, target);
      if (missing.length > 0) {
        const sections = [...new Set(missing.map((m) => m.section))].join(',');
        throw new UsageError(`\`aws-runbook restore\` needs ${missing.map((m) => m.what).join(', ')}, which the state does not record yet. Run \`aws-runbook up --only ${sections}\` first.`);
      }
      if (!session.hostsReachable) {
        throw new UsageError(`\`aws-runbook restore\` runs \`gunzip | mariadb\` on the ${target.host} host over SSH, and no host can be reached in this session (an emulator without a lab). Run it against AWS (or a sandbox with a lab).`);
      }
      const taken = dump.lastModified ? `, written ${dump.lastModified.toISOString()}` : '';
      io.out(`Restore s3://${bucket}/${dump.key} (${formatBytes(dump.bytes)}${taken}) into the database ${target.database}, as its user ${target.user}, through ${target.host}.`);
      io.out(`Each table in the dump is dropped and recreated with the dump's rows: what was written to those tables since is lost. Tables created since the dump are left as they are.`);
      if (!options.yes && !(await askDatabaseName(target.database, io))) {
        io.err('Not confirmed: nothing was restored.');
        return EXIT.failed;
      }
      ctx.progress(`restoring ${target.database} from s3://${bucket}/${dump.key} through ${target.host} as ${target.user}`);
      try {
        const result = await restoreDump(ctx, bucket, dump, target);
        const line = `Restored ${target.database} from s3://${bucket}/${dump.key}: ${formatBytes(result.bytes)} streamed in ${formatDuration(result.ms)}.`;
        ctx.progress(line);
        io.out(line);
        return EXIT.ok;
      } catch (error) {
        if (ctx.signal.aborted) {
          io.err(`Stopped: the restore of ${target.database} was interrupted and \`gunzip | mariadb\` on ${target.host} stopped; the database may be partly restored. Run the same restore again to finish it.`);
          return EXIT.interrupted;
        }
        io.err(`aws-runbook: ${error instanceof Error ? error.message : String(error)}`);
        const hint = (error as { hint?: unknown }).hint;
        if (typeof hint === 'string') io.err(`  ${hint}`);
        if (session.info.logPath) io.err(logLine(session.info.logPath).trim());
        return EXIT.failed;
      }
    } finally {
      release();
    }
  } finally {
    await session.close();
  }
}
