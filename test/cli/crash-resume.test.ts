import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { collect, projectDir, runCli, spawnCli } from '../helpers/cli.js';
import { networkInventory } from '../helpers/inventory.js';
import { crashAtEveryCallUnreaped } from '../helpers/crash-chain.js';
import { workerSandbox } from '../helpers/worker-moto.js';

let sandbox: Sandbox;
/**
 * The mutating calls of a clean `up --only network`. (kill -9 after every kind of call, network's included,
 * is test/cli/full-up.test.ts's crash chain over the whole runbook.)
 */
let mutatingCalls: string[] = [];
let cleanInventory: Awaited<ReturnType<typeof networkInventory>>;

/** Names differ per project (suffix); compare shapes with the suffix normalised. */
const normalise = (inventory: unknown, suffix: string) => JSON.parse(JSON.stringify(inventory).replaceAll(suffix, 'S'));

beforeAll(async () => {
  sandbox = await workerSandbox();
  const cwd = await projectDir('Clean');
  const since = sandbox.gateway.log.length;
  const result = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
  expect(result.code).toBe(0);
  mutatingCalls = sandbox.gateway.log
    .slice(since)
    .filter((entry) => entry.mutating)
    .map((entry) => entry.action);
  cleanInventory = normalise(await networkInventory(sandbox.motoEndpoint, 'clean'), 'Clean');
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('crash and resume of up --only network', () => {
  it('the clean run has the expected mutating calls', () => {
    const count = (action: string) => mutatingCalls.filter((a) => a === action).length;
    expect(count('CreateVpc')).toBe(3);
    expect(count('CreateSubnet')).toBe(7);
    expect(count('AttachInternetGateway')).toBe(3);
    expect(count('AllocateAddress')).toBe(2);
    expect(count('CreateNatGateway')).toBe(2);
    expect(count('CreateRoute')).toBe(5);
    expect(count('AssociateRouteTable')).toBe(7);
  });

  it('dropped responses (the change happened, the tool never heard) on one call of every create kind: no second copy', async () => {
    const cwd = await projectDir('Drops');
    const kinds = ['CreateVpc', 'CreateSubnet', 'CreateInternetGateway', 'AttachInternetGateway', 'CreateRouteTable', 'AssociateRouteTable', 'CreateRoute', 'AllocateAddress', 'CreateNatGateway'];
    for (const action of kinds) sandbox.gateway.inject({ action, kind: 'drop-response', times: 1 });
    const before = sandbox.gateway.log.length;
    try {
      const result = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
      expect(result.code, result.stderr).toBe(0);
    } finally {
      sandbox.gateway.clearFaults();
    }
    const dropped = sandbox.gateway.log.slice(before).filter((entry) => entry.dropped).map((entry) => entry.action);
    expect(new Set(dropped)).toEqual(new Set(kinds));
    expect(normalise(await networkInventory(sandbox.motoEndpoint, 'drops'), 'Drops')).toEqual(cleanInventory);
  }, 120_000);

  it('kill -9 at every mutating call, under a parent that never reaps the tool: every resume runs at once (no exit 3) and the cloud ends as after a clean run', async () => {
    const cwd = await projectDir('Zombie');
    const args = ['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint];
    const runs = await crashAtEveryCallUnreaped(sandbox, cwd, args, mutatingCalls.length + 2);
    const last = runs.at(-1);
    expect(last?.killed, 'the chain ended with a run that finished').toBe(false);
    expect(last?.status, `final run: ${last?.stderr}`).toBe(0);
    // Each run was killed at its first mutating call (with the calls in flight beside it): the last run
    // needed none, so every mutating call of the build was cut off by a kill -9, of every kind a clean run makes.
    expect(last?.mutating).toEqual([]);
    const killed = runs.filter((run) => run.killed);
    expect(new Set(killed.flatMap((run) => run.mutating))).toEqual(new Set(mutatingCalls));
    for (const run of killed) expect(run.status, run.stderr).toBe(9); // SIGKILL, left a zombie
    for (const [i, run] of runs.entries()) {
      expect(run.stderr).not.toMatch(/holds the lock/);
      if (i === 0) continue;
      // The previous run was a zombie when this one started: its lock was taken over, and said so.
      expect(run.stderr).toContain(`note: Took over the lock on ${cwd}/.aws-runbook: its holder, pid ${runs[i - 1]?.pid} (\`up\``);
      expect(run.stderr).toContain('has exited (a zombie its parent has not reaped)');
    }
    expect(normalise(await networkInventory(sandbox.motoEndpoint, 'zombie'), 'Zombie')).toEqual(cleanInventory);
  }, 180_000);

  it('a second concurrent up exits 3 naming the holder, and the first is unaffected', async () => {
    const cwd = await projectDir('Lock');
    const first = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    const firstDone = collect(first);
    let second: Awaited<ReturnType<typeof runCli>> | undefined;
    const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateVpc' }, async () => {
      second = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    });
    const result = await firstDone;
    unsubscribe();
    expect(second?.code).toBe(3);
    expect(second?.stderr).toMatch(new RegExp(`pid ${first.pid}`));
    expect(result.code).toBe(0);
    expect(normalise(await networkInventory(sandbox.motoEndpoint, 'lock'), 'Lock')).toEqual(cleanInventory);
  }, 60_000);
});
