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
 * A chain of crashes in one project: each run of `args` is killed with SIGKILL right after the next
 * kind of mutating call lands (moto made the change, the tool never heard), and the next run must
 * reconcile it. Kinds come in the order of a clean run; a kind whose every occurrence already landed
 * is passed over. When a run finishes before reaching its kind, `rebuild` (if given: e.g. `up` again
 * before a chain of `down`) restores the starting point and the kind is tried once more. Returns the
 * kinds crashed at. The sandbox must serve only this project while the chain runs (its log counts).
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
  for (const [action, total] of kinds) {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (landed(action) >= total) break;
      const child = spawnCli(args, { cwd });
      const done = collect(child);
      const unsubscribe = sandbox.gateway.onLanded({ action }, async () => {
        child.kill('SIGKILL');
        await done;
      });
      const result = await done;
      unsubscribe();
      if (result.signal === 'SIGKILL') {
        crashed.push(action);
        break;
      }
      // The run finished before reaching this kind again.
      expect(result.code, `run that should have crashed at ${action}: ${result.stderr}`).toBe(0);
      if (!rebuild) return crashed;
      await rebuild();
      start = sandbox.gateway.log.length;
    }
  }
  return crashed;
}

/** Run `args` once more, expecting it to finish what the crashes left. */
export async function finish(cwd: string, args: string[]): Promise<void> {
  const result = await runCli(args, { cwd });
  expect(result.code, `final run: ${result.stderr}`).toBe(0);
}
