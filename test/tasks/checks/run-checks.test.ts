import { describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { NO_HOSTS } from '../../../src/engine/context.js';
import { runChecks } from '../../../src/tasks/checks/run-checks.js';
import { LiveInventory } from '../../../src/tasks/checks/inventory.js';
import type { Check, CheckContext } from '../../../src/tasks/checks/types.js';
import { formatChecklist } from '../../../src/render/format-checklist.js';

const config = configSchema.parse({ region: 'us-east-2' });
const aws = { region: 'us-east-2' } as never;
function context(signal = new AbortController().signal): CheckContext {
  return { config, project: 'bfhk', aws, hosts: NO_HOSTS, signal, live: new LiveInventory(aws, 'bfhk'), output: () => undefined };
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runChecks', () => {
  it('runs checks concurrently up to the limit and returns them in checklist order with the verdict', async () => {
    let running = 0;
    let peak = 0;
    const make = (id: string, group: Check['group'], status: 'pass' | 'fail', required = true): Check => ({
      id,
      group,
      title: id,
      required,
      run: async () => {
        running += 1;
        peak = Math.max(peak, running);
        await sleep(20);
        running -= 1;
        return status === 'pass' ? { status, evidence: 'ok' } : { status, evidence: 'broken', hint: 'fix it' };
      },
    });
    const checks = [make('apps.a', 'apps', 'pass'), make('network.b', 'network', 'pass'), make('apps.c', 'apps', 'fail', false), make('security.d', 'security', 'pass')];
    const started: string[] = [];
    const report = await runChecks(checks, context(), { concurrency: 2, onStart: (c) => started.push(c.id) });
    expect(peak).toBe(2);
    expect(started).toHaveLength(4);
    expect(report.checks.map((c) => c.id)).toEqual(['network.b', 'security.d', 'apps.a', 'apps.c']);
    // The only failure is optional: verify passes.
    expect(report.ok).toBe(true);
    expect(report.counts).toEqual({ pass: 3, fail: 1, warn: 0, skip: 0 });
  });

  it('a required failure fails the report; a throwing check fails with the classified error; a slow one times out', async () => {
    const checks: Check[] = [
      { id: 'network.throws', group: 'network', title: 'throws', run: async () => Promise.reject(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } })) },
      { id: 'network.slow', group: 'network', title: 'slow', run: (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))) },
    ];
    const report = await runChecks(checks, context(), { timeoutMs: 100 });
    expect(report.ok).toBe(false);
    const [thrown, slow] = report.checks;
    expect(thrown).toMatchObject({ status: 'fail', evidence: expect.stringContaining('UnauthorizedOperation') });
    expect(thrown?.hint).toMatch(/Grant the denied action/);
    expect(slow).toMatchObject({ status: 'fail', evidence: 'no answer within 100 ms' });
  });

  it('host checks skip, with the reason, when the hosts cannot be reached; a stopped verify skips the rest', async () => {
    let ran = false;
    const hostCheck: Check = { id: 'hosts.ssh', group: 'hosts', title: 'ssh', needsHosts: true, run: async () => ((ran = true), { status: 'pass', evidence: 'x' }) };
    const aborter = new AbortController();
    aborter.abort();
    const plain: Check = { id: 'network.vpcs', group: 'network', title: 'vpcs', run: async () => ({ status: 'pass', evidence: 'x' }) };
    const report = await runChecks([hostCheck, plain], context(aborter.signal));
    expect(ran).toBe(false);
    expect(report.checks.find((c) => c.id === 'hosts.ssh')).toMatchObject({ status: 'skip', evidence: expect.stringContaining('cannot be reached over SSH') });
    expect(report.checks.find((c) => c.id === 'network.vpcs')).toMatchObject({ status: 'skip', evidence: 'not run: verify was stopped' });
    expect(report.ok).toBe(true);
  });

  it('the plain checklist groups checks and prints the fix of failures only', async () => {
    const checks: Check[] = [
      { id: 'security.ec2-19.x', group: 'security', title: 'EC2.19 no open admin ports', run: async () => ({ status: 'fail', evidence: 'sg-1 allows 22 from 0.0.0.0/0', hint: 'revoke it', details: ['tcp 22 0.0.0.0/0'] }) },
      { id: 'network.vpcs', group: 'network', title: 'VPCs', run: async () => ({ status: 'pass', evidence: '3 VPCs', hint: 'never shown' }) },
    ];
    const text = formatChecklist(await runChecks(checks, context()));
    expect(text.indexOf('Network')).toBeLessThan(text.indexOf('Security'));
    expect(text).toContain('✓ VPCs  network.vpcs');
    expect(text).toContain('✗ EC2.19 no open admin ports  security.ec2-19.x');
    expect(text).toContain('      tcp 22 0.0.0.0/0');
    expect(text).toContain('fix: revoke it');
    expect(text).not.toContain('never shown');
    expect(text).toMatch(/1 passed, 1 failed, 0 warnings, 0 skipped — 1 check failed$/);
  });
});
