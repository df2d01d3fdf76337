import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { SUFFIX, type GetJourney, type ToolResult } from './journey.js';
import { aws, awsJson, BACKUP_STEPS, bucketOf, listKeys, ROLE, sql } from './backup-tools.js';

/**
 * Backups in the lab: the dump runs on the shop host (ecommerce) against the lab's real MariaDB over real
 * SSH through the bastion; the upload goes from the tool (operator namespace) to the sandbox's S3 (moto),
 * so objects really land there. The backup section's IAM role, instance profile and association live in
 * moto; its timer on the host (systemctl is the lab's recording stand-in). Failures: backup-failures.ts.
 */

const KEY = /^backups\/labbackup\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.sql\.gz$/;
const PROJECT = SUFFIX.toLowerCase();

/** Before anything exists. */
export function backupBeforeUp(j: GetJourney): void {
  it('before up, backup exits 2 naming what is missing and the sections to run first', async () => {
    const early: ToolResult = await j().tool(['backup']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/needs the backup bucket, the database endpoint, the database master secret, the shop instance, the shop host's SSH host keys/);
    expect(early.stderr).toMatch(/Run `aws-runbook up --only storage,database,compute,hosts` first/);
  });
}

/** On what the one up did. */
export function backupAfterUp(j: GetJourney): void {
  it('up built the backup section: a role limited to PutObject on backups/, its profile on the shop instance', async () => {
    const { run } = j();
    const state = await run.state();
    const bucket = await bucketOf(run);
    for (const id of BACKUP_STEPS) expect(state.steps[id]?.status, id).toBe('done');
    // Read-only questions, asked all at once (each aws CLI start takes a while).
    const [inline, policy, attached, role, tags, profile, associations] = await Promise.all([
      awsJson<{ PolicyNames: string[] }>(run, ['iam', 'list-role-policies', '--role-name', ROLE]),
      awsJson<{ PolicyDocument: unknown }>(run, ['iam', 'get-role-policy', '--role-name', ROLE, '--policy-name', 'put-db-dumps']),
      awsJson<{ AttachedPolicies: unknown[] }>(run, ['iam', 'list-attached-role-policies', '--role-name', ROLE]),
      awsJson<{ Role: { AssumeRolePolicyDocument: { Statement: { Principal: unknown }[] } } }>(run, ['iam', 'get-role', '--role-name', ROLE]),
      awsJson<{ Tags: { Key: string; Value: string }[] }>(run, ['iam', 'list-role-tags', '--role-name', ROLE]),
      awsJson<{ InstanceProfile: { Arn: string; Roles: { RoleName: string }[] } }>(run, ['iam', 'get-instance-profile', '--instance-profile-name', ROLE]),
      awsJson<{ IamInstanceProfileAssociations: { InstanceId: string; State: string; IamInstanceProfile: { Arn: string } }[] }>(run, ['ec2', 'describe-iam-instance-profile-associations']),
    ]);
    expect(inline.PolicyNames).toEqual(['put-db-dumps']);
    expect(policy.PolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [{ Sid: 'PutDbDumps', Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${bucket}/backups/*` }],
    });
    expect(attached.AttachedPolicies).toEqual([]);
    expect(role.Role.AssumeRolePolicyDocument.Statement.map((s) => s.Principal)).toEqual([{ Service: 'ec2.amazonaws.com' }]);
    expect(tags.Tags).toContainEqual({ Key: 'aws-runbook:project', Value: PROJECT });

    expect(profile.InstanceProfile.Roles.map((r) => r.RoleName)).toEqual([ROLE]);
    const instanceId = state.steps['compute.ecommerce']?.outputs?.['instanceId'] ?? '';
    expect(associations.IamInstanceProfileAssociations.map((a) => [a.InstanceId, a.State, a.IamInstanceProfile.Arn])).toEqual([
      [instanceId, 'associated', profile.InstanceProfile.Arn],
    ]);
  });

  it('the daily timer is written and enabled, and its read-only database account logs in from a 0600 file', async () => {
    const { run } = j();
    const timer = readFileSync(run.lab.hostPath('ecommerce', '/etc/systemd/system/aws-runbook-db-backup.timer'), 'utf8');
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* 03:00:00 UTC$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    const service = readFileSync(run.lab.hostPath('ecommerce', '/etc/systemd/system/aws-runbook-db-backup.service'), 'utf8');
    expect(service).toContain(`Environment=BUCKET=${await bucketOf(run)}\n`);
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
}

/**
 * The one `backup` of the journey (verify.ts's storage checks read the dumps it leaves), then a restore of
 * one of them into a scratch database.
 */
export function backupStreams(j: GetJourney): void {
  beforeAll(async () => {
    // A database with a bit of everything a dump must carry: awkward strings, NULLs, binary, a trigger, a routine, an event.
    await sql(
      j().run,
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
  }, 60_000);

  it('backup streams every application database into the bucket; labbackup restores into a scratch database with the same rows', async () => {
    const { run, tool } = j();
    const bucket = await bucketOf(run);
    const result = await tool(['backup']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const applications = (await sql(run, 'SHOW DATABASES;')).filter((db) => !['information_schema', 'mysql', 'performance_schema', 'sys'].includes(db));
    expect(applications).toContain('labbackup');
    const all = await listKeys(run, 'backups/');
    for (const db of applications) expect(all.filter((o) => o.Key.startsWith(`backups/${db}/`)).length, db).toBe(1);
    expect(result.stdout).toContain(`${applications.length} of ${applications.length} database(s) backed up to s3://${bucket}/.`);
    const objects = all.filter((o) => o.Key.startsWith('backups/labbackup/'));
    expect(objects).toHaveLength(1);
    const object = objects[0]!;
    expect(object.Key).toMatch(KEY);
    expect(result.stdout).toContain(`Uploaded s3://${bucket}/${object.Key}: ${object.Size} bytes`);

    const download = await aws(run, ['s3', 'cp', `s3://${bucket}/${object.Key}`, '-'], 'buffer');
    expect(download.exitCode).toBe(0);
    const dump = gunzipSync(download.stdout as unknown as Buffer).toString('utf8');
    expect(dump).toMatch(/-- Dump completed on/);
    await sql(run, 'DROP DATABASE IF EXISTS scratch; CREATE DATABASE scratch;');
    await sql(run, dump, 'scratch');

    const rows = 'SELECT id, customer, total, note, HEX(raw) FROM orders ORDER BY id;';
    const original = await sql(run, rows, 'labbackup');
    expect(original).toHaveLength(2002);
    expect(await sql(run, rows, 'scratch')).toEqual(original);
    expect(await sql(run, 'SELECT order_count();', 'scratch')).toEqual(['2002']);
    expect(await sql(run, "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'scratch';")).toEqual(['orders_audit']);
    expect(await sql(run, "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'scratch';")).toEqual(['nightly']);
  }, 90_000);
}

/** On the one rerun. */
export function backupRerun(j: GetJourney): void {
  it('the rerun left the backup section as it is: no-change, no IAM or EC2 change, nothing run on the host', async () => {
    const { run } = j();
    const { result, since, callsBefore, gatewayLog } = j().rerun();
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const id of BACKUP_STEPS) expect(result.stdout).toMatch(new RegExp(`✓ ${id.replace('.', '\\.')}\\s+no-change`));
    const changes = gatewayLog.filter((e) => e.seq > since && e.mutating && (e.service === 'iam' || /IamInstanceProfile/.test(e.action)));
    expect(changes.map((e) => e.action)).toEqual([]);
    const newCalls = (await run.lab.calls('ecommerce')).slice(callsBefore.ecommerce).map((c) => c.argv.join(' '));
    // Only questions: no install, no enable, no daemon-reload, no upload (docker belongs to the shop's steps).
    expect(newCalls.filter((c) => /^(apt-get|apt|aws) /.test(c) || (/^systemctl /.test(c) && !/^systemctl is-(enabled|active) /.test(c)))).toEqual([]);
  });
}

/** Destructive: the backup section is gone afterwards (only the cases with projects of their own run after it). */
export function backupDown(j: GetJourney): void {
  it('down --only backup removes the association, profile and role, the timer and the database account; the dumps stay', async () => {
    const { run, tool } = j();
    const callsBefore = (await run.lab.calls('ecommerce')).length;
    const result = await tool(['down', '--yes', '--only', 'backup']);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect((await aws(run, ['iam', 'get-role', '--role-name', ROLE])).stderr).toMatch(/NoSuchEntity/);
    expect((await aws(run, ['iam', 'get-instance-profile', '--instance-profile-name', ROLE])).stderr).toMatch(/NoSuchEntity/);
    expect((await awsJson<{ IamInstanceProfileAssociations: unknown[] }>(run, ['ec2', 'describe-iam-instance-profile-associations'])).IamInstanceProfileAssociations).toEqual([]);

    const newCalls = (await run.lab.calls('ecommerce')).slice(callsBefore).map((c) => c.argv.join(' '));
    expect(newCalls).toContain('systemctl disable --now aws-runbook-db-backup.timer');
    expect(newCalls).toContain('systemctl daemon-reload');
    for (const path of ['/etc/systemd/system/aws-runbook-db-backup.timer', '/etc/systemd/system/aws-runbook-db-backup.service', '/usr/local/bin/aws-runbook-db-backup', '/etc/aws-runbook/db-backup.cnf']) {
      expect(existsSync(run.lab.hostPath('ecommerce', path)), path).toBe(false);
    }
    expect(await sql(run, "SELECT COUNT(*) FROM mysql.user WHERE User = 'awsrb_backup';")).toEqual(['0']);
    expect(await listKeys(run, 'backups/labbackup/')).toHaveLength(1);
    const state = await run.state();
    expect(Object.keys(state.steps).filter((id) => id.startsWith('backup.'))).toEqual([]);
  }, 60_000);
}
