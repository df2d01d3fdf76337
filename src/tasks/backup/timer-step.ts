import { createHash } from 'node:crypto';
import type { Config } from '../../config/schema.js';
import type { FindResult, Outputs, Step, StepContext } from '../../engine/types.js';
import { exec } from '../../ssh/exec.js';
import { uploadFile } from '../../ssh/upload.js';
import { ABSENT, present } from '../found.js';
import { parseFacts, sshLine } from '../hosts/docker-remote.js';
import { instanceName } from '../hosts/names.js';
import { STORAGE_STEP_IDS } from '../storage/names.js';
import { backupHostReady, connectBackupHost } from './host.js';
import { BACKUP_HOST, BACKUP_PREFIX, BACKUP_STEP_IDS, SERVICE_UNIT, TIMER_UNIT, UNIT_DIR } from './names.js';
import { probeTimerScript, SCHEDULE, timerFiles, type TimerFile } from './timer-units.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What apply still has to do, from the probe's facts (empty: every file as wanted, timer enabled and active). */
export function timerUnfinished(facts: Record<string, string>, files: readonly TimerFile[]): string[] {
  const unfinished = files.filter((f) => facts[f.fact] !== `${sha256(f.content)}:${f.mode.toString(8)}`).map((f) => `write ${f.path}`);
  if (facts['enabled'] !== 'enabled' || facts['active'] !== 'active') unfinished.push(`enable and start ${TIMER_UNIT}`);
  return unfinished;
}

/**
 * `backup.timer` — outputs `timerUnit`, `schedule`, `destination`. The daily dump on the shop host: a
 * script (timer-script.ts: the same `mariadb-dump | gzip` as the backup account into a private file, then
 * one PutObject signed by curl with the instance role's IMDSv2 credentials), its oneshot service and a
 * timer, `systemctl enable --now`. find compares the files' SHA-256 and asks systemctl; a rerun with
 * nothing changed touches nothing.
 */
export function timerStep(config: Config): Step {
  const id = BACKUP_STEP_IDS.timer;
  const bucketStep = STORAGE_STEP_IDS.bucket;
  const host = instanceName(config, BACKUP_HOST);
  const filesFor = (ctx: StepContext, bucket: string) => timerFiles({ bucket, region: ctx.aws.region });
  const schedule = `daily at ${SCHEDULE.onCalendar.split(' ')[1]} UTC (+ up to ${SCHEDULE.randomizedDelay})`;
  const outputsFor = (bucket: string): Outputs => ({ timerUnit: TIMER_UNIT, schedule, destination: `s3://${bucket}/${BACKUP_PREFIX}` });

  async function probe(ctx: StepContext, files: readonly TimerFile[]): Promise<Record<string, string>> {
    const result = await exec(await connectBackupHost(ctx), probeTimerScript(files), { sudo: true, label: `check ${TIMER_UNIT}`, signal: ctx.signal, timeoutMs: 30_000 });
    return parseFacts(result.stdout);
  }

  return {
    id,
    section: 'backup',
    title: `Daily dump timer on ${host}`,
    needs: [BACKUP_STEP_IDS.tools, BACKUP_STEP_IDS.dbUser, BACKUP_STEP_IDS.association, bucketStep],

    async find(ctx): Promise<FindResult> {
      const bucket = ctx.output(bucketStep, 'bucketName');
      if (!bucket || !backupHostReady(ctx)) return ABSENT;
      const files = filesFor(ctx, bucket);
      const facts = await probe(ctx, files);
      if (files.every((f) => facts[f.fact] === 'absent') && facts['enabled'] !== 'enabled') return ABSENT;
      return present(outputsFor(bucket), true, [], timerUnfinished(facts, files));
    },

    preview(ctx, found) {
      const bucket = ctx.ref(bucketStep, 'bucketName', '$BUCKET');
      if (found.kind === 'present' && found.unfinished.length === 0) return { summary: `${TIMER_UNIT} on ${host} is enabled, ${schedule}`, cli: [] };
      return {
        summary: `install ${TIMER_UNIT} on ${host}: ${schedule}, every database to s3://${bucket}/${BACKUP_PREFIX}<database>/<UTC time>.sql.gz`,
        cli: [
          sshLine(ctx, BACKUP_HOST, `sudo tee ${UNIT_DIR}/${SERVICE_UNIT} ${UNIT_DIR}/${TIMER_UNIT} ...  # and the script it runs`),
          sshLine(ctx, BACKUP_HOST, `sudo systemctl daemon-reload && sudo systemctl enable --now ${TIMER_UNIT}`),
        ],
        notes: [
          'Only what a stock Ubuntu 24.04 has (bash, coreutils, gzip, curl) plus mariadb-client: curl signs the S3 PutObject itself (--aws-sigv4) with the instance role\'s short-lived credentials from the metadata service (IMDSv2). No access key on the host, no aws CLI (noble has no awscli package).',
          'Each dump is gzipped into a root-only temporary file first (S3 PutObject needs the length up front), uploaded with its SHA-256 (S3 checks it), then removed. A failed dump is never uploaded and the unit fails: no object that looks like a good dump.',
          'One PutObject carries at most 5 GB: a database whose gzipped dump grows beyond that needs `aws-runbook backup` (multipart, from the tool) instead.',
        ],
      };
    },

    async apply(ctx): Promise<Outputs> {
      const bucket = ctx.need(bucketStep, 'bucketName');
      const connection = await connectBackupHost(ctx);
      const files = filesFor(ctx, bucket);
      const before = await probe(ctx, files);
      let unitsChanged = false;
      for (const file of files) {
        const result = await uploadFile(connection, file.path, file.content, { mode: file.mode, owner: 'root', parents: true, signal: ctx.signal });
        if (result.contentChanged && file.path.startsWith(`${UNIT_DIR}/`)) unitsChanged = true;
      }
      const steps = [
        ...(unitsChanged ? ['systemctl daemon-reload'] : []),
        ...(before['enabled'] !== 'enabled' || before['active'] !== 'active' ? [`systemctl enable --now ${TIMER_UNIT}`] : []),
        // A changed schedule takes effect when the (already running) timer restarts.
        ...(unitsChanged && before['active'] === 'active' ? [`systemctl restart ${TIMER_UNIT}`] : []),
      ];
      if (steps.length > 0) {
        await exec(connection, steps.join(' && '), { sudo: true, label: `enable ${TIMER_UNIT}`, signal: ctx.signal, timeoutMs: 60_000, onLine: (line) => ctx.progress(line) });
      }
      return outputsFor(bucket);
    },

    async destroy(ctx) {
      if (!backupHostReady(ctx)) return;
      const bucket = ctx.output(bucketStep, 'bucketName') ?? 'unknown';
      const paths = filesFor(ctx, bucket).map((f) => `'${f.path}'`);
      await exec(await connectBackupHost(ctx), [`systemctl disable --now ${TIMER_UNIT} 2>/dev/null || true`, `rm -f -- ${paths.join(' ')}`, 'systemctl daemon-reload'].join('\n'), {
        sudo: true,
        label: `remove ${TIMER_UNIT}`,
        signal: ctx.signal,
        timeoutMs: 60_000,
      });
    },

    destroyPreview(ctx) {
      return {
        summary: `Stop and remove ${TIMER_UNIT} from ${host}`,
        cli: [sshLine(ctx, BACKUP_HOST, `sudo systemctl disable --now ${TIMER_UNIT} && sudo rm -f ${UNIT_DIR}/${TIMER_UNIT} ${UNIT_DIR}/${SERVICE_UNIT} && sudo systemctl daemon-reload`)],
      };
    },
  };
}
