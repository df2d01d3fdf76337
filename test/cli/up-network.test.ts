import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { projectDir, runCli } from '../helpers/cli.js';
import { networkInventory } from '../helpers/inventory.js';
import { EMPTY_INVENTORY, expectedNetwork } from '../helpers/expected-network.js';
import { workerSandbox } from '../helpers/worker-moto.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await workerSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

function expectedNetworkOf(inventory: Awaited<ReturnType<typeof networkInventory>>, suffix: string) {
  expect(inventory).toEqual(expectedNetwork(suffix));
}

describe('up --only network (MVP, IA, Cyber) against moto through the gateway', () => {
  it('builds the MVP network, then a rerun plans no change and makes zero mutating calls, then down removes it all', async () => {
    const cwd = await projectDir('Net1');
    const endpoint = ['--endpoint-url', sandbox.endpoint];

    const first = await runCli(['up', '--yes', '--only', 'network', ...endpoint], { cwd });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    // The first line comes from the config (said before the SDK loads), then the identity AWS gives.
    const [header, identity] = first.stdout.split('\n');
    expect(header).toBe(`aws-runbook up · net1 · us-east-2 · endpoint ${sandbox.endpoint} · state ${join(cwd, '.aws-runbook')}`);
    expect(identity).toMatch(/^AWS account 123456789012 /);
    expectedNetworkOf(await networkInventory(sandbox.motoEndpoint, 'net1'), 'Net1');

    const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
    expect(state.steps['network.mvp.vpc']).toMatchObject({ status: 'done', outputs: { vpcId: expect.stringMatching(/^vpc-/) } });
    expect(state.lastRun).toMatchObject({ command: 'up', outcome: 'ok' });

    const since = sandbox.gateway.log.length;
    const second = await runCli(['up', '--yes', '--only', 'network', ...endpoint], { cwd });
    expect(second.code).toBe(0);
    const rerunCalls = sandbox.gateway.log.slice(since);
    expect(rerunCalls.filter((entry) => entry.mutating)).toEqual([]);
    expect(rerunCalls.length).toBeGreaterThan(0);
    expect(second.stdout).toMatch(/no-change/);
    expect(second.stdout).not.toMatch(/\bcreate\b.*vpcId/);

    const down = await runCli(['down', '--yes', ...endpoint], { cwd });
    expect(down.code).toBe(0);
    expect(down.stdout.split('\n')[0]).toBe(`aws-runbook down · net1 · us-east-2 · endpoint ${sandbox.endpoint} · state ${join(cwd, '.aws-runbook')}`);
    const after = await networkInventory(sandbox.motoEndpoint, 'net1');
    expect(after).toEqual(EMPTY_INVENTORY);
    const stateAfter = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
    expect(Object.keys(stateAfter.steps)).toEqual([]);
  });

  it('works against plain moto too (the gateway only adds)', async () => {
    const cwd = await projectDir('Plain');
    const result = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.motoEndpoint], { cwd });
    expect(result.code).toBe(0);
    expectedNetworkOf(await networkInventory(sandbox.motoEndpoint, 'plain'), 'Plain');
    const down = await runCli(['down', '--yes', '--endpoint-url', sandbox.motoEndpoint], { cwd });
    expect(down.code).toBe(0);
    expect((await networkInventory(sandbox.motoEndpoint, 'plain')).vpcs).toEqual([]);
  });

  it('ends correct with throttling and 500s injected on a share of calls', async () => {
    const cwd = await projectDir('Flaky');
    sandbox.gateway.inject({ action: '*', kind: 'throttle', share: 0.2 });
    sandbox.gateway.inject({ action: '*', kind: 'server-error', share: 0.1 });
    const faultedBefore = sandbox.gateway.log.filter((entry) => entry.faulted).length;
    try {
      const result = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
    } finally {
      sandbox.gateway.clearFaults();
    }
    expect(sandbox.gateway.log.filter((entry) => entry.faulted).length - faultedBefore).toBeGreaterThan(3);
    expectedNetworkOf(await networkInventory(sandbox.motoEndpoint, 'flaky'), 'Flaky');
  });
});
