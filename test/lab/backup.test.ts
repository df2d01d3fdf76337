import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopTestInput } from '../fixtures/shop/index.js';
import { assertNoRefusedConnects, CLI, cliEnv } from '../helpers/cli.js';
import { labToolEnv, startLabRun, type LabRun } from './lab-run.js';

/**
 * Backups in the lab: the dump runs on the shop host (ecommerce) against the lab's real MariaDB over real
 * SSH through the bastion; the upload goes from the tool (operator namespace) to the sandbox's S3 (moto),
 * so objects really land there. The backup section's IAM role, instance profile and association live in
 * moto; its timer on the host (systemctl is the lab's recording stand-in).
 */

const DB_HOST = '10.1.2.10';
const ROLE = 'aws-runbook-labbackup-us-east-2-db-backup';
const KEY = /^backups\/labbackup\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.sql\.gz$/;

let run: LabRun;
let bucket: string;
/** `backup` before anything was built. */
let early: { code: number; stdout: string; stderr: string };
const input = shopTestInput();
/** Everything the tool printed in this file. */
const printed: string[] = [];

async function tool(args: string[]) {
  const result = await run.tool(args, { env: input.env });
  printed.push(result.stdout, result.stderr);
  return result;
}

/** SQL as the master user from the db host itself (the password in the environment, SQL on stdin). */
async function sql(statements: string, database = ''): Promise<string[]> {
  const result = await run.lab.exec('db', `mariadb -h ${DB_HOST} -u ${run.lab.db.adminUser} -N -B ${database}`, {
    input: statements,
    env: { MYSQL_PWD: run.lab.db.adminPassword() },
    timeoutMs: 60_000,
  });
  if (result.exitCode !== 0) throw new Error(`SQL failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

/** The aws CLI in the operator namespace, against the sandbox. */
async function aws(args: string[], encoding: 'utf8' | 'buffer' = 'utf8') {
  const env = { ...cliEnv(), AWS_DEFAULT_REGION: 'us-east-2' };
  return run.lab.runInOperator('aws', [...args, '--endpoint-url', run.endpoint], { env, extendEnv: false, reject: false, encoding, timeout: 60_000 });
}
async function awsJson<T>(args: string[]): Promise<T> {
  const result = await aws([...args, '--output', 'json']);
  if (result.exitCode !== 0) throw new Error(`aws ${args.join(' ')}: ${String(result.stderr)}`);
  return (String(result.stdout).trim() ? JSON.parse(String(result.stdout)) : {}) as T;
}
const listKeys = async (prefix: string) =>
  ((await awsJson<{ Contents?: { Key: string; Size: number }[] }>(['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix])).Contents ?? []);
const pendingUploads = async () => (await awsJson<{ Uploads?: { Key: string }[] }>(['s3api', 'list-multipart-uploads', '--bucket', bucket])).Uploads ?? [];

/** Gateway log entries (S3 multipart actions) after sequence number `since`. */
async function s3ActionsSince(since: number): Promise<string[]> {
  const snapshot = (await run.control('GET', 'log')) as { log: { seq: number; service: string; action: string }[] };
  return snapshot.log.filter((e) => e.seq > since && e.service === 's3').map((e) => e.action);
}
async function lastSeq(): Promise<number> {
  const snapshot = (await run.control('GET', 'log')) as { log: { seq: number }[] };
  return snapshot.log.at(-1)?.seq ?? 0;
}

beforeAll(async () => {
  run = await startLabRun({ suffix: 'LabBackup', configYaml: input.configYaml });
  early = await tool(['backup']);
  const up = await tool(['up', '--yes']);
  if (up.code !== 0) throw new Error(`up --yes failed (${up.code}):\n${up.stdout}\n${up.stderr}`);
  bucket = (await run.state()).steps['storage.bucket']?.outputs?.['bucketName'] ?? '';
  // A database with a bit of everything a dump must carry: awkward strings, NULLs, binary, a trigger, a routine, an event.
  await sql(
    [
      'CREATE DATABASE labbackup;',
      'USE labbackup;',
      'CREATE TABLE orders (id INT PRIMARY KEY, customer VARCHAR(200), total DECIMAL(10,2), note TEXT NULL, raw VARBINARY(64));',
      "INSERT INTO orders VALUES (1, 'Zoë O''Brien', 12.50, 'line one\\nline two', UNHEX('00FF10')), (2, 'back\\\\slash `tick` \"quote\"', 0.99, NULL, NULL);",
      'INSERT INTO orders SELECT seq + 2, CONCAT(\'customer \', seq), seq / 7, REPEAT(\'x\', seq % 50), RANDOM_BYTES(16) FROM seq_1_to_2000;',
      'CREATE TABLE audit (order_id INT, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);',
      'CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW INSERT INTO audit (order_id) VALUES (NEW.id);',
      'CREATE FUNCTION order_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM orders);',
      'CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit;',
    ].join('\n'),
  );
}, 180_000);

afterAll(async () => {
  await run?.stop();
});

describe('aws-runbook backup in the lab', () => {
  it('before up, backup exits 2 naming what is missing and the sections to run first', () => {
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/needs the backup bucket, the database endpoint, the database master secret, the shop instance, the shop host's SSH host keys/);
    expect(early.stderr).toMatch(/Run `aws-runbook up --only storage,database,compute,hosts` first/);
  });

  it('up built the backup section: a role limited to PutObject on backups/, its profile on the shop instance', async () => {
    const state = await run.state();
    for (const id of ['backup.iam-role', 'backup.instance-profile', 'backup.profile-association', 'backup.client-tools', 'backup.db-user', 'backup.timer']) {
      expect(state.steps[id]?.status, id).toBe('done');
    }
    const inline = await awsJson<{ PolicyNames: string[] }>(['iam', 'list-role-policies', '--role-name', ROLE]);
    expect(inline.PolicyNames).toEqual(['put-db-dumps']);
    const policy = await awsJson<{ PolicyDocument: unknown }>(['iam', 'get-role-policy', '--role-name', ROLE, '--policy-name', 'put-db-dumps']);
    expect(policy.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'PutDbDumps', Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/backups/*` }],
    });
    expect((await awsJson<{ AttachedPolicies: unknown[] }>(['iam', 'list-attached-role-policies', '--role-name', ROLE])).AttachedPolicies).toEqual([]);
    const role = await awsJson<{ Role: { AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] } } }>(['iam', 'get-role', '--role-name', ROLE]);
    expect(role.Role.AssumeRolePolicyDocument.Statement.map((s) => s.Principal)).toEqual([{ Service: 'ec2.amazonaws.com' }]);
    const tags = await awsJson<{ Tags: { Key: string; Value: string }[] }>(['iam', 'list-role-tags', '--role-name', ROLE]);
    expect(tags.Tags).toContainEqual({ Key: 'aws-runbook:project', Value: 'labbackup' });

    const profile = await awsJson<{ InstanceProfile: { Arn: string; Roles: { RoleName: string }[] } }>(['iam', 'get-instance-profile', '--instance-profile-name', ROLE]);
    expect(profile.InstanceProfile.Roles.map((r) => r.RoleName)).toEqual([ROLE]);
    const instanceId = state.steps['compute.ecommerce']?.outputs?.['instanceId'] ?? '';
    const associations = await awsJson<{ IamInstanceProfileAssociations: { InstanceId: string; State: string; IamInstanceProfile: { Arn: string } }[] }>([
      'ec2',
      'describe-iam-instance-profile-associations',
    ]);
    expect(associations.IamInstanceProfileAssociations.map((a) => [a.InstanceId, a.State, a.IamInstanceProfile.Arn])).toEqual([
      [instanceId, 'associated', profile.InstanceProfile.Arn],
    ]);
  });

  it('the daily timer is written and enabled, and its read-only database account logs in from a 0600 file', async () => {
    const timer = readFileSync(run.lab.hostPath('ecommerce', '/etc/systemd/system/aws-runbook-db-backup.timer'), 'utf8');
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* 03:00:00 UTC$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    const service = readFileSync(run.lab.hostPath('ecommerce', '/etc/systemd/system/aws-runbook-db-backup.service'), 'utf8');
    expect(service).toContain(`Environment=BUCKET=${bucket}\n`);
    expect(service).toContain('ExecStart=/usr/local/bin/aws-runbook-db-backup\n');
    expect(statSync(run.lab.hostPath('ecommerce', '/usr/local/bin/aws-runbook-db-backup')).mode & 0o777).toBe(0o755);

    const calls = (await run.lab.calls('ecommerce')).map((c) => c.argv.join(' '));
    expect(calls).toContain('systemctl enable --now aws-runbook-db-backup.timer');
    expect(calls.some((c) => /^apt-get .*install .*awscli/.test(c))).toBe(true);
    expect((await run.lab.exec('ecommerce', 'systemctl is-enabled aws-runbook-db-backup.timer')).stdout).toBe('enabled');

    const cnf = statSync(run.lab.hostPath('ecommerce', '/etc/aws-runbook/db-backup.cnf'));
    expect([cnf.mode & 0o777, cnf.uid]).toEqual([0o600, 0]);
    const grants = await run.lab.exec('ecommerce', "mariadb --defaults-extra-file=/etc/aws-runbook/db-backup.cnf -N -B -e 'SHOW GRANTS'");
    expect(grants.exitCode).toBe(0);
    // One GRANT line, global, exactly the dump's privileges (the password hash cut off before comparing).
    const lines = grants.stdout.split('\n').map((line) => line.replace(/ IDENTIFIED BY .*$/, ''));
    expect(lines).toHaveLength(1);
    const match = /^GRANT (.*) ON \*\.\* TO `awsrb_backup`@`%`$/.exec(lines[0] ?? '');
    expect(match?.[1]?.split(', ').sort()).toEqual(['EVENT', 'LOCK TABLES', 'SELECT', 'SHOW VIEW', 'TRIGGER']);
  });

  it('backup streams every application database into the bucket; labbackup restores into a scratch database with the same rows', async () => {
    const result = await tool(['backup']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const applications = (await sql('SHOW DATABASES;')).filter((db) => !['information_schema', 'mysql', 'performance_schema', 'sys'].includes(db));
    expect(applications).toContain('labbackup');
    const all = await listKeys('backups/');
    for (const db of applications) expect(all.filter((o) => o.Key.startsWith(`backups/${db}/`)).length, db).toBe(1);
    expect(result.stdout).toContain(`${applications.length} of ${applications.length} database(s) backed up to s3://${bucket}/.`);
    const objects = all.filter((o) => o.Key.startsWith('backups/labbackup/'));
    expect(objects).toHaveLength(1);
    const object = objects[0]!;
    expect(object.Key).toMatch(KEY);
    expect(result.stdout).toContain(`Uploaded s3://${bucket}/${object.Key}: ${object.Size} bytes`);

    const download = await aws(['s3', 'cp', `s3://${bucket}/${object.Key}`, '-'], 'buffer');
    expect(download.exitCode).toBe(0);
    const dump = gunzipSync(download.stdout as unknown as Buffer).toString('utf8');
    expect(dump).toMatch(/-- Dump completed on/);
    await sql('DROP DATABASE IF EXISTS scratch; CREATE DATABASE scratch;');
    await sql(dump, 'scratch');

    const rows = 'SELECT id, customer, total, note, HEX(raw) FROM orders ORDER BY id;';
    const original = await sql(rows, 'labbackup');
    expect(original).toHaveLength(2002);
    expect(await sql(rows, 'scratch')).toEqual(original);
    expect(await sql('SELECT order_count();', 'scratch')).toEqual(['2002']);
    expect(await sql("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'scratch';")).toEqual(['orders_audit']);
    expect(await sql("SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'scratch';")).toEqual(['nightly']);
  }, 60_000);

  it('a dump that fails (unknown database) exits 1 and leaves no object and no pending upload', async () => {
    const result = await tool(['backup', '--database', 'nosuchdb']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the backup of database nosuchdb failed: "mariadb-dump nosuchdb \| gzip" failed on ecommerce .*with exit code 2/);
    expect(result.stderr).toMatch(/Unknown database 'nosuchdb'/);
    expect(await listKeys('backups/nosuchdb/')).toEqual([]);
    expect(await pendingUploads()).toEqual([]);
  }, 60_000);

  it('a dump that fails after several parts were uploaded aborts the multipart upload: no object, nothing pending', async () => {
    // ~18 MB of random bytes (36 MB of hex: 2-3 parts of 8 MiB once gzipped), then a view over a dropped
    // table: mariadb-dump writes every table's rows, then fails on the view (exit 2) at the very end.
    await sql(
      [
        'CREATE DATABASE labbroken; USE labbroken;',
        'CREATE TABLE aa_big (id INT PRIMARY KEY, b VARBINARY(1024)) ENGINE=MyISAM;',
        'INSERT INTO aa_big SELECT seq, RANDOM_BYTES(1024) FROM seq_1_to_18000;',
        'CREATE TABLE gone (x INT); CREATE VIEW zz_broken AS SELECT x FROM gone; DROP TABLE gone;',
      ].join('\n'),
    );
    const since = await lastSeq();
    const result = await tool(['backup', '--database', 'labbroken']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/zz_broken/);
    const actions = await s3ActionsSince(since);
    expect(actions.filter((a) => a === 'CreateMultipartUpload')).toHaveLength(1);
    expect(actions.filter((a) => a === 'UploadPart').length).toBeGreaterThanOrEqual(2);
    expect(actions).toContain('AbortMultipartUpload');
    expect(actions).not.toContain('CompleteMultipartUpload');
    expect(actions).not.toContain('PutObject');
    expect(await listKeys('backups/labbroken/')).toEqual([]);
    expect(await pendingUploads()).toEqual([]);
  }, 60_000);

  it('Ctrl-C during a dump stops it on the host and aborts the upload: exit 130, no object, nothing pending', async () => {
    // ~80 MB of hex dump: several seconds of streaming, so the interrupt lands mid-stream.
    await sql('CREATE DATABASE labbig; USE labbig; CREATE TABLE blobs (id INT PRIMARY KEY, b VARBINARY(1024)) ENGINE=MyISAM; INSERT INTO blobs SELECT seq, RANDOM_BYTES(1024) FROM seq_1_to_40000;');
    const since = await lastSeq();
    const child = run.lab.runInOperator(process.execPath, [CLI, 'backup', '--database', 'labbig', '--endpoint-url', run.endpoint], {
      cwd: run.cwd,
      env: labToolEnv(),
      extendEnv: false,
      reject: false,
      timeout: 60_000,
    });
    let output = '';
    await new Promise<void>((resolve) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Dumping labbig')) resolve();
      });
    });
    // Until the first part is on its way: the multipart upload has begun.
    for (let i = 0; i < 100 && !(await s3ActionsSince(since)).includes('UploadPart'); i += 1) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const result = await child;
    printed.push(String(result.stdout), String(result.stderr));
    assertNoRefusedConnects(String(result.stderr));
    expect(result.exitCode, String(result.stderr)).toBe(130);
    expect(String(result.stderr)).toMatch(/Stopped: the dump in progress was cancelled and its upload aborted/);
    const actions = await s3ActionsSince(since);
    expect(actions).toContain('AbortMultipartUpload');
    expect(actions).not.toContain('CompleteMultipartUpload');
    expect(await listKeys('backups/labbig/')).toEqual([]);
    expect(await pendingUploads()).toEqual([]);
    // The dump on the host was stopped too (the channel's process group was signalled).
    let left = '';
    // Up to 15 s: on a loaded 2-core machine the TERM takes a while to travel through sshd and sudo.
    for (let i = 0; i < 150; i += 1) {
      left = (await run.lab.exec('ecommerce', 'pgrep -f "[m]ariadb-dump.*labbig" || true')).stdout.trim();
      if (!left) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(left).toBe('');
  }, 90_000);

  it('a rerun of up leaves the backup section as it is: no-change, no IAM or EC2 change, nothing run on the host', async () => {
    const callsBefore = (await run.lab.calls('ecommerce')).length;
    const since = await lastSeq();
    const result = await tool(['up', '--yes']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const id of ['backup.iam-role', 'backup.instance-profile', 'backup.profile-association', 'backup.client-tools', 'backup.db-user', 'backup.timer']) {
      expect(result.stdout).toMatch(new RegExp(`✓ ${id.replace('.', '\\.')}\\s+no-change`));
    }
    const snapshot = (await run.control('GET', 'log')) as { log: { seq: number; service: string; action: string; mutating: boolean }[] };
    const changes = snapshot.log.filter((e) => e.seq > since && e.mutating && (e.service === 'iam' || /IamInstanceProfile/.test(e.action)));
    expect(changes.map((e) => e.action)).toEqual([]);
    const newCalls = (await run.lab.calls('ecommerce')).slice(callsBefore).map((c) => c.argv.join(' '));
    // Only questions: no install, no enable, no daemon-reload, no upload (docker belongs to the shop's steps).
    expect(newCalls.filter((c) => /^(apt-get|apt|aws) /.test(c) || (/^systemctl /.test(c) && !/^systemctl is-(enabled|active) /.test(c)))).toEqual([]);
  }, 120_000);

  it('no secret appears in the tool output or the state', async () => {
    const state = readFileSync(`${run.cwd}/.aws-runbook/state.json`, 'utf8');
    const backupPassword = /password="([^"]+)"/.exec(readFileSync(run.lab.hostPath('ecommerce', '/etc/aws-runbook/db-backup.cnf'), 'utf8'))?.[1] ?? 'missing!';
    for (const [name, secret] of Object.entries({ master: run.lab.db.adminPassword(), backupAccount: backupPassword })) {
      expect(secret.length, name).toBeGreaterThanOrEqual(16);
      for (const text of [...printed, state]) expect(text.includes(secret), name).toBe(false);
    }
  });

  it('down --only backup removes the association, profile and role, the timer and the database account; the dumps stay', async () => {
    const callsBefore = (await run.lab.calls('ecommerce')).length;
    const result = await tool(['down', '--yes', '--only', 'backup']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect((await aws(['iam', 'get-role', '--role-name', ROLE])).stderr).toMatch(/NoSuchEntity/);
    expect((await aws(['iam', 'get-instance-profile', '--instance-profile-name', ROLE])).stderr).toMatch(/NoSuchEntity/);
    expect((await awsJson<{ IamInstanceProfileAssociations: unknown[] }>(['ec2', 'describe-iam-instance-profile-associations'])).IamInstanceProfileAssociations).toEqual([]);

    const newCalls = (await run.lab.calls('ecommerce')).slice(callsBefore).map((c) => c.argv.join(' '));
    expect(newCalls).toContain('systemctl disable --now aws-runbook-db-backup.timer');
    expect(newCalls).toContain('systemctl daemon-reload');
    for (const path of ['/etc/systemd/system/aws-runbook-db-backup.timer', '/etc/systemd/system/aws-runbook-db-backup.service', '/usr/local/bin/aws-runbook-db-backup', '/etc/aws-runbook/db-backup.cnf']) {
      expect(existsSync(run.lab.hostPath('ecommerce', path)), path).toBe(false);
    }
    expect(await sql("SELECT COUNT(*) FROM mysql.user WHERE User = 'awsrb_backup';")).toEqual(['0']);
    expect(await listKeys('backups/labbackup/')).toHaveLength(1);
    const state = await run.state();
    expect(Object.keys(state.steps).filter((id) => id.startsWith('backup.'))).toEqual([]);
  }, 60_000);
});
