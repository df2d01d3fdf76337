import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { LabError, run } from './netns.js';
import type { LabProcess } from './sshd.js';
import type { NodeSpec } from './topology.js';

/**
 * The db host: a real MariaDB server playing RDS, listening on its private address only. Like an RDS
 * instance it starts with one master account (`admin@'%'`) whose password the caller chose; the
 * password goes to the server on stdin, never on a command line or into a log.
 */

export const DB_PORT = 3306;
export const DB_ADMIN_USER = 'admin';

/** Small InnoDB files: the lab's database holds test rows, not 400 GB. */
const SMALL = ['--innodb-log-file-size=8M', '--innodb-buffer-pool-size=32M'];

const paths = (dir: string) => ({ data: join(dir, 'data'), socket: join(dir, 'mysqld.sock'), log: join(dir, 'mariadbd.log'), pid: join(dir, 'mariadbd.pid') });

/** The system tables (done before the network exists: bootstrap uses no network). */
export async function initDb(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await run('mariadb-install-db', ['--no-defaults', `--datadir=${paths(dir).data}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db', ...SMALL]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const escapeSql = (text: string) => text.replaceAll('\\', '\\\\').replaceAll("'", "\\'");

/** Starts mariadbd in the db namespace, waits until it answers, creates the master account. Returns its pid. */
export async function startDb(ns: string, dir: string, node: NodeSpec, adminPassword: string): Promise<LabProcess> {
  const p = paths(dir);
  const out = openSync(join(dir, 'start.log'), 'a');
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, 'mariadbd', '--no-defaults', `--datadir=${p.data}`, `--socket=${p.socket}`, `--pid-file=${p.pid}`, `--log-error=${p.log}`,
      `--bind-address=${node.privateAddress}`, `--port=${DB_PORT}`, '--user=root', '--skip-name-resolve', ...SMALL],
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  child.unref();
  let exited: number | null = null;
  const done = new Promise<void>((resolve) => child.once('exit', (code) => resolve(void (exited = code ?? -1))));
  const client = ['--no-defaults', `--socket=${p.socket}`, '-u', 'root'];
  for (let waited = 0; ; waited += 50) {
    const ping = await execa('mariadb-admin', [...client, 'ping'], { reject: false });
    if (ping.exitCode === 0) break;
    if (exited !== null || waited > 15_000) {
      const log = await readFile(p.log, 'utf8').catch(() => '');
      throw new LabError(`lab: MariaDB on the db host did not start (${exited === null ? 'no answer within 15 s' : `exit ${exited}`}): ${log.slice(-800)}`, `see ${p.log}`);
    }
    await sleep(50);
  }
  const sql = [
    `CREATE USER '${DB_ADMIN_USER}'@'%' IDENTIFIED BY '${escapeSql(adminPassword)}';`,
    `GRANT ALL PRIVILEGES ON *.* TO '${DB_ADMIN_USER}'@'%' WITH GRANT OPTION;`,
    'FLUSH PRIVILEGES;',
  ].join('\n');
  const created = await execa('mariadb', client, { input: sql, reject: false });
  // Its stderr may quote the statement (the password): say only that it failed.
  if (created.exitCode !== 0) throw new LabError('lab: creating the admin account on the db host failed', `run the lab again; MariaDB's log is ${p.log}`);
  return { pid: child.pid as number, exited: done };
}
