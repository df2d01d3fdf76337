import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { collect, projectDir, runCli, spawnCli } from '../helpers/cli.js';
import { networkInventory } from '../helpers/inventory.js';

let sandbox: Sandbox;
/** The mutating calls of a clean `up --only network`, in order: the points to crash at. */
let mutatingCalls: string[] = [];
let cleanInventory: Awaited<ReturnType<typeof networkInventory>>;

/** Names differ per project (suffix); compare shapes with the suffix normalised. */
const normalise = (inventory: unknown, suffix: string) => JSON.parse(JSON.stringify(inventory).replaceAll(suffix, 'S'));

beforeAll(async () => {
  sandbox = await startSandbox();
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

/** The nth occurrence (1-based) of each action in the clean run, so every mutating call gets its crash. */
function crashPoints(): { action: string; nth: number }[] {
  const seen = new Map<string, number>();
  return mutatingCalls.map((action) => {
    const nth = (seen.get(action) ?? 0) + 1;
    seen.set(action, nth);
    return { action, nth };
  });
}

describe('crash and resume of up --only network', () => {
  it('the clean run has the expected mutating calls', () => {
    expect(mutatingCalls).toContain('CreateVpc');
    expect(mutatingCalls.filter((action) => action === 'CreateSubnet')).toHaveLength(3);
    expect(mutatingCalls).toContain('AttachInternetGateway');
    expect(mutatingCalls).toContain('CreateRoute');
    expect(mutatingCalls.filter((action) => action === 'AssociateRouteTable')).toHaveLength(3);
  });

  it('kill -9 right after each mutating call landed, then up again: exactly one of everything', async () => {
    const points = crashPoints();
    expect(points.length).toBeGreaterThanOrEqual(12);
    for (const [index, point] of points.entries()) {
      const suffix = `Kill${index}`;
      const cwd = await projectDir(suffix);
      const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
      const done = collect(child);
      // Hold moto's answer until the tool is dead: the change is made, the tool never hears of it.
      const unsubscribe = sandbox.gateway.onLanded({ action: point.action, nth: point.nth }, async () => {
        child.kill('SIGKILL');
        await done;
      });
      const killed = await done;
      unsubscribe();
      expect(killed.signal, `crash at ${point.action} #${point.nth}`).toBe('SIGKILL');

      const resumed = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
      expect(resumed.code, `resume after ${point.action} #${point.nth}: ${resumed.stderr}`).toBe(0);
      expect(normalise(await networkInventory(sandbox.motoEndpoint, suffix.toLowerCase()), suffix)).toEqual(cleanInventory);
    }
  }, 240_000);

  it('a dropped response (the change happened, the tool never heard) does not create a second copy', async () => {
    for (const action of ['CreateVpc', 'CreateSubnet', 'CreateInternetGateway', 'CreateRouteTable', 'AssociateRouteTable', 'CreateRoute']) {
      const suffix = `Drop${action.slice(6, 12)}`;
      const cwd = await projectDir(suffix);
      sandbox.gateway.inject({ action, kind: 'drop-response', times: 1 });
      try {
        const result = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
        expect(result.code, `dropped ${action}: ${result.stderr}`).toBe(0);
      } finally {
        sandbox.gateway.clearFaults();
      }
      expect(normalise(await networkInventory(sandbox.motoEndpoint, suffix.toLowerCase()), suffix)).toEqual(cleanInventory);
    }
  }, 120_000);

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
