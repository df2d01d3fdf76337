import { formatDuration } from '../../render/format-units.js';
import { isDatabaseName } from '../../tasks/backup/names.js';
import { missingForBackup } from '../../tasks/backup/on-demand.js';
import { EXIT, UsageError } from '../exit-codes.js';
import { onInterrupt, openSession } from '../open-session.js';
import type { CommandIO } from '../io.js';
import type { GlobalOptions } from '../target.js';

export interface BackupOptions {
  /** Comma-separated database names; default every application database on the server. */
  database?: string;
}

/** `--database a,b` → names (exit 2 on an empty list or a name that is not a plain MariaDB name). */
export function parseDatabaseList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError('--database needs at least one database name, e.g. --database shop,wordpress');
  const bad = names.filter((name) => !isDatabaseName(name));
  if (bad.length > 0) {
    throw new UsageError(`--database: ${bad.map((name) => JSON.stringify(name)).join(', ')} is not a database name this command dumps (letters, digits, _ $ -, at most 64, not starting with -)`);
  }
  return [...new Set(names)];
}

/** 0 B, 812 B, 12.3 KiB, 4.0 MiB, 1.2 GiB */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * `aws-runbook backup`: an on-demand dump of the databases to the backup bucket (docs/design.md#command-surface, docs/design.md#backup), as the
 * backup database account (its option file on the shop host; the RDS master password is not read). Read-only
 * session: it records nothing in the state and takes no lock, so it may run while `up` runs; the bucket's
 * date-named objects are the record.
 */
export async function backupCommand(global: GlobalOptions, options: BackupOptions, io: CommandIO): Promise<number> {
  const databases = parseDatabaseList(options.database);
  const session = await openSession(global, io, 'backup', 'read');
  try {
    if (!session.hostsReachable) {
      throw new UsageError(
        '`aws-runbook backup` runs the dump on the shop host over SSH, and no host can be reached in this session: ' +
          'through an emulator without a lab, instance addresses are invented and never connected to. Run it against AWS (or a sandbox with a lab).' +
          (session.hostsNotice ? ` Here ${session.hostsNotice}.` : ''),
      );
    }
    const ctx = session.engineContext('backup.on-demand');
    const missing = missingForBackup(ctx);
    if (missing.length > 0) {
      const sections = [...new Set(missing.map((m) => m.section))].join(',');
      throw new UsageError(
        `\`aws-runbook backup\` needs ${missing.map((m) => m.what).join(', ')}, which the state in ${session.info.stateDir} does not record yet. ` +
          `Run \`aws-runbook up --only ${sections}\` first.`,
      );
    }
    await session.loadIdentity();
    const release = onInterrupt(() => session.abort(), io);
    try {
      const { runOnDemandBackup } = await import('../../tasks/backup/on-demand.js');
      const run = await runOnDemandBackup(ctx, {
        ...(databases ? { databases } : {}),
        onStart: (database) => io.out(`Dumping ${database} (mariadb-dump | gzip on the shop host, streamed to S3)…`),
        onDone: (result) => {
          const seconds = Math.max(result.ms, 1) / 1000;
          io.out(
            `Uploaded s3://${result.bucket}/${result.key}: ${result.bytes} bytes (${formatBytes(result.bytes)}) in ${formatDuration(result.ms)}, ${formatBytes(result.bytes / seconds)}/s`,
          );
        },
        onFailed: (_database, error) => {
          io.err(`aws-runbook: ${error instanceof Error ? error.message : String(error)}`);
          const hint = (error as { hint?: unknown }).hint;
          if (typeof hint === 'string') io.err(`  ${hint}`);
        },
      });
      if (ctx.signal.aborted) {
        io.err('Stopped: the dump in progress was cancelled and its upload aborted.');
        return EXIT.interrupted;
      }
      if (run.databases.length === 0) {
        io.err('aws-runbook: the backup account sees no application database on the server yet (it may read shop and wordpress, once the apps created them). Set up the apps first (`aws-runbook up`).');
        return EXIT.failed;
      }
      io.out(`${run.results.length} of ${run.databases.length} database(s) backed up to s3://${run.bucket}/.`);
      return run.failures.length > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      release();
    }
  } finally {
    await session.close();
  }
}
