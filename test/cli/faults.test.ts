import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { networkInventory } from '../helpers/inventory.js';
import { expectedNetwork } from '../helpers/expected-network.js';
import { workerSandbox } from '../helpers/worker-moto.js';

/**
 * AWS refusing (issue 7): permission denied on one step, a quota reached, a throttling storm. Each ends
 * in a classified failure that names the fix and the run's log; once the cause is gone, `up` resumes
 * from the failed step without redoing (or duplicating) what was done.
 */
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await workerSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});
afterEach(() => sandbox.gateway.clearFaults());

async function logOf(cwd: string): Promise<{ path: string; records: { type: string; [key: string]: unknown }[] }> {
  const dir = join(cwd, '.aws-runbook', 'logs');
  const [name] = (await readdir(dir)).sort().reverse();
  if (!name) throw new Error(`no log in ${dir}`);
  const path = join(dir, name);
  const text = await readFile(path, 'utf8');
  return { path, records: text.trim().split('\n').map((line) => JSON.parse(line)) };
}

async function failThenResume(suffix: string, expectFailure: (out: string, err: string) => void, failedStep: RegExp) {
  const cwd = await projectDir(suffix);
  const endpoint = ['--endpoint-url', sandbox.endpoint];
  const failed = await runCli(['up', '--yes', '--only', 'network', ...endpoint], { cwd });
  expect(failed.code).toBe(1);
  expectFailure(failed.stdout, failed.stderr);
  // The failure points to the run's log, which records the classified failure.
  const log = await logOf(cwd);
  expect(failed.stderr).toContain(`The run's log (JSON lines, secrets redacted): ${log.path}`);
  expect(((await stat(log.path)).mode & 0o777).toString(8)).toBe('600');
  expect(log.records[0]).toMatchObject({ type: 'session-opened', command: 'up' });
  const failedIds = log.records.flatMap((r) => (r.type === 'step-failed' ? [String(r.stepId)] : []));
  expect(failedIds.length).toBeGreaterThan(0);
  for (const id of failedIds) expect(id).toMatch(failedStep);
  expect(log.records.at(-1)).toMatchObject({ type: 'session-closed' });
  const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
  for (const id of failedIds) expect(state.steps[id]).toMatchObject({ status: 'failed' });
  const doneBefore = Object.entries(state.steps).filter(([, s]) => (s as { status: string }).status === 'done').map(([id]) => id);
  expect(doneBefore.length).toBeGreaterThan(5);

  // The operator fixes the cause (the fault is lifted); the rerun resumes from the failed step.
  sandbox.gateway.clearFaults();
  const since = sandbox.gateway.log.length;
  const resumed = await runCli(['up', '--yes', '--verbose', '--only', 'network', ...endpoint], { cwd });
  expect(resumed.code).toBe(0);
  // --verbose mirrors the run's log, line for line, on stderr.
  const resumedLog = await logOf(cwd);
  const mirrored = resumed.stderr.split('\n').filter((l) => l.startsWith('log {')).map((l) => JSON.parse(l.slice(4)));
  expect(mirrored.map((r) => r.type)).toEqual(resumedLog.records.map((r) => r.type));
  expect(mirrored.some((r) => r.type === 'step-done')).toBe(true);
  expect(resumed.stdout).toContain(`Resuming: the last \`up\``);
  expect(resumed.stdout).toMatch(new RegExp(`Resuming: .* at (${failedIds.join('|').replace(/\./g, '\\.')})`));
  // Steps already done were checked, not redone: none of them was started as a create again.
  for (const id of doneBefore) expect(resumed.stdout).not.toMatch(new RegExp(`▸ ${id.replace(/\./g, '\\.')}\\s+create`));
  expect(sandbox.gateway.log.slice(since).some((e) => e.mutating)).toBe(true);
  expect(await networkInventory(sandbox.motoEndpoint, suffix.toLowerCase())).toEqual(expectedNetwork(suffix));
}

describe('AWS refusing', () => {
  it('permission denied on one step: which permission to grant to whom; resume continues from that step', async () => {
    sandbox.gateway.inject({ action: 'CreateNatGateway', kind: 'permission-denied' });
    await failThenResume(
      'Perm',
      (out) => {
        expect(out).toMatch(/✗ network\.(ia|cyber)\.nat-gateway\s+permission \(UnauthorizedOperation\)/);
        expect(out).toContain('Grant ec2:CreateNatGateway to arn:aws:iam::123456789012:user/moto');
      },
      /^network\.(ia|cyber)\.nat-gateway$/,
    );
  }, 90_000);

  it('a quota reached (Elastic IPs): which quota, its code and how to raise it; resume after the increase', async () => {
    sandbox.gateway.inject({ action: 'AllocateAddress', kind: 'quota-exceeded' });
    await failThenResume(
      'Quota',
      (out) => {
        expect(out).toMatch(/AddressLimitExceeded/);
        expect(out).toContain('The quota "EC2-VPC Elastic IPs" (ec2 L-0263D0A3) is reached in us-east-2');
        expect(out).toContain('aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3');
      },
      /^network\.(ia|cyber)\.nat-eip$/,
    );
  }, 90_000);

  it('a throttling storm on routes: the tool backs off, then fails classified as throttled with the fix; resume completes', async () => {
    // Routes and route-table associations answer RequestLimitExceeded, again and again, until the storm passes.
    sandbox.gateway.inject({ action: /^(CreateRoute|AssociateRouteTable)$/, kind: 'throttle', times: 2000 });
    await failThenResume(
      'Storm',
      (out) => {
        expect(out).toMatch(/RequestLimitExceeded/);
        expect(out).toContain('AWS is rate-limiting this account');
      },
      /^network\.(mvp|ia|cyber)\.(route|rt)-/,
    );
  }, 120_000);
});
