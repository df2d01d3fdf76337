import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { beforeAll, expect, it } from 'vitest';
import { gatewayLog, SUFFIX, type GetJourney, type ToolResult } from './journey.js';
import { aws, awsJson, BACKUP_STEPS, bucketOf, connectsDuring, lastSeq, listKeys, ROLE, sql, sqlAsApp } from './backup-tools.js';
import { restoreRoundTrip } from './restore.js';

/**
 * Backups in the lab: the dump runs on the shop host (ecommerce) against the lab's real MariaDB over real
 * SSH through the bastion; the upload goes from the tool (operator namespace) to the sandbox's S3 (moto),
 * so objects really land there. The backup section's IAM role, instance profile and association live in
 * moto; its timer on the host (systemctl is the lab's recording stand-in). The timer's own upload cannot
 * run here (the lab's hosts reach no S3 and no metadata service): its dumps use the same account, option
 * file and flags as `aws-runbook backup`, proven here; its signed upload is tested in
 * test/tasks/backup/timer-script.test.ts. Failures: backup-failures.ts; restore: restore.ts.
 */

const KEY = /^backups\/(shop|wordpress)\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\.sql\.gz$/;
const PROJECT = SUFFIX.toLowerCase();

/** Before anything exists. */
export function backupBeforeUp(j: GetJourney): void {
  it('before up, backup exits 2 naming what is missing and the sections to run first', async () => {
    const early: ToolResult = await j().tool(['backup']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/needs the backup bucket, the shop instance, the shop host's SSH host keys, the backup database account/);
    expect(early.stderr).toMatch(/Run `aws-runbook up --only storage,compute,hosts,backup` first/);
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

  it('the daily timer is written and enabled, needs no awscli, and its database account may read the app databases only', async () => {
    const { run } = j();
    const timer = readFileSync(run.lab.hostPath('ecommerce', '/etc/systemd/system/aws-runbook-db-backup.timer'), 'utf8');
    expect(timer).toMatch(/^OnCalendar=\*-\*-\* 03:00:00 UTC$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    const service = readFileSync(run.lab.hostPath('ecommerce', '/etc/systemd/system/aws-runbook-db-backup.service'), 'utf8');
    expect(service).toContain(`Environment=BUCKET=${await bucketOf(run)}\n`);
    expect(service).toContain('ExecStart=/usr/local/bin/aws-runbook-db-backup\n');
    expect(service).toContain('Environment=REGION=us-east-2\n');
    const script = readFileSync(run.lab.hostPath('ecommerce', '/usr/local/bin/aws-runbook-db-backup'), 'utf8');
    expect(statSync(run.lab.hostPath('ecommerce', '/usr/local/bin/aws-runbook-db-backup')).mode & 0o777).toBe(0o755);
    expect(script).toContain('--aws-sigv4 "aws:amz:$REGION:s3"');
    expect(script).not.toMatch(/\baws s3\b/);

    // Nothing outside noble's archive was asked for (the lab's apt refuses awscli as noble's does).
    const calls = (await run.lab.calls('ecommerce')).map((c) => c.argv.join(' '));
    expect(calls).toContain('systemctl enable --now aws-runbook-db-backup.timer');
    expect(calls.filter((c) => /awscli|aws-cli|^snap /.test(c))).toEqual([]);
    expect((await run.lab.exec('ecommerce', 'systemctl is-enabled aws-runbook-db-backup.timer')).stdout).toBe('enabled');

    const cnf = statSync(run.lab.hostPath('ecommerce', '/etc/aws-runbook/db-backup.cnf'));
    expect([cnf.mode & 0o777, cnf.uid]).toEqual([0o600, 0]);
    const grants = await run.lab.exec('ecommerce', "mariadb --defaults-extra-file=/etc/aws-runbook/db-backup.cnf -N -B -e 'SHOW GRANTS'");
    expect(grants.exitCode).toBe(0);
    // Nothing global (USAGE), exactly the dump's privileges on shop and on wordpress, nothing on mysql (the password hash cut off).
    const lines = grants.stdout.split('\n').map((line) => line.replace(/ IDENTIFIED BY .*$/, ''));
    expect(lines).toEqual([
      'GRANT USAGE ON *.* TO `awsrb_backup`@`%`',
      'GRANT SELECT, LOCK TABLES, SHOW VIEW, EVENT, TRIGGER ON `shop`.* TO `awsrb_backup`@`%`',
      'GRANT SELECT, LOCK TABLES, SHOW VIEW, EVENT, TRIGGER ON `wordpress`.* TO `awsrb_backup`@`%`',
    ]);
    const mysql = await run.lab.exec('ecommerce', "mariadb --defaults-extra-file=/etc/aws-runbook/db-backup.cnf -N -B -e 'SELECT COUNT(*) FROM mysql.user'");
    expect(mysql.exitCode).toBe(1);
    expect(mysql.stderr).toMatch(/SELECT command denied to user 'awsrb_backup'@'10\.1\.1\.10' for table .*user/);
  });
}

/**
 * The one `backup` of the journey (verify.ts's storage checks read the dumps it leaves), then `restore`
 * round trips (restore.ts). The data is the apps' own: made by each app's user in its database, with a bit
 * of everything a dump must carry (awkward strings, NULLs, binary, a trigger, an event).
 */
export function backupStreams(j: GetJourney): void {
  beforeAll(async () => {
    await sqlAsApp(
      j().run,
      'shop',
      [
        'CREATE TABLE lab_orders (id INT PRIMARY KEY, customer VARCHAR(200), total DECIMAL(10,2), note TEXT NULL, raw VARBINARY(64));',
        "INSERT INTO lab_orders VALUES (1, 'Zoë O''Brien', 12.50, 'line one\\nline two', UNHEX('00FF10')), (2, 'back\\\\slash `tick` \"quote\"', 0.99, NULL, NULL);",
        "INSERT INTO lab_orders SELECT seq + 2, CONCAT('customer ', seq), seq / 7, REPEAT('x', seq % 50), RANDOM_BYTES(16) FROM seq_1_to_2000;",
        'CREATE TABLE lab_audit (order_id INT, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);',
        'CREATE TRIGGER lab_orders_audit AFTER INSERT ON lab_orders FOR EACH ROW INSERT INTO lab_audit (order_id) VALUES (NEW.id);',
        'CREATE EVENT lab_nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM lab_audit;',
      ].join('\n'),
    );
    await sqlAsApp(j().run, 'wordpress', "CREATE TABLE lab_posts (id INT PRIMARY KEY, title VARCHAR(200), body MEDIUMTEXT); INSERT INTO lab_posts SELECT seq, CONCAT('post ', seq), REPEAT('Lorem ipsum ', seq % 100) FROM seq_1_to_500;");
  }, 60_000);

  it('backup streams shop and wordpress into the bucket as the backup account: the master secret is never read, the master never logs in', async () => {
    const { run, tool } = j();
    const bucket = await bucketOf(run);
    const since = await lastSeq(run);
    const { value: result, connects } = await connectsDuring(run, () => tool(['backup']));
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toContain(`2 of 2 database(s) backed up to s3://${bucket}/.`);
    expect(connects.length).toBeGreaterThanOrEqual(3);
    expect(connects.filter((c) => !c.startsWith('awsrb_backup@10.1.1.10 '))).toEqual([]);
    const secretReads = (await gatewayLog(run)).filter((e) => e.seq > since && e.service === 'secretsmanager');
    expect(secretReads.map((e) => e.action)).toEqual([]);

    const all = await listKeys(run, 'backups/');
    expect(all.map((o) => o.Key.replace(/\/[^/]+$/, '')).sort()).toEqual(['backups/shop', 'backups/wordpress']);
    for (const object of all) {
      expect(object.Key).toMatch(KEY);
      expect(result.stdout).toContain(`Uploaded s3://${bucket}/${object.Key}: ${object.Size} bytes`);
    }
    const shopKey = all.find((o) => o.Key.startsWith('backups/shop/'))?.Key ?? '';
    const download = await aws(run, ['s3', 'cp', `s3://${bucket}/${shopKey}`, '-'], 'buffer');
    expect(download.exitCode).toBe(0);
    const dump = gunzipSync(download.stdout as unknown as Buffer).toString('utf8');
    expect(dump).toMatch(/-- Dump completed on/);
    expect(dump).toContain('INSERT INTO `lab_orders` VALUES');
    expect(dump).toContain("(1,'Zoë O\\'Brien',12.50,'line one\\nline two',0x00FF10)");
    expect(dump).toMatch(/TRIGGER lab_orders_audit AFTER INSERT ON lab_orders/);
    expect(dump).toMatch(/EVENT `lab_nightly` ON SCHEDULE EVERY 1 DAY/);
    // One database, restored into whichever database the client names: no CREATE DATABASE, no USE.
    expect(dump).not.toMatch(/^(CREATE DATABASE|USE )/m);
  }, 90_000);

  restoreRoundTrip(j);
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
    const dumpsBefore = (await listKeys(run, 'backups/shop/')).length;
    expect(dumpsBefore).toBeGreaterThan(0);
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
    expect(await listKeys(run, 'backups/shop/')).toHaveLength(dumpsBefore);
    const state = await run.state();
    expect(Object.keys(state.steps).filter((id) => id.startsWith('backup.'))).toEqual([]);
  }, 60_000);
}
