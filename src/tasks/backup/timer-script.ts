import { DUMP_FLAGS } from './db-client.js';
import { SERVICE_UNIT, SYSTEM_SCHEMAS } from './names.js';

/**
 * The daily backup script on the shop host. Pure text builder.
 *
 * Only what a stock Ubuntu 24.04 image has (bash, coreutils, gzip, curl) plus mariadb-client from noble's
 * archive: noble has no `awscli` package. The upload is one S3 PutObject signed by curl itself
 * (`--aws-sigv4`, curl ≥ 7.75; noble has 8.5) with the instance role's temporary credentials, read from
 * the instance metadata service with an IMDSv2 session token; the role's session token goes in the
 * `x-amz-security-token` header. PutObject needs the body's length up front, so each dump is first written,
 * gzipped, to a file in a private directory (0700, PrivateTmp in the unit, removed by a trap on exit):
 * a failed dump is never uploaded, and the unit fails. The body's SHA-256 is sent as
 * `x-amz-content-sha256`: curl signs it as the payload hash and S3 checks the body against it.
 * Anything secret (the metadata token, the keys, the session token) reaches curl as a config on its
 * stdin from printf, a builtin: never in any process's argv.
 */

/** The instance metadata service (IMDSv2), as AWS documents it. */
export const IMDS_BASE = 'http://169.254.169.254/latest';

/** The lines shared by every curl call to the metadata service: quick to fail, a few retries. */
const IMDS_CURL = 'curl -sS --fail --connect-timeout 2 --max-time 10 --retry 3';

export function backupScript(): string {
  const system = SYSTEM_SCHEMAS.join('|');
  return [
    '#!/bin/bash',
    `# Written by aws-runbook (step backup.timer); run daily by ${SERVICE_UNIT}. \`aws-runbook up\` rewrites it.`,
    '# Dumps every database the backup account may read to s3://$BUCKET/$PREFIX<database>/<UTC ISO time>.sql.gz:',
    '# mariadb-dump | gzip into a private file, then one PutObject that curl signs (--aws-sigv4) with the',
    "# instance role's credentials from IMDSv2. Needs bash, coreutils, gzip, curl and mariadb-client only.",
    'set -euo pipefail',
    'umask 077',
    ': "${BUCKET:?}" "${PREFIX:?}" "${REGION:?}" "${OPTION_FILE:?}"',
    `IMDS=${IMDS_BASE}`,
    'work=$(mktemp -d)',
    "trap 'rm -rf -- \"$work\"' EXIT",
    'say() { echo "aws-runbook-db-backup: $*"; }',
    'complain() { echo "aws-runbook-db-backup: $*" >&2; }',
    '',
    '# One string field of the flat JSON document IMDS serves for role credentials (plain values: letters,',
    '# digits, + / = - : .). Matched by bash itself, so no JSON tool has to be on the host.',
    'json_field() {',
    '  local re="\\"$2\\"[[:space:]]*:[[:space:]]*\\"([^\\"]*)\\""',
    '  [[ $1 =~ $re ]] && printf \'%s\' "${BASH_REMATCH[1]}"',
    '}',
    '',
    '# GET a metadata path with the session token (on stdin, as a curl config line).',
    'imds_get() {',
    `  printf 'header = "X-aws-ec2-metadata-token: %s"\\n' "$imds_token" | ${IMDS_CURL} --config - "$IMDS/$1"`,
    '}',
    '',
    '# The instance role\'s credentials, fresh for each upload (IMDS rotates them well before they expire).',
    'role_credentials() {',
    '  local role document',
    `  imds_token=$(${IMDS_CURL} -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$IMDS/api/token") || { complain 'the instance metadata service (IMDSv2) gave no session token'; return 1; }`,
    '  [[ $imds_token =~ ^[A-Za-z0-9+/=_-]+$ ]] || { complain \'the metadata session token is not in the expected form\'; return 1; }',
    '  role=$(imds_get meta-data/iam/security-credentials/) || { complain \'the instance has no IAM role (instance profile): `aws-runbook up --only backup` attaches it\'; return 1; }',
    '  role=${role%%$\'\\n\'*}',
    '  [[ $role =~ ^[A-Za-z0-9+=,.@_-]+$ ]] || { complain \'the instance role name is not in the expected form\'; return 1; }',
    '  document=$(imds_get "meta-data/iam/security-credentials/$role") || { complain "no credentials for the instance role $role"; return 1; }',
    '  [ "$(json_field "$document" Code || true)" = Success ] || { complain "the credentials of the instance role $role are not available (Code is not Success)"; return 1; }',
    '  key_id=$(json_field "$document" AccessKeyId || true)',
    '  secret=$(json_field "$document" SecretAccessKey || true)',
    '  session=$(json_field "$document" Token || true)',
    '  for value in "$key_id" "$secret" "$session"; do',
    '    [[ $value =~ ^[A-Za-z0-9+/=]+$ ]] || { complain "the credentials of the instance role $role are not in the expected form"; return 1; }',
    '  done',
    '}',
    '',
    '# PutObject of a file: signed by curl (SigV4, service s3), the role\'s session token in x-amz-security-token,',
    '# the body\'s SHA-256 as x-amz-content-sha256 (S3 checks it). The key\'s ":" are percent-encoded: S3 signs',
    '# the URI-encoded path, and curl signs an s3 path as written.',
    'put_object() {',
    '  local file=$1 key=$2 db=$3 sha',
    '  role_credentials || return 1',
    '  sha=$(sha256sum < "$file") || return 1',
    '  sha=${sha%% *}',
    '  printf \'user = "%s:%s"\\nheader = "x-amz-security-token: %s"\\n\' "$key_id" "$secret" "$session" |',
    '    curl -sS --fail-with-body --proto =https --connect-timeout 10 --retry 3 --config - \\',
    '      --aws-sigv4 "aws:amz:$REGION:s3" \\',
    '      -H "x-amz-content-sha256: $sha" -H \'Content-Type: application/gzip\' -H "x-amz-meta-aws-runbook-database: $db" \\',
    '      --upload-file "$file" -o "$work/response" \\',
    '      "https://$BUCKET.s3.$REGION.amazonaws.com/${key//:/%3A}" || { complain "S3 refused the upload: $(head -c 2000 "$work/response" 2>/dev/null || true)"; return 1; }',
    '}',
    '',
    'dump_one() {',
    '  local db=$1 key file',
    '  key="$PREFIX$db/$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ).sql.gz"',
    '  file="$work/$db.sql.gz"',
    `  if ! mariadb-dump --defaults-extra-file="$OPTION_FILE" ${DUMP_FLAGS.join(' ')} -- "$db" | gzip -c > "$file"; then`,
    '    rm -f -- "$file"',
    '    complain "the dump of $db failed: nothing was uploaded"',
    '    return 1',
    '  fi',
    '  if ! put_object "$file" "$key" "$db"; then',
    '    rm -f -- "$file"',
    '    complain "the upload of $db to s3://$BUCKET/$key failed"',
    '    return 1',
    '  fi',
    '  rm -f -- "$file"',
    '  say "$db -> s3://$BUCKET/$key"',
    '}',
    '',
    'databases=$(mariadb --defaults-extra-file="$OPTION_FILE" -N -B -e \'SHOW DATABASES\')',
    'failed=0',
    'count=0',
    'while IFS= read -r db; do',
    `  case "$db" in ''|${system}) continue ;; esac`,
    '  if [[ ! $db =~ ^[A-Za-z0-9_-]+$ ]]; then complain "skipped the database $db: not a plain name"; failed=1; continue; fi',
    '  count=$((count + 1))',
    '  dump_one "$db" < /dev/null || failed=1',
    'done <<< "$databases"',
    'if [ "$count" -eq 0 ]; then complain "no application database to dump"; fi',
    'exit "$failed"',
    '',
  ].join('\n');
}
