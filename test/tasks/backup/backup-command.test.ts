import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes, parseDatabaseList } from '../../../src/cli/commands/backup.js';
import { projectDir, runCli } from '../../helpers/cli.js';
import type { MotoServer } from '../../helpers/moto.js';
import { workerMoto } from '../../helpers/worker-moto.js';

/** `aws-runbook backup`: its input checks and refusals (the dump itself is proven in test/lab/cases/backup.ts). */

describe('parseDatabaseList', () => {
  it('splits, trims and de-duplicates; no flag means every application database', () => {
    expect(parseDatabaseList(' shop, wordpress ,shop')).toEqual(['shop', 'wordpress']);
    expect(parseDatabaseList(undefined)).toBeUndefined();
  });
  it('refuses an empty list and names that are not plain database names (exit 2)', () => {
    expect(() => parseDatabaseList(' , ')).toThrow(expect.objectContaining({ name: 'UsageError', message: expect.stringMatching(/at least one database/) }));
    expect(() => parseDatabaseList('shop,--all-databases,a b')).toThrow(/"--all-databases", "a b" is not a database name/);
  });
});

describe('formatBytes', () => {
  it('prints binary units with one decimal', () => {
    expect([0, 812, 12_595, 4 * 1024 * 1024, 1.25 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '812 B', '12.3 KiB', '4.0 MiB', '1.3 GiB']);
  });
});

describe('aws-runbook backup refuses what it cannot do', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await workerMoto();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('exits 2 on a bad --database before touching anything', async () => {
    const cwd = await projectDir('BkArgs');
    const result = await runCli(['backup', '--database', '-x', '--endpoint-url', moto.endpoint], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/"-x" is not a database name/);
    expect(existsSync(join(cwd, '.aws-runbook'))).toBe(false);
  });

  it('exits 2 when no host can be reached (an emulator without a lab), saying why', async () => {
    const result = await runCli(['backup', '--endpoint-url', moto.endpoint], { cwd: await projectDir('BkNoHosts') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/runs the dump on the shop host over SSH, and no host can be reached/);
  });
});
