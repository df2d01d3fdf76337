import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupScript, probeTimerScript, serviceUnit, timerFiles, timerUnit } from '../../../src/tasks/backup/timer-units.js';
import { stubDir, type StubDir } from './shell.js';

/**
 * The daily timer's script, run by a real bash with stub `mariadb`, `mariadb-dump` and `aws`. The aws stub
 * behaves like `aws s3 cp -` towards S3: it reads stdin to the end and only then "completes" the object
 * (renames its partial file); killed before the end, it leaves only the partial file, which S3 would
 * never show as an object.
 */

let stubs: StubDir;
let store: string;
let tmp: string;

const DATABASES = ['information_schema', 'mysql', 'performance_schema', 'sys', 'shop', 'broken', 'wordpress'];

beforeEach(async () => {
  stubs = await stubDir();
  store = join(stubs.dir, 'store');
  tmp = join(stubs.dir, 'tmp');
  await mkdir(store);
  await mkdir(tmp);
  await stubs.stub('mariadb', `#!/bin/bash\n[ "$1" = "--defaults-extra-file=$OPTION_FILE" ] || exit 9\nprintf '%s\\n' ${DATABASES.join(' ')}\n`);
  // shop: 2 MB and exit 0; broken: 1 MB, a pause (aws has read it all by then), exit 2; wordpress: small.
  await stubs.stub(
    'mariadb-dump',
    [
      '#!/bin/bash',
      '[ "$1" = "--defaults-extra-file=$OPTION_FILE" ] || exit 9',
      'db="${@: -1}"',
      'case "$db" in',
      '  shop) seq 1 300000 ;;',
      '  broken) seq 1 150000; sleep 0.3; echo "mariadb-dump: Got error: 2013: Lost connection to server during query" >&2; exit 2 ;;',
      '  wordpress) echo "-- wordpress" ;;',
      '  *) exit 7 ;;',
      'esac',
      '',
    ].join('\n'),
  );
  await stubs.stub(
    'aws',
    [
      '#!/bin/bash',
      'url="${@: -1}"',
      'name=$(printf "%s" "${url#s3://}" | tr / _)',
      'echo "$*" >> "$STORE/calls"',
      'cat > "$STORE/partial-$name"',
      'mv "$STORE/partial-$name" "$STORE/$name"',
      '',
    ].join('\n'),
  );
});
afterEach(async () => {
  await stubs?.remove();
});

const run = () =>
  stubs.bash(backupScript(), { BUCKET: 'b1', PREFIX: 'backups/', OPTION_FILE: '/etc/aws-runbook/db-backup.cnf', STORE: store, TMPDIR: tmp });

describe('the daily backup script', () => {
  it('uploads every application database, and no object for a dump that failed', async () => {
    const result = await run();
    expect(result.exitCode).toBe(1);
    const files = (await readdir(store)).sort();
    const objects = files.filter((f) => f.startsWith('b1_'));
    expect(objects.map((f) => f.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/, 'T'))).toEqual(['b1_backups_shop_T.sql.gz', 'b1_backups_wordpress_T.sql.gz']);
    // The failed dump's upload was started and killed before it could complete.
    expect(files.filter((f) => f.startsWith('partial-'))).toEqual([expect.stringMatching(/^partial-b1_backups_broken_/)]);
    const shop = gunzipSync(await readFile(join(store, objects[0]!))).toString();
    expect(shop.split('\n').length).toBe(300001);
    expect(result.stderr).toMatch(/the dump of broken \(or its upload\) failed: .*no object was written/);
    expect(result.stdout).toMatch(/shop -> s3:\/\/b1\/backups\/shop\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.sql\.gz/);
    // Nothing left behind: the FIFO's directory is removed.
    expect(await readdir(tmp)).toEqual([]);
  });

  it('exits 0 when every dump and upload succeeded, and says so when there is nothing to dump', async () => {
    await stubs.stub('mariadb', "#!/bin/bash\nprintf '%s\\n' information_schema mysql shop\n");
    expect((await run()).exitCode).toBe(0);
    await stubs.stub('mariadb', "#!/bin/bash\nprintf '%s\\n' information_schema mysql performance_schema sys\n");
    const empty = await run();
    expect(empty.exitCode).toBe(0);
    expect(empty.stderr).toMatch(/no application database to dump/);
  });

  it('fails when the upload fails, and when the database list cannot be read', async () => {
    await stubs.stub('aws', '#!/bin/bash\necho "upload failed: Unable to locate credentials" >&2\nexit 1\n');
    await stubs.stub('mariadb', "#!/bin/bash\nprintf '%s\\n' wordpress\n");
    const upload = await run();
    expect(upload.exitCode).toBe(1);
    expect(upload.stderr).toMatch(/Unable to locate credentials/);
    await stubs.stub('mariadb', '#!/bin/bash\necho "ERROR 1045 (28000): Access denied" >&2\nexit 1\n');
    const list = await run();
    expect(list.exitCode).toBe(1);
    expect(list.stderr).toMatch(/Access denied/);
  });

  it('refuses to run without its settings', async () => {
    const result = await stubs.bash(backupScript(), { PREFIX: 'backups/', OPTION_FILE: '/x', STORE: store, TMPDIR: tmp });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/BUCKET/);
  });
});

describe('the timer units', () => {
  it('run the script daily with the bucket, prefix and region, catching up a missed run', () => {
    const service = serviceUnit({ bucket: 'b1', region: 'us-east-2' });
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^Environment=BUCKET=b1$/m);
    expect(service).toMatch(/^Environment=PREFIX=backups\/$/m);
    expect(service).toMatch(/^Environment=AWS_DEFAULT_REGION=us-east-2$/m);
    expect(service).toMatch(/^ExecStart=\/usr\/local\/bin\/aws-runbook-db-backup$/m);
    expect(timerUnit()).toMatch(/^OnCalendar=\*-\*-\* 03:00:00 UTC$/m);
    expect(timerUnit()).toMatch(/^Persistent=true$/m);
    expect(timerUnit()).toMatch(/^WantedBy=timers.target$/m);
    expect(() => serviceUnit({ bucket: 'b1\nExecStart=/bin/sh', region: 'us-east-2' })).toThrow(/quote/);
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
