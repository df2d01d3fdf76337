import { ListBucketsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config/schema.js';
import { allPages, sendOptions } from '../../aws/paging.js';
import { exec } from '../../ssh/exec.js';
import { parseFacts } from '../hosts/docker-remote.js';
import { instanceName } from '../hosts/names.js';
import { BACKUP_HOST, BACKUP_PREFIX, SERVICE_UNIT, TIMER_UNIT } from '../backup/names.js';
import { SCHEDULE } from '../backup/timer-units.js';
import { recreateHint } from './live-find.js';
import { onHost } from './on-host.js';
import { backupBucketOf, presenceText } from './storage.js';
import { fail, pass, warn, type Check, type CheckResult } from './types.js';

/**
 * The backups of the storage group (docs/design.md#verification-checklist): the newest dump in the bucket is recent and holds
 * something (S3 only, no SSH), and the daily timer on the backup host is enabled (SSH, read-only).
 */

/** A daily timer with up to 30 min of random delay, and a dump that takes a while: 26 h leaves room. */
export const MAX_DUMP_AGE_HOURS = 26;
/** gzip of nothing is 20 bytes: a dump that size or smaller holds nothing. */
export const EMPTY_GZIP_BYTES = 20;

export interface DumpObject {
  key: string;
  size: number;
  lastModified: Date;
}

const HOUR_MS = 3_600_000;
const hoursText = (ms: number) => (ms < HOUR_MS ? `${Math.max(0, Math.round(ms / 60_000))} min` : `${(ms / HOUR_MS).toFixed(1)} h`);
const sizeText = (bytes: number) => (bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`);

/** `backups/shop/2026-…sql.gz` → `shop`. */
function databaseOf(key: string): string {
  const rest = key.slice(BACKUP_PREFIX.length);
  return rest.includes('/') ? (rest.split('/')[0] ?? rest) : '(top level)';
}

const newest = (objects: readonly DumpObject[]) => objects.reduce((a, b) => (b.lastModified > a.lastModified ? b : a));

export interface DumpsContext {
  bucket: string;
  now: Date;
  /** When the bucket was made, if known: a bucket younger than the limit may hold no dump yet. */
  bucketCreated?: Date;
}

/** The verdict on the dumps listed under backups/. Pure. */
export function dumpsVerdict(objects: readonly DumpObject[], context: DumpsContext): CheckResult {
  const where = `s3://${context.bucket}/${BACKUP_PREFIX}`;
  const limitMs = MAX_DUMP_AGE_HOURS * HOUR_MS;
  const makeOne = `\`aws-runbook backup\` makes one now; the timer (storage.backup-timer) makes one ${SCHEDULE.onCalendar.split(' ')[1]} UTC daily`;
  if (objects.length === 0) {
    const age = context.bucketCreated ? context.now.getTime() - context.bucketCreated.getTime() : undefined;
    if (age !== undefined && age < limitMs) return warn(`no dump under ${where} yet (the bucket is ${hoursText(age)} old)`, makeOne);
    return fail(`no dump under ${where}`, makeOne);
  }
  const latest = newest(objects);
  const age = context.now.getTime() - latest.lastModified.getTime();
  const seen = `newest dump ${latest.key}: ${sizeText(latest.size)}, ${hoursText(age)} old`;
  const journal = `on ${BACKUP_HOST}: sudo journalctl -u ${SERVICE_UNIT} -n 50 --no-pager`;
  if (age > limitMs) return fail(`${seen} (limit ${MAX_DUMP_AGE_HOURS} h)`, `the daily dump has not run or has failed since: ${journal}; ${makeOne}`);
  if (latest.size <= EMPTY_GZIP_BYTES) return fail(`${seen}: it holds nothing`, `a dump of nothing: ${journal}`);

  const byDatabase = new Map<string, DumpObject[]>();
  for (const o of objects) byDatabase.set(databaseOf(o.key), [...(byDatabase.get(databaseOf(o.key)) ?? []), o]);
  const lines = [...byDatabase].map(([database, dumps]) => {
    const last = newest(dumps);
    const lastAge = context.now.getTime() - last.lastModified.getTime();
    return { database, stale: lastAge > limitMs || last.size <= EMPTY_GZIP_BYTES, line: `${database}: ${dumps.length} dump(s), newest ${hoursText(lastAge)} old, ${sizeText(last.size)}` };
  });
  const details = lines.map((l) => l.line);
  const stale = lines.filter((l) => l.stale).map((l) => l.database);
  if (stale.length > 0) {
    return warn(`${seen}; but no recent non-empty dump of ${stale.join(', ')}`, `a database no longer dumped (dropped, or failing): ${journal}`, details);
  }
  return pass(`${seen}; ${byDatabase.size} database(s) dumped within ${MAX_DUMP_AGE_HOURS} h`, details);
}

async function listDumps(s3: S3Client, bucket: string, signal: AbortSignal): Promise<DumpObject[]> {
  return allPages(async (ContinuationToken) => {
    const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: BACKUP_PREFIX, ContinuationToken }), sendOptions(signal));
    const items = (out.Contents ?? []).flatMap((o) => (o.Key && o.LastModified ? [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified }] : []));
    return { items, nextToken: out.IsTruncated ? out.NextContinuationToken : undefined };
  });
}

/** The bucket's creation date from the account's bucket list; undefined when it cannot be read. */
async function bucketCreated(s3: S3Client, bucket: string, signal: AbortSignal): Promise<Date | undefined> {
  try {
    const out = await s3.send(new ListBucketsCommand({ Prefix: bucket }), sendOptions(signal));
    return out.Buckets?.find((b) => b.Name === bucket)?.CreationDate;
  } catch {
    return undefined;
  }
}

function freshDumpCheck(): Check {
  return {
    id: 'storage.backups.fresh',
    group: 'storage',
    title: `The newest database dump is younger than ${MAX_DUMP_AGE_HOURS} h and not empty`,
    async run(ctx) {
      // Named from the account and region (as the bucket checks do), not from the state file: with the state lost the dumps are still found.
      const bucket = await backupBucketOf(ctx);
      const presence = await ctx.live.bucketPresence(bucket);
      if (presence === 'absent') return fail(`no dump can be read: bucket ${bucket} is missing`, `${recreateHint('storage')}; the dumps it held are gone (see storage.bucket.exists)`);
      if (presence !== 'accessible') return fail(`no dump can be read: bucket ${bucket} is ${presenceText(presence)}`, 'see storage.bucket.exists for the fix');
      const objects = await listDumps(ctx.aws.s3, bucket, ctx.signal);
      const created = objects.length === 0 ? await bucketCreated(ctx.aws.s3, bucket, ctx.signal) : undefined;
      return dumpsVerdict(objects, { bucket, now: new Date(), ...(created ? { bucketCreated: created } : {}) });
    },
  };
}

/** Read-only, no sudo: what systemd says about the timer and the last run of its service. */
export const TIMER_STATE_SCRIPT = [
  `echo "enabled=$(systemctl is-enabled ${TIMER_UNIT} 2>/dev/null | head -n1)"`,
  `echo "active=$(systemctl is-active ${TIMER_UNIT} 2>/dev/null | head -n1)"`,
  `echo "result=$(systemctl show -p Result --value ${SERVICE_UNIT} 2>/dev/null | head -n1)"`,
  `echo "status=$(systemctl show -p ExecMainStatus --value ${SERVICE_UNIT} 2>/dev/null | head -n1)"`,
  `echo "last_exit=$(systemctl show -p ExecMainExitTimestamp --value ${SERVICE_UNIT} 2>/dev/null | head -n1)"`,
  `echo "next=$(systemctl show -p NextElapseUSecRealtime --value ${TIMER_UNIT} 2>/dev/null | head -n1)"`,
].join('\n');

const known = (value: string | undefined) => (value && value !== 'n/a' && value !== '0' ? value : undefined);

/** The verdict from TIMER_STATE_SCRIPT's output. Pure. */
export function timerVerdict(stdout: string): CheckResult {
  const facts = parseFacts(stdout);
  const enabled = facts['enabled'] || 'not found';
  const active = facts['active'] || 'unknown';
  if (enabled !== 'enabled') return fail(`${TIMER_UNIT} on ${BACKUP_HOST} is ${enabled}`, '`aws-runbook up --only backup` installs and enables it');
  if (active !== 'active') return fail(`${TIMER_UNIT} on ${BACKUP_HOST} is enabled but ${active}: it will not fire`, `on ${BACKUP_HOST}: sudo systemctl start ${TIMER_UNIT}`);
  const next = known(facts['next']);
  const base = `${TIMER_UNIT} on ${BACKUP_HOST} is enabled and active${next ? `, next run ${next}` : ''}`;
  const lastExit = known(facts['last_exit']);
  if (!lastExit) return pass(`${base}; no run recorded yet`);
  const result = facts['result'] || 'unknown';
  if (result !== 'success') {
    return warn(`${base}; the last run (${lastExit}) failed: ${result}, exit status ${facts['status'] || 'unknown'}`, `on ${BACKUP_HOST}: sudo journalctl -u ${SERVICE_UNIT} -n 50 --no-pager`);
  }
  return pass(`${base}; last run ${lastExit}: success`);
}

function timerCheck(config: Config): Check {
  return {
    id: 'storage.backup-timer',
    group: 'storage',
    title: `The daily dump timer is enabled on ${instanceName(config, BACKUP_HOST)}`,
    needsHosts: true,
    run: (ctx) =>
      onHost(ctx, BACKUP_HOST, async (connection) => {
        const result = await exec(connection, TIMER_STATE_SCRIPT, { label: `systemctl is-enabled ${TIMER_UNIT}`, timeoutMs: 30_000, signal: ctx.signal });
        return timerVerdict(result.stdout);
      }),
  };
}

export function backupsChecks(config: Config): Check[] {
  return [freshDumpCheck(), timerCheck(config)];
}
