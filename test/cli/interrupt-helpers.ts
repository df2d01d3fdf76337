import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildRunbook } from '../../src/runbook/sections.js';
import { configSchema } from '../../src/config/schema.js';
import type { LatencyOptions } from '../../src/sandbox/gateway.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { CLI, cliEnv, collect, projectDir, spawnCli, type CliResult } from '../helpers/cli.js';

export const ADMIN = '203.0.113.7/32';

/** Whether the process exists and is not a zombie waiting to be reaped. */
export function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A project directory whose config can build every AWS section (admin CIDR, a fresh SSH key). */
export async function fullProject(suffix: string): Promise<string> {
  const dir = await projectDir(suffix);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
  await writeFile(join(dir, 'aws-runbook.yaml'), `suffix: ${suffix}\naccess:\n  adminCidr: ${ADMIN}\n  publicKeyPath: ${join(dir, 'key.pub')}\n`);
  return dir;
}

export interface StepEntry {
  status: string;
  outputs?: Record<string, string>;
  error?: { kind: string };
  pendingOperation?: { action: string; clientToken?: string };
}

export interface StateFile {
  lastRun?: { command: string; outcome?: string; finishedAt?: string };
  steps: Record<string, StepEntry>;
}

/** The project's state file, parsed (throws when it is missing or not JSON). */
export async function stateOf(cwd: string): Promise<StateFile> {
  return JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8')) as StateFile;
}

/** Polls `probe` until it returns something other than undefined (a missing or half-read file counts as undefined). */
export async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Resolves once the child's output so far matches. */
export function outputMatches(child: ChildProcess, stream: 'stdout' | 'stderr', pattern: RegExp): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    child[stream]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) resolve(text);
    });
  });
}

export const INSTANCE_STEPS = ['compute.ecommerce', 'compute.wordpress', 'compute.gitlab', 'compute.monitoring', 'compute.ia'];
/** The public hosts' Elastic IP associations (each needs its instance). */
export const EIP_ASSOCIATION_STEPS = ['compute.ecommerce.eip-association', 'compute.wordpress.eip-association', 'compute.gitlab.eip-association'];

/** The instance steps whose launch answer is recorded. */
export const launched = (state: StateFile) => INSTANCE_STEPS.filter((id) => /^i-/.test(state.steps[id]?.outputs?.instanceId ?? ''));

/** Whether every step of the run's `--only` sections is done but `left` (so these are what the run is on). */
export function onlyLeft(state: StateFile, args: string[], left: string[]): boolean {
  const sections = args[args.indexOf('--only') + 1]!.split(',');
  const steps = buildRunbook(configSchema.parse({ access: { adminCidr: ADMIN } })).filter((s) => sections.includes(s.id)).flatMap((s) => s.steps);
  return steps.every((step) => left.includes(step.id) || state.steps[step.id]?.status === 'done');
}

/** Python's pty module: runs the command on a pseudo-terminal, relays stdin and output, exits with its code. */
const IN_TERMINAL = 'import os, pty, sys\nsys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))';

/** The built tool in a terminal (stdin/stdout are a TTY, so it runs the assistant): keys go to stdin. */
export function spawnInTerminal(args: string[], cwd: string): ChildProcess {
  return spawn('python3', ['-c', IN_TERMINAL, process.execPath, CLI, ...args], {
    cwd,
    env: cliEnv({ COLUMNS: '120', LINES: '40' }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** The one child process of `pid` (the tool under its terminal wrapper). */
export function childOf(pid: number): number {
  const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/);
  if (pids.length !== 1) throw new Error(`expected one child of ${pid}, got ${pids.join(', ')}`);
  return Number(pids[0]);
}

/** A test that failed midway leaves nothing running: the tool (by its pid) and its terminal wrapper. */
export function killInTerminal(wrapper: ChildProcess): void {
  try {
    process.kill(childOf(wrapper.pid!), 'SIGKILL');
  } catch {
    // already gone
  }
  wrapper.kill('SIGKILL');
}

/** `promise`, or a rejection after `ms`: a test waiting in vain fails (and cleans up) instead of timing out. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/**
 * Runs `args` in `cwd` with the gateway's `latency`, and sends SIGINT at a chosen point: once `landed` has
 * reached moto and the state file satisfies `ready` (`what` names the point for a timeout). With `holdAnswer`
 * the landed call's answer is held until the tool has exited (5 s at most), so that call is in flight when
 * the interrupt comes. The latency is reset afterwards. Resolves with the result and how long the tool took
 * to exit after the interrupt.
 */
export async function interruptAt(
  sandbox: Sandbox,
  cwd: string,
  args: string[],
  point: { latency: LatencyOptions; landed: { action: string; nth?: number }; what: string; ready: (state: StateFile) => boolean; holdAnswer?: boolean },
): Promise<{ result: CliResult; exitMs: number }> {
  sandbox.gateway.setLatency(point.latency);
  try {
    const child = spawnCli(args, { cwd });
    const done = collect(child);
    let interruptedAt = 0;
    const interrupt = async () => {
      await until(point.what, async () => (point.ready(await stateOf(cwd)) ? true : undefined));
      interruptedAt = Date.now();
      child.kill('SIGINT');
    };
    const unsubscribe = sandbox.gateway.onLanded(point.landed, async () => {
      if (!point.holdAnswer) return void interrupt();
      await interrupt();
      await Promise.race([done, sleep(5000)]);
    });
    const result = await done;
    unsubscribe();
    return { result, exitMs: Date.now() - interruptedAt };
  } finally {
    sandbox.gateway.setLatency(undefined);
  }
}
