import { DUMP_FLAGS } from './db-client.js';
import { BACKUP_PREFIX, BACKUP_SCRIPT, OPTION_FILE, SERVICE_UNIT, SYSTEM_SCHEMAS, TIMER_UNIT, UNIT_DIR } from './names.js';

/**
 * The files of the daily backup on the shop host: the script, its systemd service and timer. Pure text
 * builders; the step compares their SHA-256 with the host's copies.
 */

/** When the timer fires: every day at 03:00 UTC, spread over 30 minutes; a missed run (host off) runs at boot. */
export const SCHEDULE = { onCalendar: '*-*-* 03:00:00 UTC', randomizedDelay: '30min' } as const;

/**
 * `set -o pipefail` alone is not enough here: `aws s3 cp -` completes the upload when its stdin ends,
 * whatever the dump's exit status. So aws reads a FIFO that this script keeps open (fd 3) while the dump
 * runs: after a successful dump it is closed (EOF: aws completes the object); after a failed one aws is
 * killed first, before it ever sees EOF, and no object is written. (A killed upload leaves an incomplete
 * multipart upload: the role may not abort it; the bucket's lifecycle rule does.) The FIFO holds no data.
 */
export function backupScript(): string {
  const system = SYSTEM_SCHEMAS.join('|');
  return [
    '#!/bin/bash',
    `# Written by aws-runbook (step backup.timer); run daily by ${SERVICE_UNIT}. \`aws-runbook up\` rewrites it.`,
    '# Dumps every application database to s3://$BUCKET/$PREFIX<database>/<UTC ISO time>.sql.gz with the instance role.',
    'set -euo pipefail',
    ': "${BUCKET:?}" "${PREFIX:?}" "${OPTION_FILE:?}"',
    'work=$(mktemp -d)',
    "trap 'rm -rf -- \"$work\"' EXIT",
    'fifo=$work/upload',
    '',
    'dump_one() {',
    '  local db=$1 url uploader',
    '  url="s3://$BUCKET/$PREFIX$db/$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ).sql.gz"',
    '  rm -f -- "$fifo"',
    '  mkfifo -m 600 -- "$fifo"',
    '  aws s3 cp --only-show-errors --no-progress - "$url" < "$fifo" &',
    '  uploader=$!',
    '  exec 3> "$fifo"',
    `  if mariadb-dump --defaults-extra-file="$OPTION_FILE" ${DUMP_FLAGS.join(' ')} -- "$db" | gzip -c >&3; then`,
    '    exec 3>&-',
    '    if wait "$uploader"; then',
    '      echo "aws-runbook-db-backup: $db -> $url"',
    '      return 0',
    '    fi',
    '    echo "aws-runbook-db-backup: the upload of $db to $url failed" >&2',
    '    return 1',
    '  fi',
    '  kill -KILL "$uploader" 2>/dev/null || true',
    '  wait "$uploader" 2>/dev/null || true',
    '  exec 3>&-',
    '  echo "aws-runbook-db-backup: the dump of $db (or its upload) failed: the upload was stopped before completing, no object was written" >&2',
    '  return 1',
    '}',
    '',
    'databases=$(mariadb --defaults-extra-file="$OPTION_FILE" -N -B -e \'SHOW DATABASES\')',
    'failed=0',
    'count=0',
    'while IFS= read -r db; do',
    `  case "$db" in ''|${system}) continue ;; esac`,
    '  count=$((count + 1))',
    '  dump_one "$db" < /dev/null || failed=1',
    'done <<< "$databases"',
    'if [ "$count" -eq 0 ]; then echo "aws-runbook-db-backup: no application database to dump" >&2; fi',
    'exit "$failed"',
    '',
  ].join('\n');
}

export function serviceUnit(options: { bucket: string; region: string }): string {
  if (!/^[a-z0-9.-]+$/.test(options.bucket) || !/^[a-z0-9-]+$/.test(options.region)) throw new TypeError('bucket or region with characters a unit file would need to quote');
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
    `Environment=AWS_DEFAULT_REGION=${options.region}`,
    // /snap/bin: where the aws CLI lives when it came from the snap rather than apt.
    'Environment=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin',
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
