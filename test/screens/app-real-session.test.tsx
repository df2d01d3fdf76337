import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../src/screens/App.js';
import { RunbookSession } from '../../src/app/session.js';
import { createAwsClients } from '../../src/aws/clients.js';
import { configSchema } from '../../src/config/schema.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { renderScreen } from './helpers/render-screen.js';
import { networkInventory } from '../helpers/inventory.js';
import { expectedNetwork } from '../helpers/expected-network.js';
import { DATABASE_STEP_IDS } from '../../src/tasks/database/names.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { workerSandbox } from '../helpers/worker-moto.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await workerSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});
afterEach(() => cleanup());

async function openSession(suffix: string, stateDir?: string) {
  const config = configSchema.parse({ suffix, access: { adminCidr: '203.0.113.7/32' } });
  return RunbookSession.open({
    config,
    configPath: '/nowhere/aws-runbook.yaml',
    configFound: false,
    stateDir: stateDir ?? (await mkdtemp(join(tmpdir(), 'awsrb-tui-'))),
    aws: createAwsClients({ region: config.region, endpoint: sandbox.endpoint }),
    sandbox: true,
    mode: 'write',
    command: 'tui',
    log: {},
  });
}

describe('the TUI on the real engine, against moto', () => {
  it('AWS refusing a step: the Failure screen says which permission to grant and where the log is; r resumes from that step once granted', async () => {
    const session = await openSession('TuiPerm');
    const onExit = vi.fn();
    sandbox.gateway.inject({ action: 'CreateInternetGateway', kind: 'permission-denied', times: 3 });
    try {
      const screen = await renderScreen(<App controller={session} start={{ screen: 'preview', sections: ['network'], stepMode: false }} onExit={onExit} />);
      await screen.waitForFrame('aws ec2 create-vpc --cidr-block 10.1.0.0/16', 15_000);
      await screen.press('y');
      const failure = await screen.waitForFrame('retry (resumes from this step)', 30_000);
      expect(failure).toMatch(/✗ .* \(network\.(mvp|ia|cyber)\.igw\) failed/);
      const flat = failure.replace(/\s+/g, ' '); // Ink wraps long lines at the terminal's width
      expect(flat).toContain('Grant ec2:CreateInternetGateway to arn:aws:iam::123456789012:user/moto');
      expect(flat).toContain(`The run's log (JSON lines, secrets redacted): ${session.info.logPath}`);
      expect(session.info.logPath).toMatch(/logs\/.*-tui-\d+\.jsonl$/);
      // The operator is granted the permission, then retries: the run resumes and the network gets built.
      sandbox.gateway.clearFaults();
      await screen.press('r');
      await screen.waitForFrame('v checklist', 30_000);
      expect(await networkInventory(sandbox.motoEndpoint, 'tuiperm')).toEqual(expectedNetwork('TuiPerm'));
    } finally {
      sandbox.gateway.clearFaults();
      await session.close();
    }
  }, 60_000);

  // (A throttling storm takes the SDK's whole backoff, ~20 s: its failure is tested through the CLI, faults.test.ts.)
  it.each([
    {
      name: 'an Elastic IP quota reached',
      suffix: 'TuiQuota',
      fault: { action: 'AllocateAddress', kind: 'quota-exceeded' as const },
      says: [/AddressLimitExceeded/, /The quota "EC2-VPC Elastic IPs" \(ec2 L-0263D0A3\) is reached in us-east-2/, /aws service-quotas request-service-quota-increase --service-code ec2 --quota-code L-0263D0A3/],
      step: /network\.(ia|cyber)\.nat-eip/,
    },
  ])('$name: the Failure screen names the fix and the log; r resumes once AWS lets the step through', async ({ suffix, fault, says, step }) => {
    const session = await openSession(suffix);
    sandbox.gateway.inject(fault);
    try {
      const screen = await renderScreen(<App controller={session} start={{ screen: 'preview', sections: ['network'], stepMode: false }} onExit={vi.fn()} />);
      await screen.waitForFrame('aws ec2 create-vpc --cidr-block 10.1.0.0/16', 15_000);
      await screen.press('y');
      const failure = await screen.waitForFrame('retry (resumes from this step)', 45_000);
      const flat = failure.replace(/\s+/g, ' ');
      expect(flat).toMatch(new RegExp(`✗ .* \\(${step.source}[a-z0-9-.]*\\) failed`));
      for (const line of says) expect(flat).toMatch(line);
      expect(flat).toContain(`The run's log (JSON lines, secrets redacted): ${session.info.logPath}`);
      sandbox.gateway.clearFaults();
      await screen.press('r');
      await screen.waitForFrame('v checklist', 30_000);
      expect(await networkInventory(sandbox.motoEndpoint, suffix.toLowerCase())).toEqual(expectedNetwork(suffix));
    } finally {
      sandbox.gateway.clearFaults();
      await session.close();
    }
  }, 90_000);

  it('Welcome → Overview → Network preview → y → Summary builds the MVP network', async () => {
    const session = await openSession('TuiReal');
    const onExit = vi.fn();
    try {
      const screen = await renderScreen(<App controller={session} onExit={onExit} />);
      await screen.waitForFrame('123456789012', 10_000);
      await screen.press('enter');
      await screen.waitForFrame('next: Network');
      await screen.press('enter');
      const preview = await screen.waitForFrame('aws ec2 create-vpc --cidr-block 10.1.0.0/16', 15_000);
      expect(preview).toContain('[create]');
      const mutatingBefore = sandbox.gateway.mutatingCount();
      await screen.press('y');
      const overview = await screen.waitForFrame('next: Peering', 30_000);
      expect(overview).toMatch(/✓ Network/);
      expect(sandbox.gateway.mutatingCount() - mutatingBefore).toBeGreaterThanOrEqual(40);
      expect(await networkInventory(sandbox.motoEndpoint, 'tuireal')).toEqual(expectedNetwork('TuiReal'));
      await screen.press('s');
      await screen.waitForFrame('Summary', 10_000);
      await screen.press('l'); // the step log, unfolded: a page at a time
      expect(await screen.waitForFrame(/✓ Network\s+done/)).toMatch(/VPC-IA-TuiReal|VPC-MVP-TuiReal|VPC-Cyber-TuiReal/);
      for (let page = 0; page < 10 && !/VPC-MVP-TuiReal/.test(screen.frame()); page++) await screen.press('pageDown');
      expect(screen.frame()).toMatch(/VPC VPC-MVP-TuiReal \(10\.1\.0\.0\/16\)\s+create\s+vpcId=vpc-/);
      await screen.press('q'); // back to the Overview
      await screen.press('q');
      await vi.waitFor(() => expect(onExit).toHaveBeenCalledWith(0));
    } finally {
      await session.close();
    }
  }, 60_000);

  it('offers to resume an interrupted run and finishes it without a second copy', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'awsrb-tui-resume-'));
    // A first session is stopped right after CreateSubnet landed (the answer never reaches it).
    const first = await openSession('TuiResume', stateDir);
    const stop = sandbox.gateway.onLanded({ action: 'CreateSubnet' }, async () => {
      first.abort();
    });
    await first.loadIdentity();
    expect(await first.apply(['network'])).toBe('aborted');
    stop();
    await first.close();

    const session = await openSession('TuiResume', stateDir);
    const onExit = vi.fn();
    try {
      expect(session.resumeInfo()).toMatchObject({ command: 'up', outcome: 'interrupted' });
      const screen = await renderScreen(<App controller={session} onExit={onExit} />);
      const welcome = await screen.waitForFrame(/resume/i, 10_000);
      // The step named is the one in flight when the first session stopped (several run at once).
      const where = session.resumeInfo();
      expect(where?.stepId).toMatch(/^network\./);
      expect(welcome).toContain(`where: ${where?.stepTitle ?? where?.stepId}`);
      await screen.press('enter');
      // The half-made resource is adopted, not made again (the plan's counts, under the list of steps).
      await screen.waitForFrame(/\d+ adopt/, 15_000);
      await screen.press('y');
      await screen.waitForFrame('next: Peering', 30_000);
      expect(await networkInventory(sandbox.motoEndpoint, 'tuiresume')).toEqual(expectedNetwork('TuiResume'));
    } finally {
      await session.close();
    }
  }, 60_000);

  it('`up` confirms every section first, then applies them as one graph: the RDS wait overlaps the other sections', async () => {
    const session = await openSession('TuiUpAll');
    const onExit = vi.fn();
    const events: EngineEvent[] = [];
    const unsubscribe = session.subscribe((event) => events.push(event));
    // A short latency profile: the RDS instance stays `creating` for 4.5 s, NAT gateways for 0.6 s.
    sandbox.gateway.setLatency({ scale: 0.005 });
    try {
      const sections = ['network', 'peering', 'security', 'database'] as const;
      const screen = await renderScreen(
        <App controller={session} start={{ screen: 'preview', sections: [...sections], stepMode: false }} onExit={onExit} />,
      );
      for (const [index, section] of sections.entries()) {
        // Later sections are previewed before anything is applied: their prerequisites are the sections confirmed above.
        const frame = await screen.waitForFrame(index < sections.length - 1 ? 'confirm, preview the next section' : 'apply all 4 sections', 15_000);
        expect(frame).not.toContain('not done yet');
        expect(events.filter((e) => e.type === 'step-started')).toHaveLength(0);
        expect(frame).toContain('[create]');
        if (section === 'database') {
          await screen.press('down'); // the instance: its details under it
          await screen.waitForFrame('aws rds create-db-instance');
        }
        await screen.press('y');
      }
      await screen.waitForFrame('v checklist', 60_000);
      await screen.press('q');
      await vi.waitFor(() => expect(onExit).toHaveBeenCalled(), { timeout: 5_000, interval: 100 });
      expect(onExit).toHaveBeenCalledWith(0);

      const at = (type: EngineEvent['type'], stepId: string) => {
        const event = events.find((e) => e.type === type && 'stepId' in e && e.stepId === stepId);
        if (!event || !('at' in event)) throw new Error(`no ${type} event for ${stepId}`);
        return event.at;
      };
      const dbStarted = at('step-started', DATABASE_STEP_IDS.instance);
      const dbDone = at('step-done', DATABASE_STEP_IDS.instance);
      const peeringDone = events.flatMap((e) => (e.type === 'step-done' && e.stepId.startsWith('peering.') ? [e.at] : []));
      expect(peeringDone.length).toBeGreaterThan(0);
      // Every peering step finished while the database instance was still being created.
      expect(Math.max(...peeringDone)).toBeLessThan(dbDone);
      expect(peeringDone.some((t) => t > dbStarted)).toBe(true);
    } finally {
      sandbox.gateway.setLatency(undefined);
      unsubscribe();
      await session.close();
    }
  }, 90_000);
});
