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
});
