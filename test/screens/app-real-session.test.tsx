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
import { expectedNetwork } from '../helpers/expected-network.js';

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
      const overview = await screen.waitForFrame('next: Peering', 30_000);
      expect(overview).toMatch(/✓ Network/);
      expect(sandbox.gateway.mutatingCount() - mutatingBefore).toBeGreaterThanOrEqual(40);
      expect(await networkInventory(sandbox.motoEndpoint, 'tuireal')).toEqual(expectedNetwork('TuiReal'));
      await screen.press('s');
      const summary = await screen.waitForFrame('Summary', 10_000);
      expect(summary).toMatch(/VPC-MVP-TuiReal/);
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
      await screen.waitForFrame('next: Peering', 30_000);
      expect(await networkInventory(sandbox.motoEndpoint, 'tuiresume')).toEqual(expectedNetwork('TuiResume'));
    } finally {
      await session.close();
    }
  }, 60_000);
});
