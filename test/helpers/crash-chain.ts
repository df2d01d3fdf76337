import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { assertNoRefusedConnects, CLI, cliEnv, collect, runCli, spawnCli } from './cli.js';

/** How many times each mutating action occurs, in first-occurrence order. */
export function mutatingKinds(actions: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const action of actions) counts.set(action, (counts.get(action) ?? 0) + 1);
  return counts;
}

/**
 * A chain of crashes in one project: each run of `args` is killed with SIGKILL right after a mutating call
 * of a kind not crashed at yet lands (moto made the change, the tool never heard), and the next run must
 * reconcile it. Greedy: whichever such kind lands first in a run decides the kill, and every kind left whose
 * call landed beside it, unheard too, counts as crashed at; so the order the
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
    // Every call of a kind left that lands in this run is held until the tool is dead: the first decides the
    // kill, the others landed beside it (already inside moto), and the tool heard none of them.
    const unheard = new Set<string>();
    const unsubscribers = left.map((action) =>
      sandbox.gateway.onLanded({ action }, async () => {
        unheard.add(action);
        // From the kill on, nothing more of this run reaches moto (the gateway answers it throttled).
        sandbox.gateway.inject({ action: '*', kind: 'throttle' });
        child.kill('SIGKILL');
        await done;
      }),
    );
    const result = await done;
    sandbox.gateway.clearFaults();
    for (const unsubscribe of unsubscribers) unsubscribe();
    if (result.signal === 'SIGKILL' && unheard.size > 0) {
      crashed.push(...unheard);
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

/** One run of the tool under a parent that never reaps it, and how it ended. */
export interface UnreapedRun {
  pid: number;
  /** waitpid(2)-style status from /proc/PID/stat field 52: `code << 8` for an exit, the signal for a kill. */
  status: number;
  killed: boolean;
  stderr: string;
  /** The mutating calls that reached the gateway during this run. */
  mutating: string[];
}

/** Fields 3 (state) and 52 (exit_code) of /proc/PID/stat; undefined once the pid is gone. */
function procStatus(pid: number): { state: string; exitCode: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 1).trim().split(/\s+/);
    return { state: fields[0] ?? '', exitCode: Number(fields[49]) };
  } catch {
    return undefined;
  }
}

async function untilZombie(pid: number): Promise<number> {
  for (;;) {
    const status = procStatus(pid);
    if (!status) throw new Error(`pid ${pid} was reaped: its parent was meant never to wait for it`);
    if (status.state === 'Z') return status.exitCode;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Until the gateway has logged nothing new for a moment: a call the killed run wrote to its socket just
 * before the kill still reaches the gateway after the kill, and must not be taken for the next run's.
 */
async function gatewayQuiet(sandbox: Sandbox, quietMs = 250): Promise<void> {
  for (let seen = -1; seen !== sandbox.gateway.log.length; ) {
    seen = sandbox.gateway.log.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

/**
 * A chain of crashes at every mutating call, each run under a parent that never reaps it (as in a container
 * whose PID 1 is a shell): `sh -c 'node aws-runbook … & exec sleep'` makes sleep the tool's parent, so a
 * killed tool stays a zombie, its pid alive to kill(pid, 0), while the next run starts. Each run is killed
 * with SIGKILL as soon as its first mutating call lands (moto made the change; the answer is never
 * delivered), and the next run starts at once. Returns every run, the last one the run that finished.
 */
export async function crashAtEveryCallUnreaped(sandbox: Sandbox, cwd: string, args: string[], maxRuns: number): Promise<UnreapedRun[]> {
  const runs: UnreapedRun[] = [];
  const parents: ChildProcess[] = [];
  try {
    for (let i = 0; i < maxRuns; i += 1) {
      const err = join(cwd, `run-${i}.stderr`);
      const script = `"$0" "$@" >/dev/null 2>"${err}" & echo "$!"; exec sleep 600`;
      const parent = spawn('sh', ['-c', script, process.execPath, CLI, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'ignore'] });
      parents.push(parent);
      const pid = await new Promise<number>((resolve, reject) => {
        parent.stdout?.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
        parent.once('exit', (code) => reject(new Error(`sh exited (${code}) before starting the tool`)));
      });
      const since = sandbox.gateway.log.length;
      const sinceSeq = sandbox.gateway.log.at(-1)?.seq ?? 0;
      let killed = false;
      const unsubscribe = sandbox.gateway.onLanded({ action: /./ }, async (call) => {
        // Calls the previous (killed) run left in flight still land: only this run's own count.
        if (!call.entry.mutating || call.entry.seq <= sinceSeq || killed) return;
        killed = true;
        process.kill(pid, 'SIGKILL');
        await untilZombie(pid); // the answer is held until the tool is gone: it never hears it
      });
      const status = await untilZombie(pid);
      unsubscribe();
      // The calls a killed run wrote to its sockets just before the kill land after it: they are its own (moto
      // makes them, the tool never hears), and the next run starts once they are in.
      if (killed) await gatewayQuiet(sandbox);
      const stderr = readFileSync(err, 'utf8');
      assertNoRefusedConnects(stderr);
      const mutating = sandbox.gateway.log.slice(since).filter((entry) => entry.mutating).map((entry) => entry.action);
      runs.push({ pid, status, killed, stderr, mutating });
      if (!killed) break;
    }
  } finally {
    for (const parent of parents) parent.kill('SIGKILL');
  }
  return runs;
}
