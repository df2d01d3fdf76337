import { expect, it } from 'vitest';
import { assertNoRefusedConnects, CLI } from '../../helpers/cli.js';
import type { GetJourney } from './journey.js';
import { lastSeq, listKeys, pendingUploads, s3ActionsSince, sql } from './backup-tools.js';

/**
 * Backups that fail: an unknown database, a dump that breaks after several parts were uploaded, Ctrl-C
 * in the middle of a dump. Each leaves no object and no pending upload; the databases made to break a
 * dump are dropped again afterwards.
 */
export function backupFailures(j: GetJourney): void {
  it('a dump that fails (unknown database) exits 1 and leaves no object and no pending upload', async () => {
    const { run, tool } = j();
    const result = await tool(['backup', '--database', 'nosuchdb']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the backup of database nosuchdb failed: "mariadb-dump nosuchdb \| gzip" failed on ecommerce .*with exit code 2/);
    expect(result.stderr).toMatch(/Unknown database 'nosuchdb'/);
    expect(await listKeys(run, 'backups/nosuchdb/')).toEqual([]);
    expect(await pendingUploads(run)).toEqual([]);
  }, 60_000);

  it('a dump that fails after several parts were uploaded aborts the multipart upload: no object, nothing pending', async () => {
    const { run, tool } = j();
    // ~18 MB of random bytes (36 MB of hex: 2-3 parts of 8 MiB once gzipped), then a view over a dropped
    // table: mariadb-dump writes every table's rows, then fails on the view (exit 2) at the very end.
    await sql(
      run,
      [
        'CREATE DATABASE labbroken; USE labbroken;',
        'CREATE TABLE aa_big (id INT PRIMARY KEY, b VARBINARY(1024)) ENGINE=MyISAM;',
        'INSERT INTO aa_big SELECT seq, RANDOM_BYTES(1024) FROM seq_1_to_18000;',
        'CREATE TABLE gone (x INT); CREATE VIEW zz_broken AS SELECT x FROM gone; DROP TABLE gone;',
      ].join('\n'),
    );
    try {
      const since = await lastSeq(run);
      const result = await tool(['backup', '--database', 'labbroken']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/zz_broken/);
      const actions = await s3ActionsSince(run, since);
      expect(actions.filter((a) => a === 'CreateMultipartUpload')).toHaveLength(1);
      expect(actions.filter((a) => a === 'UploadPart').length).toBeGreaterThanOrEqual(2);
      expect(actions).toContain('AbortMultipartUpload');
      expect(actions).not.toContain('CompleteMultipartUpload');
      expect(actions).not.toContain('PutObject');
      expect(await listKeys(run, 'backups/labbroken/')).toEqual([]);
      expect(await pendingUploads(run)).toEqual([]);
    } finally {
      await sql(run, 'DROP DATABASE IF EXISTS labbroken;');
    }
  }, 60_000);

  it('Ctrl-C during a dump stops it on the host and aborts the upload: exit 130, no object, nothing pending', async () => {
    const { run, printed } = j();
    // ~80 MB of hex dump: several seconds of streaming, so the interrupt lands mid-stream.
    await sql(run, 'CREATE DATABASE labbig; USE labbig; CREATE TABLE blobs (id INT PRIMARY KEY, b VARBINARY(1024)) ENGINE=MyISAM; INSERT INTO blobs SELECT seq, RANDOM_BYTES(1024) FROM seq_1_to_40000;');
    try {
      const since = await lastSeq(run);
      const child = run.lab.runInOperator(process.execPath, [CLI, 'backup', '--database', 'labbig', '--endpoint-url', run.endpoint], {
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
          if (output.includes('Dumping labbig')) resolve();
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
      expect(await listKeys(run, 'backups/labbig/')).toEqual([]);
      expect(await pendingUploads(run)).toEqual([]);
      // The dump on the host was stopped too (the channel's process group was signalled).
      let left = '';
      // Up to 15 s: on a loaded 2-core machine the TERM takes a while to travel through sshd and sudo.
      for (let i = 0; i < 150; i += 1) {
        left = (await run.lab.exec('ecommerce', 'pgrep -f "[m]ariadb-dump.*labbig" || true')).stdout.trim();
        if (!left) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(left).toBe('');
    } finally {
      await sql(run, 'DROP DATABASE IF EXISTS labbig;');
    }
  }, 90_000);
}
