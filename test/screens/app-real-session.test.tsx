import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cleanup } from 'ink-testing-library';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../src/screens/App.js';
import { RunbookSession } from '../../src/engine/session.js';
import { createAwsClients } from '../../src/aws/clients.js';
import { configSchema } from '../../src/config/schema.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { renderScreen } from './helpers/render-screen.js';
import { networkInventory } from '../helpers/inventory.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});
afterEach(() => cleanup());

async function openSession(suffix: string, stateDir?: string) {
  const config = configSchema.parse({ suffix });
  return RunbookSession.open({
    config,
    configPath: '/nowhere/aws-runbook.yaml',
    configFound: false,
    stateDir: stateDir ?? (await mkdtemp(join(tmpdir(), 'awsrb-tui-'))),
    aws: createAwsClients({ region: config.region, endpoint: sandbox.endpoint }),
    sandbox: true,
    mode: 'write',
    command: 'tui',
  });
}

describe('the TUI on the real engine, against moto', () => {
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
      const summary = await screen.waitForFrame('Summary', 20_000);
      expect(summary).toMatch(/✓ Network\s+done/);
      expect(sandbox.gateway.mutatingCount() - mutatingBefore).toBeGreaterThanOrEqual(14);
      const inventory = await networkInventory(sandbox.motoEndpoint, 'tuireal');
      expect(inventory.vpcs).toEqual([{ name: 'VPC-MVP-TuiReal', cidr: '10.1.0.0/16', dnsHostnames: true }]);
      expect(inventory.subnets).toHaveLength(3);
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
      expect(welcome).toMatch(/network\.mvp\.subnet|subnet/i);
      await screen.press('enter');
      await screen.waitForFrame('[adopt]', 15_000);
      await screen.press('y');
      await screen.waitForFrame(/✓ Network|Summary/, 20_000);
      const inventory = await networkInventory(sandbox.motoEndpoint, 'tuiresume');
      expect(inventory.vpcs).toHaveLength(1);
      expect(inventory.subnets).toHaveLength(3);
      expect(inventory.routeTables).toHaveLength(2);
    } finally {
      await session.close();
    }
  }, 60_000);
});
