import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupScript, probeTimerScript, serviceUnit, timerFiles, timerUnit } from '../../../src/tasks/backup/timer-units.js';
import { CREDENTIALS, IMDS_TOKEN, ROLE } from './curl-stand-in.mjs';
import { stubDir, type StubDir } from './shell.js';

/**
 * The daily timer's script, run by a real bash (with the real coreutils, gzip and sha256sum) against stub
 * `mariadb` / `mariadb-dump` and a curl stand-in (curl-stand-in.mjs) that plays IMDSv2 and S3 and refuses
 * what they refuse. Neither a test nor the lab can reach a metadata service or S3 (the lab's hosts have no
 * route out and no instance role): the lab proves the dumps with the same account and flags through
 * `aws-runbook backup`; the signing of the upload is tested here, on curl's exact arguments and headers.
 */

const STAND_IN = resolve(import.meta.dirname, 'curl-stand-in.mjs');
const DATABASES = ['information_schema', 'mysql', 'performance_schema', 'sys', 'shop', 'broken', 'wordpress'];
const DUMP_ARGS = '--defaults-extra-file=$OPTION_FILE --single-transaction --no-tablespaces --events --triggers --hex-blob --';
const KEY = /^backups\/(shop|wordpress)\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.sql\.gz$/;

interface CurlCall {
  argv: string[];
  config?: string[];
  status?: number;
  stored?: { bucket: string; key: string; fileMode: string; dirMode: string; contentType: string };
}

let stubs: StubDir;
let store: string;
let tmp: string;

beforeEach(async () => {
  stubs = await stubDir();
  store = join(stubs.dir, 'store');
  tmp = join(stubs.dir, 'tmp');
  await mkdir(store);
  await mkdir(tmp);
  await stubs.stub('mariadb', `#!/bin/bash\n[ "$*" = "--defaults-extra-file=$OPTION_FILE -N -B -e SHOW DATABASES" ] || { echo "unexpected: $*" >&2; exit 9; }\nprintf '%s\\n' ${DATABASES.join(' ')}\n`);
  // shop: 300 000 lines and exit 0; broken: output, then exit 2 (as a lost connection); wordpress: small.
  await stubs.stub(
    'mariadb-dump',
    [
      '#!/bin/bash',
      `[ "\${*:1:$#-1}" = "${DUMP_ARGS}" ] || { echo "unexpected: $*" >&2; exit 9; }`,
      'case "${@: -1}" in',
      '  shop) seq 1 300000 ;;',
      '  broken) seq 1 1000; echo "mariadb-dump: Got error: 2013: Lost connection to server during query" >&2; exit 2 ;;',
      '  wordpress) echo "-- wordpress" ;;',
      '  *) exit 7 ;;',
      'esac',
      '',
    ].join('\n'),
  );
  await stubs.stub('curl', `#!/bin/sh\nexec '${process.execPath}' '${STAND_IN}' "$@"\n`);
});
afterEach(async () => {
  await stubs?.remove();
});

const run = (env: Record<string, string> = {}) =>
  stubs.bash(backupScript(), { BUCKET: 'b1', PREFIX: 'backups/', REGION: 'us-east-2', OPTION_FILE: '/etc/aws-runbook/db-backup.cnf', STORE: store, TMPDIR: tmp, ...env });

async function curlCalls(): Promise<CurlCall[]> {
  const text = await readFile(join(store, 'curl-calls.jsonl'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CurlCall);
}
const storedObjects = async () => (await readdir(join(store, 'objects', 'b1'), { recursive: true }).catch(() => [])).filter((f) => f.endsWith('.sql.gz')).sort();

const IMDS = ['-sS', '--fail', '--connect-timeout', '2', '--max-time', '10', '--retry', '3'];

describe('the daily backup script', () => {
  it('signs one PutObject per database with curl --aws-sigv4 and the role’s IMDSv2 credentials, secrets on stdin only', async () => {
    await stubs.stub('mariadb', "#!/bin/bash\nprintf '%s\\n' information_schema shop\n");
    const result = await run();
    expect(result.exitCode, result.stderr).toBe(0);
    const calls = await curlCalls();
    expect(calls).toHaveLength(4);
    const [token, roles, credentials, put] = calls as [CurlCall, CurlCall, CurlCall, CurlCall];
    // IMDSv2: a session token first (PUT with its lifetime), then the role and its credentials with that token.
    expect(token.argv).toEqual([...IMDS, '-X', 'PUT', '-H', 'X-aws-ec2-metadata-token-ttl-seconds: 300', 'http://169.254.169.254/latest/api/token']);
    expect(roles.argv).toEqual([...IMDS, '--config', '-', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/']);
    expect(credentials.argv).toEqual([...IMDS, '--config', '-', `http://169.254.169.254/latest/meta-data/iam/security-credentials/${ROLE}`]);
    for (const call of [roles, credentials]) expect(call.config).toEqual([`header = "X-aws-ec2-metadata-token: ${IMDS_TOKEN}"`]);

    // S3: SigV4 for s3 in the bucket's region, the body's SHA-256, the key's ':' percent-encoded.
    const sha = put.argv.find((a) => a.startsWith('x-amz-content-sha256: '))?.split(': ')[1] ?? '';
    const object = (await storedObjects())[0] ?? '';
    expect(object).toMatch(/^backups\/shop\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.sql\.gz$/);
    const body = await readFile(join(store, 'objects', 'b1', object));
    expect(sha).toBe(createHash('sha256').update(body).digest('hex'));
    expect(put.argv).toEqual([
      '-sS',
      '--fail-with-body',
      '--proto',
      '=https',
      '--connect-timeout',
      '10',
      '--retry',
      '3',
      '--config',
      '-',
      '--aws-sigv4',
      'aws:amz:us-east-2:s3',
      '-H',
      `x-amz-content-sha256: ${sha}`,
      '-H',
      'Content-Type: application/gzip',
      '-H',
      'x-amz-meta-aws-runbook-database: shop',
      '--upload-file',
      expect.stringMatching(new RegExp(`^${tmp}/tmp\\.\\w+/shop\\.sql\\.gz$`)),
      '-o',
      expect.stringMatching(new RegExp(`^${tmp}/tmp\\.\\w+/response$`)),
      `https://b1.s3.us-east-2.amazonaws.com/${object.replaceAll(':', '%3A')}`,
    ]);
    expect(put.config).toEqual([`user = "${CREDENTIALS.AccessKeyId}:${CREDENTIALS.SecretAccessKey}"`, `header = "x-amz-security-token: ${CREDENTIALS.Token}"`]);
    // The gzipped dump waited in a private file (0600 in a 0700 directory) that is gone afterwards.
    expect(put.stored).toMatchObject({ bucket: 'b1', key: object, fileMode: '600', dirMode: '700', contentType: 'application/gzip' });
    expect(gunzipSync(body).toString().split('\n')).toHaveLength(300001);
    expect(await readdir(tmp)).toEqual([]);
    // No token or key in any process's argv (ps shows argv to every user of the host).
    for (const secret of [IMDS_TOKEN, CREDENTIALS.SecretAccessKey, CREDENTIALS.Token]) expect(calls.flatMap((c) => c.argv).join(' ')).not.toContain(secret);
    expect(result.stdout).toBe(`aws-runbook-db-backup: shop -> s3://b1/${object}\n`);
  });

  it('uploads every database the account may read; a failed dump uploads nothing and the run fails', async () => {
    const result = await run();
    expect(result.exitCode).toBe(1);
    const objects = await storedObjects();
    expect(objects.map((key) => key.replace(/\/[^/]+$/, ''))).toEqual(['backups/shop', 'backups/wordpress']);
    for (const key of objects) expect(key).toMatch(KEY);
    const puts = (await curlCalls()).filter((c) => c.argv.includes('--upload-file'));
    expect(puts.map((c) => c.argv.find((a) => a.startsWith('x-amz-meta-aws-runbook-database: ')))).toEqual(['x-amz-meta-aws-runbook-database: shop', 'x-amz-meta-aws-runbook-database: wordpress']);
    expect(result.stderr).toMatch(/Lost connection to server during query/);
    expect(result.stderr).toMatch(/the dump of broken failed: nothing was uploaded/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('fails when S3 refuses the upload, saying what S3 said; and when the instance has no role', async () => {
    await stubs.stub('mariadb', "#!/bin/bash\nprintf '%s\\n' wordpress\n");
    const denied = await run({ STAND_IN_S3: 'deny' });
    expect(denied.exitCode).toBe(1);
    expect(denied.stderr).toMatch(/S3 refused the upload: .*<Code>AccessDenied<\/Code>/s);
    expect(denied.stderr).toMatch(/the upload of wordpress to s3:\/\/b1\/backups\/wordpress\/.* failed/);
    expect(await storedObjects()).toEqual([]);

    const noRole = await run({ STAND_IN_ROLE: '' });
    expect(noRole.exitCode).toBe(1);
    expect(noRole.stderr).toMatch(/the instance has no IAM role \(instance profile\)/);
    expect(await readdir(tmp)).toEqual([]);
  });

  it('fails when the database list cannot be read, and without its settings', async () => {
    await stubs.stub('mariadb', '#!/bin/bash\necho "ERROR 1045 (28000): Access denied" >&2\nexit 1\n');
    const list = await run();
    expect(list.exitCode).toBe(1);
    expect(list.stderr).toMatch(/Access denied/);
    const noRegion = await stubs.bash(backupScript(), { BUCKET: 'b1', PREFIX: 'backups/', OPTION_FILE: '/x', STORE: store, TMPDIR: tmp });
    expect(noRegion.exitCode).not.toBe(0);
    expect(noRegion.stderr).toMatch(/REGION/);
  });

  it('says so when there is nothing to dump (and succeeds)', async () => {
    await stubs.stub('mariadb', "#!/bin/bash\nprintf '%s\\n' information_schema mysql performance_schema sys\n");
    const empty = await run();
    expect(empty.exitCode).toBe(0);
    expect(empty.stderr).toMatch(/no application database to dump/);
    expect(await curlCalls()).toEqual([]);
  });

  it('never calls an aws CLI: noble has none', () => {
    expect(backupScript()).not.toMatch(/\baws (s3|configure|sts)\b/);
  });
});

describe('the timer units', () => {
  it('run the script daily with the bucket, prefix and region, catching up a missed run', () => {
    const service = serviceUnit({ bucket: 'b1', region: 'us-east-2' });
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^Environment=BUCKET=b1$/m);
    expect(service).toMatch(/^Environment=PREFIX=backups\/$/m);
    expect(service).toMatch(/^Environment=REGION=us-east-2$/m);
    expect(service).toMatch(/^PrivateTmp=true$/m);
    expect(service).toMatch(/^ExecStart=\/usr\/local\/bin\/aws-runbook-db-backup$/m);
    expect(timerUnit()).toMatch(/^OnCalendar=\*-\*-\* 03:00:00 UTC$/m);
    expect(timerUnit()).toMatch(/^Persistent=true$/m);
    expect(timerUnit()).toMatch(/^WantedBy=timers.target$/m);
    expect(() => serviceUnit({ bucket: 'b1\nExecStart=/bin/sh', region: 'us-east-2' })).toThrow(/quote/);
    // A dotted bucket would not match S3's wildcard certificate as BUCKET.s3.REGION.amazonaws.com.
    expect(() => serviceUnit({ bucket: 'my.bucket', region: 'us-east-2' })).toThrow(/dot/);
  });

  it('are probed by hash and mode, with the timer’s state', async () => {
    const files = timerFiles({ bucket: 'b1', region: 'us-east-2' });
    expect(files.map((f) => [f.path, f.mode.toString(8)])).toEqual([
      ['/usr/local/bin/aws-runbook-db-backup', '755'],
      ['/etc/systemd/system/aws-runbook-db-backup.service', '644'],
      ['/etc/systemd/system/aws-runbook-db-backup.timer', '644'],
    ]);
    await stubs.stub('systemctl', '#!/bin/bash\n[ "$1" = is-enabled ] && { echo disabled; exit 1; }\necho inactive; exit 3\n');
    const result = await stubs.bash(probeTimerScript(files));
    expect(result.stdout).toBe('script=absent\nservice=absent\ntimer=absent\nenabled=disabled\nactive=inactive\n');
  });
});
