import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/clients.js';
import { parseRestoreRequest } from '../../src/cli/commands/restore.js';
import { databaseOfKey, newestDump } from '../../src/tasks/backup/restore.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { motoClients, type MotoServer } from '../helpers/moto.js';
import { workerMoto } from '../helpers/worker-moto.js';

/**
 * `aws-runbook restore`: what it restores from its flags, and its refusals, each before anything is
 * touched (exit 2, and no database write: here there is not even a host to reach). The restore itself,
 * through a host into the lab's real MariaDB, is proven in test/lab/cases/backup.ts.
 */

describe('parseRestoreRequest', () => {
  it('takes a database (its newest dump) or a dump key, s3:// URL included; the database follows from the key', () => {
    expect(parseRestoreRequest({ database: 'shop' })).toMatchObject({ target: { database: 'shop', user: 'shop', host: 'ecommerce' } });
    expect(parseRestoreRequest({ database: 'wordpress' })).toMatchObject({ target: { database: 'wordpress', user: 'wordpress', host: 'wordpress' } });
    const key = 'backups/wordpress/2026-11-25T03:17:00.123Z.sql.gz';
    expect(parseRestoreRequest({ from: key })).toMatchObject({ target: { database: 'wordpress' }, key });
    expect(parseRestoreRequest({ from: `s3://b1/${key}`, database: 'wordpress' })).toMatchObject({ target: { database: 'wordpress' }, key, bucket: 'b1' });
  });

  it('refuses what it cannot restore, naming the flag and the fix (exit 2)', () => {
    const usage = (options: Parameters<typeof parseRestoreRequest>[0], message: RegExp) =>
      expect(() => parseRestoreRequest(options)).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(message) }));
    usage({}, /name what to restore: --database shop or --database wordpress \(its newest dump\), or --from KEY/);
    usage({ database: 'mysql' }, /--database: aws-runbook restores shop, wordpress .*not "mysql"/);
    usage({ from: 'backups/shop/notes.txt' }, /--from: "backups\/shop\/notes.txt" is not a dump's key/);
    usage({ from: 'backups/mysql/2026-11-25T03:17:00.123Z.sql.gz' }, /not "mysql"/);
    usage({ from: 'backups/shop/2026-11-25T03:17:00.123Z.sql.gz', database: 'wordpress' }, /--from names a dump of shop, but --database says wordpress/);
  });

  it('picks the newest dump by its key (fixed-width UTC times sort by date), only the dumps of that database', () => {
    const keys = ['backups/shop/2026-11-24T03:10:00.000Z.sql.gz', 'backups/shop/2026-11-25T03:01:00.000Z.sql.gz', 'backups/shop/2026-11-09T23:59:59.999Z.sql.gz'];
    expect(newestDump(keys.map((key) => ({ key })))?.key).toBe('backups/shop/2026-11-25T03:01:00.000Z.sql.gz');
    expect(newestDump([])).toBeUndefined();
    expect(databaseOfKey('backups/shop/2026-11-25T03:01:00.000Z.sql.gz')).toBe('shop');
    expect(databaseOfKey('backups/shop/old/x.sql.gz')).toBeUndefined();
    expect(databaseOfKey('other/shop/x.sql.gz')).toBeUndefined();
  });
});

describe('aws-runbook restore refuses what it cannot do, touching nothing', () => {
  let moto: MotoServer;
  let clients: AwsClients;
  beforeAll(async () => {
    moto = await workerMoto();
    clients = motoClients(moto);
  });
  afterAll(async () => {
    clients?.destroy();
    await moto?.stop();
  });

  it('exits 2 on bad flags and, without a terminal, without --yes (naming it), before the state is opened', async () => {
    const cwd = await projectDir('RsFlags');
    const unknown = await runCli(['restore', '--database', 'mysql', '--yes', '--endpoint-url', moto.endpoint], { cwd });
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringMatching(/--database: aws-runbook restores shop, wordpress/)]);
    const noTty = await runCli(['restore', '--database', 'shop', '--endpoint-url', moto.endpoint], { cwd });
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toMatch(/overwrites the shop database and asks you to type its name, and there is no terminal to ask in\. To restore without asking, add --yes: `aws-runbook restore --database shop --yes`/);
    expect(existsSync(join(cwd, '.aws-runbook'))).toBe(false);
  });

  it('exits 2 when there is no dump of the database (or no such dump), and, with one, when the hosts are not set up', async () => {
    const cwd = await projectDir('RsNoDump');
    const up = await runCli(['up', '--yes', '--only', 'storage', '--endpoint-url', moto.endpoint], { cwd });
    expect(up.code, up.stderr).toBe(0);
    const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8')) as { steps: Record<string, { outputs: Record<string, string> }> };
    const bucket = state.steps['storage.bucket']?.outputs['bucketName'] ?? '';

    const none = await runCli(['restore', '--database', 'wordpress', '--yes', '--endpoint-url', moto.endpoint], { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`there is no dump of wordpress in s3://${bucket}/backups/wordpress/ to restore: make one with \`aws-runbook backup --database wordpress\``);
    const named = await runCli(['restore', '--from', 'backups/shop/2026-01-01T00:00:00.000Z.sql.gz', '--yes', '--endpoint-url', moto.endpoint], { cwd });
    expect(named.code).toBe(2);
    expect(named.stderr).toContain(`there is no dump backups/shop/2026-01-01T00:00:00.000Z.sql.gz in s3://${bucket}/`);
    const otherBucket = await runCli(['restore', '--from', 's3://someone-else/backups/shop/2026-01-01T00:00:00.000Z.sql.gz', '--yes', '--endpoint-url', moto.endpoint], { cwd });
    expect([otherBucket.code, otherBucket.stderr]).toEqual([2, expect.stringContaining(`--from names the bucket someone-else, but this project's dumps are in ${bucket}`)]);

    // A dump of the shop exists: the restore finds it, then stops at what the state does not record yet.
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'backups/shop/2026-11-25T03:17:00.123Z.sql.gz', Body: 'not used' }));
    const found = await runCli(['restore', '--database', 'shop', '--yes', '--endpoint-url', moto.endpoint], { cwd });
    expect(found.code).toBe(2);
    expect(found.stderr).toMatch(/needs the database endpoint, the VM-Ecommerce-RsNoDump instance, the SSH host keys of VM-Ecommerce-RsNoDump, which the state does not record yet\. Run `aws-runbook up --only database,compute,hosts` first/);
    // Like backup, it leaves a run log (a read-only session: no lock, no state change).
    const logs = await readdir(join(cwd, '.aws-runbook', 'logs'));
    expect(logs.filter((name) => name.includes('restore'))).toHaveLength(4);
  }, 120_000);
});
