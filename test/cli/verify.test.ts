import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { verifyReportSchema } from '../../src/tasks/checks/report-schema.js';
import { allChecks } from '../../src/tasks/checks/index.js';
import { configSchema } from '../../src/config/schema.js';
import { CHECK_GROUPS } from '../../src/tasks/checks/types.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { workerSandbox } from '../helpers/worker-moto.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await workerSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('aws-runbook verify', () => {
  it('--json: a report that fits its schema, stable unique ids; exit 1 while the network is missing, 0 once it is built', async () => {
    const cwd = await projectDir('Vfy');
    const endpoint = ['--endpoint-url', sandbox.endpoint];
    const before = await runCli(['verify', '--json', '--only', 'network', ...endpoint], { cwd });
    expect(before.stderr).toBe('');
    expect(before.code).toBe(1);
    const report = verifyReportSchema.parse(JSON.parse(before.stdout));
    expect(report).toMatchObject({ version: 1, project: 'vfy', region: 'us-east-2', account: '123456789012', ok: false });
    expect(report.checks.length).toBeGreaterThan(3);
    expect(report.checks.every((c) => c.group === 'network')).toBe(true);
    expect(report.checks.filter((c) => c.status === 'fail').length).toBeGreaterThan(0);
    for (const failed of report.checks.filter((c) => c.status === 'fail')) expect(failed.hint).toBeTruthy();

    const up = await runCli(['up', '--yes', '--only', 'network,peering', ...endpoint], { cwd });
    expect(up.code).toBe(0);
    const mutatingBefore = sandbox.gateway.mutatingCount();
    const after = await runCli(['verify', '--json', '--only', 'network', ...endpoint], { cwd });
    const fixed = verifyReportSchema.parse(JSON.parse(after.stdout));
    expect(fixed.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(after.code).toBe(0);
    expect(fixed.checks.map((c) => c.id)).toEqual(report.checks.map((c) => c.id));
    // verify changes nothing.
    expect(sandbox.gateway.mutatingCount()).toBe(mutatingBefore);

    // The plain checklist: grouped, with the verdict line.
    const plain = await runCli(['verify', '--only', 'network', ...endpoint], { cwd });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(/^Network$/m);
    expect(plain.stdout).toMatch(/\d+ passed, 0 failed, 0 warnings, 0 skipped — every required check holds/);
  }, 90_000);

  it('--only with an unknown group exits 2 naming the groups, before any AWS call', async () => {
    const cwd = await projectDir('VfyBad');
    const calls = sandbox.gateway.log.length;
    const result = await runCli(['verify', '--only', 'network,firewall', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`unknown check group "firewall"; the groups are ${CHECK_GROUPS.join(', ')}`);
    expect(sandbox.gateway.log.length).toBe(calls);
  });

  it('every check has a unique, well-formed id in a known group; docs/verify-report.schema.json matches the schema', async () => {
    const checks = allChecks(configSchema.parse({}));
    const ids = checks.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const group of CHECK_GROUPS) expect(checks.some((c) => c.group === group)).toBe(true);
    const onDisk = JSON.parse(await readFile(resolve(import.meta.dirname, '../../docs/verify-report.schema.json'), 'utf8'));
    expect(onDisk).toEqual(z.toJSONSchema(verifyReportSchema));
  });
});
