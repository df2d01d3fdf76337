import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { collect, projectDir, runCli, spawnCli } from '../helpers/cli.js';
import { networkInventory } from '../helpers/inventory.js';
import { expectedNetwork } from '../helpers/expected-network.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('Ctrl-C and kill -9', () => {
  it('Ctrl-C during a call stops cleanly: exit 130, the state says where, the lock is released, up resumes', async () => {
    const cwd = await projectDir('Sigint');
    const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    const done = collect(child);
    let interruptedAt = 0;
    // Three gateways are created at once: one Ctrl-C only (a second one means "exit at once").
    const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateInternetGateway', nth: 1 }, async () => {
      interruptedAt = Date.now();
      child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const result = await done;
    unsubscribe();
    expect(result.code).toBe(130);
    expect(Date.now() - interruptedAt).toBeLessThan(5000);
    expect(result.stderr).toMatch(/Stopping/);
    const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
    expect(state.lastRun).toMatchObject({ command: 'up', outcome: 'aborted' });
    const stopped = Object.entries(state.steps).filter(([, step]) => (step as { status: string }).status !== 'done');
    expect(stopped.length).toBeGreaterThan(0);
    expect(existsSync(join(cwd, '.aws-runbook', 'lock'))).toBe(false);

    const status = await runCli(['status', '--json'], { cwd });
    expect(JSON.parse(status.stdout).resume).toMatchObject({ command: 'up', outcome: 'interrupted' });

    const resumed = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming/);
    const inventory = await networkInventory(sandbox.motoEndpoint, 'sigint');
    expect(inventory).toEqual(expectedNetwork('Sigint'));
  }, 60_000);

  it('after kill -9, status names the interrupted step and the operation that was in flight', async () => {
    const cwd = await projectDir('Killed');
    const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    const done = collect(child);
    const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateVpc' }, async () => {
      child.kill('SIGKILL');
      await done;
    });
    await done;
    unsubscribe();
    const status = await runCli(['status', '--json'], { cwd });
    expect(status.code).toBe(0);
    const resume = JSON.parse(status.stdout).resume;
    // Several steps run at once (three VPCs, gateways, addresses): one of those that were in flight is named.
    expect(resume).toMatchObject({ command: 'up', outcome: 'interrupted' });
    const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
    expect(state.steps[resume.stepId]).toMatchObject({ status: 'running' });
    const pending = state.steps[resume.stepId].pendingOperation;
    if (pending) expect(resume.pendingOperation).toMatch(new RegExp(`^${pending.action} `));
    else expect(resume.pendingOperation).toBeUndefined();
    // The VPC whose CreateVpc landed is recorded with that operation in flight.
    expect(Object.values(state.steps).some((step) => (step as { pendingOperation?: { action: string } }).pendingOperation?.action === 'CreateVpc')).toBe(true);
    const text = await runCli(['status'], { cwd });
    expect(text.stdout).toMatch(/network\.mvp\.vpc/);
  }, 30_000);

  it('Ctrl-C during a wait (a NAT gateway still pending): stops within seconds, each waiting step is recorded as stopped with its id, the lock is released', async () => {
    const cwd = await projectDir('SigWait');
    // NAT gateways stay `pending` for 6 s at this scale: the run will be waiting on them.
    sandbox.gateway.setLatency({ scale: 0.05 });
    try {
      const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
      const done = collect(child);
      let interruptedAt = 0;
      // The chosen point: both NAT gateways made and recorded, the run waiting for them to be available.
      const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateNatGateway', nth: 2 }, () => {
        void (async () => {
          for (let i = 0; i < 100; i += 1) {
            const steps = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8')).steps;
            if (steps['network.ia.nat-gateway']?.outputs?.natGatewayId && steps['network.cyber.nat-gateway']?.outputs?.natGatewayId) break;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          interruptedAt = Date.now();
          child.kill('SIGINT');
        })();
      });
      const result = await done;
      unsubscribe();
      expect(result.code).toBe(130);
      expect(Date.now() - interruptedAt).toBeLessThan(3000);
      const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
      expect(state.lastRun).toMatchObject({ command: 'up', outcome: 'aborted' });
      const nats = ['network.ia.nat-gateway', 'network.cyber.nat-gateway'].map((id) => state.steps[id]);
      // Each waiting step is recorded as stopped by the operator, with the NAT gateway it made (the resume adopts it).
      for (const nat of nats) {
        expect(nat).toMatchObject({ status: 'failed', error: { kind: 'aborted' }, outputs: { natGatewayId: expect.stringMatching(/^nat-/) } });
      }
      expect(existsSync(join(cwd, '.aws-runbook', 'lock'))).toBe(false);
      expect(result.stderr).toMatch(/Stopped\. `aws-runbook status` shows where; `aws-runbook up` resumes\./);
    } finally {
      sandbox.gateway.setLatency(undefined);
    }
    // The resume adopts the two NAT gateways (no second pair) and finishes.
    const resumed = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(resumed.code).toBe(0);
    expect(await networkInventory(sandbox.motoEndpoint, 'sigwait')).toEqual(expectedNetwork('SigWait'));
  }, 90_000);

  it('a second Ctrl-C exits at once; the state file is still whole and the next up resumes', async () => {
    const cwd = await projectDir('SigTwice');
    sandbox.gateway.setLatency({ scale: 0.05 });
    let secondAt = 0;
    try {
      const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
      const done = collect(child);
      const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateSubnet', nth: 2 }, () => {
        child.kill('SIGINT');
        setTimeout(() => {
          secondAt = Date.now();
          child.kill('SIGINT');
        }, 30);
      });
      const result = await done;
      unsubscribe();
      expect(result.code).toBe(130);
      expect(Date.now() - secondAt).toBeLessThan(1000);
    } finally {
      sandbox.gateway.setLatency(undefined);
    }
    // Atomic writes: whatever moment the process died at, the state parses and status reads it.
    const status = await runCli(['status', '--json'], { cwd });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).resume).toMatchObject({ command: 'up' });
    const resumed = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(resumed.code).toBe(0);
    expect(await networkInventory(sandbox.motoEndpoint, 'sigtwice')).toEqual(expectedNetwork('SigTwice'));
  }, 90_000);
});
