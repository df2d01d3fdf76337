import { expect, it } from 'vitest';
import { assertNoRefusedConnects, CLI } from '../../helpers/cli.js';
import type { GetJourney } from './journey.js';
import { lastSeq, listKeys, pendingUploads, s3ActionsSince, sql, sqlAsApp } from './backup-tools.js';
import { restoreInterrupted } from './restore.js';

/**
 * Backups that fail: a database the backup account may not read, a dump that breaks after several parts
 * were uploaded, Ctrl-C in the middle of a dump; then Ctrl-C in the middle of a restore. Each failed dump
 * leaves no object and no pending upload; the tables made to break a dump are dropped again afterwards.
 */
export function backupFailures(j: GetJourney): void {
  it('a dump of a database the backup account may not read exits 1 and leaves no object and no pending upload', async () => {
    const { run, tool } = j();
    await sql(run, 'CREATE DATABASE IF NOT EXISTS labother;');
    try {
      for (const database of ['nosuchdb', 'labother']) {
        const result = await tool(['backup', '--database', database]);
        expect(result.code).toBe(1);
        expect(result.stderr).toMatch(new RegExp(`the backup of database ${database} failed: "mariadb-dump ${database} \\| gzip" failed on ecommerce .*with exit code 2`));
        // The same answer whether it exists or not: the account sees the application databases only.
        expect(result.stderr).toContain(`Access denied for user 'awsrb_backup'@'%' to database '${database}'`);
        expect(result.stderr).toMatch(/the backup account awsrb_backup may read shop and wordpress only/);
        expect(await listKeys(run, `backups/${database}/`)).toEqual([]);
      }
      expect(await pendingUploads(run)).toEqual([]);
    } finally {
      await sql(run, 'DROP DATABASE IF EXISTS labother;');
    }
  }, 60_000);

  it('a dump that fails after several parts were uploaded aborts the multipart upload: no object, nothing pending', async () => {
    const { run, tool } = j();
    // In the shop's database, by its own user: ~18 MB of random bytes (36 MB of hex: 2-3 parts of 8 MiB
    // once gzipped), then a view over a dropped table: mariadb-dump writes every table's rows, then fails on
    // the view (exit 2) at the very end.
    await sqlAsApp(
      run,
      'shop',
      [
        'CREATE TABLE aa_lab_big (id INT PRIMARY KEY, b VARBINARY(1024)) ENGINE=MyISAM;',
        'INSERT INTO aa_lab_big SELECT seq, RANDOM_BYTES(1024) FROM seq_1_to_18000;',
        'CREATE TABLE lab_gone (x INT); CREATE VIEW zz_lab_broken AS SELECT x FROM lab_gone; DROP TABLE lab_gone;',
      ].join('\n'),
    );
    try {
      const dumpsBefore = await listKeys(run, 'backups/shop/');
      const since = await lastSeq(run);
      const result = await tool(['backup', '--database', 'shop']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/zz_lab_broken/);
      const actions = await s3ActionsSince(run, since);
      expect(actions.filter((a) => a === 'CreateMultipartUpload')).toHaveLength(1);
      expect(actions.filter((a) => a === 'UploadPart').length).toBeGreaterThanOrEqual(2);
      expect(actions).toContain('AbortMultipartUpload');
      expect(actions).not.toContain('CompleteMultipartUpload');
      expect(actions).not.toContain('PutObject');
      expect(await listKeys(run, 'backups/shop/')).toEqual(dumpsBefore);
      expect(await pendingUploads(run)).toEqual([]);
    } finally {
      await sqlAsApp(run, 'shop', 'DROP VIEW IF EXISTS zz_lab_broken; DROP TABLE IF EXISTS aa_lab_big;');
    }
  }, 60_000);

  it('Ctrl-C during a dump stops it on the host and aborts the upload: exit 130, no object, nothing pending', async () => {
    const { run, printed } = j();
    // ~80 MB of hex dump: several seconds of streaming, so the interrupt lands mid-stream.
    await sqlAsApp(run, 'wordpress', BIG_TABLE);
    try {
      const dumpsBefore = await listKeys(run, 'backups/wordpress/');
      const since = await lastSeq(run);
      const child = run.lab.runInOperator(process.execPath, [CLI, 'backup', '--database', 'wordpress', '--endpoint-url', run.endpoint], {
        cwd: run.cwd,
        env: run.toolEnv(),
        extendEnv: false,
        reject: false,
        timeout: 60_000,
      });
      let output = '';
      await new Promise<void>((resolve) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Dumping wordpress')) resolve();
        });
      });
      // Until the first part is on its way: the multipart upload has begun.
      for (let i = 0; i < 100 && !(await s3ActionsSince(run, since)).includes('UploadPart'); i += 1) await new Promise((r) => setTimeout(r, 100));
      child.kill('SIGINT');
      const result = await child;
      printed.push(String(result.stdout), String(result.stderr));
      assertNoRefusedConnects(String(result.stderr));
      expect(result.exitCode, String(result.stderr)).toBe(130);
      expect(String(result.stderr)).toMatch(/Stopped: the dump in progress was cancelled and its upload aborted/);
      const actions = await s3ActionsSince(run, since);
      expect(actions).toContain('AbortMultipartUpload');
      expect(actions).not.toContain('CompleteMultipartUpload');
      expect(await listKeys(run, 'backups/wordpress/')).toEqual(dumpsBefore);
      expect(await pendingUploads(run)).toEqual([]);
      // The dump on the host was stopped too (the channel's process group was signalled).
      let left = '';
      // Up to 15 s: on a loaded 2-core machine the TERM takes a while to travel through sshd and sudo.
      for (let i = 0; i < 150; i += 1) {
        left = (await run.lab.exec('ecommerce', 'pgrep -f "[m]ariadb-dump.*-- wordpress" || true')).stdout.trim();
        if (!left) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(left).toBe('');
    } finally {
      await sqlAsApp(run, 'wordpress', 'DROP TABLE IF EXISTS lab_big;');
    }
  }, 90_000);

  restoreInterrupted(j, BIG_TABLE);
}

/** ~40 MB of random bytes, ~80 MB of hex in a dump: seconds of streaming on the lab's 2 cores. */
const BIG_TABLE = 'CREATE TABLE lab_big (id INT PRIMARY KEY, b VARBINARY(1024)) ENGINE=MyISAM; INSERT INTO lab_big SELECT seq, RANDOM_BYTES(1024) FROM seq_1_to_40000;';
