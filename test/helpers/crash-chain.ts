import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { collect, runCli, spawnCli } from './cli.js';

/** How many times each mutating action occurs, in first-occurrence order. */
export function mutatingKinds(actions: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const action of actions) counts.set(action, (counts.get(action) ?? 0) + 1);
  return counts;
}

/**
 * A chain of crashes in one project: each run of `args` is killed with SIGKILL right after a mutating call
 * of a kind not crashed at yet lands (moto made the change, the tool never heard), and the next run must
 * reconcile it. Greedy: whichever such kind lands first in a run is the one crashed at, so the order the
 * scheduler picks (concurrent, longest chains first) does not matter. A kind whose every occurrence landed
 * before it could be crashed at is passed over; when a run finishes without landing any kind left,
 * `rebuild` (if given: e.g. `up` again before a chain of `down`) restores the starting point once. Returns
 * the kinds crashed at. The sandbox must serve only this project while the chain runs (its log counts).
 */
export async function crashAtEachKind(
  sandbox: Sandbox,
  cwd: string,
  args: string[],
  kinds: Map<string, number>,
  rebuild?: () => Promise<void>,
): Promise<string[]> {
  let start = sandbox.gateway.log.length;
  // A call that reached the gateway counts even without an answer: a kill can land between moto
  // applying it and the answer being logged.
  const landed = (action: string) =>
    sandbox.gateway.log.slice(start).filter((entry) => entry.mutating && entry.action === action && !entry.faulted && (entry.status === 0 || entry.status < 300)).length;
  const crashed: string[] = [];
  let rebuilt = false;
  for (;;) {
    const left = [...kinds].filter(([action, total]) => !crashed.includes(action) && landed(action) < total).map(([action]) => action);
    if (left.length === 0) break;
    const child = spawnCli(args, { cwd });
    const done = collect(child);
    let killedAt: string | undefined;
    const unsubscribers = left.map((action) =>
      sandbox.gateway.onLanded({ action }, async () => {
        killedAt ??= action;
        child.kill('SIGKILL');
        await done;
      }),
    );
    const result = await done;
    for (const unsubscribe of unsubscribers) unsubscribe();
    if (result.signal === 'SIGKILL' && killedAt) {
      crashed.push(killedAt);
      continue;
    }
    // The run finished without landing any kind left.
    expect(result.code, `run that should have crashed at one of ${left.join(', ')}: ${result.stderr}`).toBe(0);
    if (!rebuild || rebuilt) break;
    rebuilt = true;
    await rebuild();
    start = sandbox.gateway.log.length;
  }
  return crashed;
}

/** Run `args` once more, expecting it to finish what the crashes left. */
export async function finish(cwd: string, args: string[]): Promise<void> {
  const result = await runCli(args, { cwd });
  expect(result.code, `final run: ${result.stderr}`).toBe(0);
}
