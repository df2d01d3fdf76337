import { readFileSync } from 'node:fs';
import { restoreTarget } from '../../../src/tasks/backup/restore-targets.js';
import { cliEnv } from '../../helpers/cli.js';
import type { LabRun } from '../lab-run.js';
import { DB_HOST, gatewayLog, SUFFIX } from './journey.js';

/** What the backup cases (backup.ts, backup-failures.ts) look at besides the tool: MariaDB, S3 and IAM, the gateway log. */

export const ROLE = `aws-runbook-${SUFFIX.toLowerCase()}-us-east-2-db-backup`;
export const BACKUP_STEPS = ['backup.iam-role', 'backup.instance-profile', 'backup.profile-association', 'backup.client-tools', 'backup.db-user', 'backup.timer'];

/** SQL as the master user from the db host itself (the password in the environment, SQL on stdin). */
export async function sql(run: LabRun, statements: string, database = ''): Promise<string[]> {
  const result = await run.lab.exec('db', `mariadb -h ${DB_HOST} -u ${run.lab.db.adminUser} -N -B ${database}`, {
    input: statements,
    env: { MYSQL_PWD: run.lab.db.adminPassword() },
    timeoutMs: 60_000,
  });
  if (result.exitCode !== 0) throw new Error(`SQL failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

/**
 * SQL as an app's own database user, from its own host, in its database (the password read from the app's
 * env file on the host, with the function the restore uses: the file's key names are the app steps' business).
 */
export async function sqlAsApp(run: LabRun, database: 'shop' | 'wordpress', statements: string): Promise<string[]> {
  const target = restoreTarget(database);
  const password = target?.password(readFileSync(run.lab.hostPath(target.host, target.envPath), 'utf8'));
  if (!target || !password) throw new Error(`no database password for ${database} in its env file`);
  const result = await run.lab.exec(target.host, `mariadb -h ${DB_HOST} -u ${target.user} -N -B ${database}`, { input: statements, env: { MYSQL_PWD: password }, timeoutMs: 120_000 });
  if (result.exitCode !== 0) throw new Error(`SQL as ${target.user} failed: ${result.stderr}`);
  return result.stdout.split('\n').filter(Boolean);
}

/**
 * Who logged in to MariaDB while `action` ran (its general log's Connect lines: `user@address as … on db`),
 * leaving out the harness's own admin sessions from the database host itself.
 */
export async function connectsDuring<T>(run: LabRun, action: () => Promise<T>): Promise<{ value: T; connects: string[] }> {
  await sql(run, "SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 'ON';");
  let value: T;
  try {
    value = await action();
  } finally {
    await sql(run, "SET GLOBAL general_log = 'OFF';");
  }
  const connects = await sql(run, "SELECT argument FROM mysql.general_log WHERE command_type = 'Connect';");
  return { value, connects: connects.filter((c) => !c.startsWith(`${run.lab.db.adminUser}@${DB_HOST} `)) };
}

/** The aws CLI in the operator namespace, against the sandbox. */
export async function aws(run: LabRun, args: string[], encoding: 'utf8' | 'buffer' = 'utf8') {
  const env = { ...cliEnv(), AWS_DEFAULT_REGION: 'us-east-2' };
  return run.lab.runInOperator('aws', [...args, '--endpoint-url', run.endpoint], { env, extendEnv: false, reject: false, encoding, timeout: 60_000 });
}
export async function awsJson<T>(run: LabRun, args: string[]): Promise<T> {
  const result = await aws(run, [...args, '--output', 'json']);
  if (result.exitCode !== 0) throw new Error(`aws ${args.join(' ')}: ${String(result.stderr)}`);
  return (String(result.stdout).trim() ? JSON.parse(String(result.stdout)) : {}) as T;
}

/** The backup bucket, as the up recorded it. */
export async function bucketOf(run: LabRun): Promise<string> {
  return (await run.state()).steps['storage.bucket']?.outputs?.['bucketName'] ?? '';
}
export async function listKeys(run: LabRun, prefix: string): Promise<{ Key: string; Size: number }[]> {
  const bucket = await bucketOf(run);
  return (await awsJson<{ Contents?: { Key: string; Size: number }[] }>(run, ['s3api', 'list-objects-v2', '--bucket', bucket, '--prefix', prefix])).Contents ?? [];
}
export async function pendingUploads(run: LabRun): Promise<{ Key: string }[]> {
  return (await awsJson<{ Uploads?: { Key: string }[] }>(run, ['s3api', 'list-multipart-uploads', '--bucket', await bucketOf(run)])).Uploads ?? [];
}

/** Gateway log entries (S3 actions) after sequence number `since`. */
export async function s3ActionsSince(run: LabRun, since: number): Promise<string[]> {
  return (await gatewayLog(run)).filter((e) => e.seq > since && e.service === 's3').map((e) => e.action);
}
export async function lastSeq(run: LabRun): Promise<number> {
  return (await gatewayLog(run)).at(-1)?.seq ?? 0;
}
