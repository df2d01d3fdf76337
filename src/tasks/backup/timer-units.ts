import { BACKUP_PREFIX, BACKUP_SCRIPT, OPTION_FILE, SERVICE_UNIT, TIMER_UNIT, UNIT_DIR } from './names.js';
import { backupScript } from './timer-script.js';

export { backupScript } from './timer-script.js';

/**
 * The files of the daily backup on the shop host: the script (timer-script.ts), its systemd service and
 * timer. Pure text builders; the step compares their SHA-256 with the host's copies.
 */

/** When the timer fires: every day at 03:00 UTC, spread over 30 minutes; a missed run (host off) runs at boot. */
export const SCHEDULE = { onCalendar: '*-*-* 03:00:00 UTC', randomizedDelay: '30min' } as const;

export function serviceUnit(options: { bucket: string; region: string }): string {
  // No dots either: the upload addresses the bucket as a host name (BUCKET.s3.REGION.amazonaws.com), whose TLS certificate covers one label.
  if (!/^[a-z0-9-]+$/.test(options.bucket) || !/^[a-z0-9-]+$/.test(options.region)) throw new TypeError('bucket or region with characters a unit file would need to quote, or a dot');
  return [
    '# Written by aws-runbook (step backup.timer).',
    '[Unit]',
    `Description=aws-runbook: dump the databases to s3://${options.bucket}/${BACKUP_PREFIX}`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    `Environment=BUCKET=${options.bucket}`,
    `Environment=PREFIX=${BACKUP_PREFIX}`,
    `Environment=OPTION_FILE=${OPTION_FILE}`,
    `Environment=REGION=${options.region}`,
    'Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `ExecStart=${BACKUP_SCRIPT}`,
    'Nice=10',
    'IOSchedulingClass=best-effort',
    'IOSchedulingPriority=7',
    'PrivateTmp=true',
    'NoNewPrivileges=true',
    '',
  ].join('\n');
}

export function timerUnit(): string {
  return [
    '# Written by aws-runbook (step backup.timer).',
    '[Unit]',
    'Description=aws-runbook: daily database dump to S3',
    '',
    '[Timer]',
    `OnCalendar=${SCHEDULE.onCalendar}`,
    `RandomizedDelaySec=${SCHEDULE.randomizedDelay}`,
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

export interface TimerFile {
  /** The probe's fact name. */
  fact: string;
  path: string;
  mode: number;
  content: string;
}

export function timerFiles(options: { bucket: string; region: string }): TimerFile[] {
  return [
    { fact: 'script', path: BACKUP_SCRIPT, mode: 0o755, content: backupScript() },
    { fact: 'service', path: `${UNIT_DIR}/${SERVICE_UNIT}`, mode: 0o644, content: serviceUnit(options) },
    { fact: 'timer', path: `${UNIT_DIR}/${TIMER_UNIT}`, mode: 0o644, content: timerUnit() },
  ];
}

/** Probe (as root): each file's SHA-256 and mode (or `absent`), and the timer's enabled/active state. */
export function probeTimerScript(files: readonly TimerFile[]): string {
  return [
    ...files.map((f) => `if [ -f '${f.path}' ]; then echo "${f.fact}=$(sha256sum < '${f.path}' | cut -d' ' -f1):$(stat -c '%a' '${f.path}')"; else echo ${f.fact}=absent; fi`),
    `echo "enabled=$(systemctl is-enabled ${TIMER_UNIT} 2>/dev/null || true)"`,
    `echo "active=$(systemctl is-active ${TIMER_UNIT} 2>/dev/null || true)"`,
  ].join('\n');
}
