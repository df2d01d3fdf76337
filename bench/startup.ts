/**
 * Start-up figures of the built tool (printed by bench/all.ts, never asserted): how long after launch the
 * first frame and the filled-in Welcome come, in a pseudo-terminal (`script`), and the wall time of
 * `--version` and `--help`. Best of a few runs: the machine is shared, the minimum is the tool's own cost.
 */
import { spawn } from 'node:child_process';
import { CLI, cliEnv } from '../test/helpers/cli.js';
import { stripAnsi } from '../src/render/ansi.js';

export interface Marks {
  [name: string]: RegExp;
}

/**
 * Spawns the tool in a pseudo-terminal of 120x40 and returns, for each mark, the milliseconds from launch
 * to the first output that matches it (ANSI codes removed); then presses q and waits for it to exit.
 */
export function timeToMarks(args: string[], cwd: string, marks: Marks, env: NodeJS.ProcessEnv = cliEnv()): Promise<Record<string, number>> {
  const started = performance.now();
  const command = [process.execPath, CLI, ...args].map((part) => `'${part}'`).join(' ');
  return new Promise((resolvePromise, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...env, TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const seen: Record<string, number> = {};
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`not every mark within 60 s (${Object.keys(seen).join(', ')} seen); output so far:\n${stripAnsi(output)}`));
    }, 60_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const text = stripAnsi(output);
      for (const [name, mark] of Object.entries(marks)) if (seen[name] === undefined && mark.test(text)) seen[name] = performance.now() - started;
      if (Object.keys(seen).length === Object.keys(marks).length && !child.stdin.destroyed) {
        clearTimeout(timer);
        child.stdin.end('\u0003');
        setTimeout(() => child.kill('SIGTERM'), 5000).unref();
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      if (Object.keys(seen).length === Object.keys(marks).length) resolvePromise(seen);
    });
  });
}

/** Milliseconds from launch to exit of `aws-runbook ...args` (output discarded). */
export function wallTime(args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cliEnv(), stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', () => resolvePromise(performance.now() - started));
  });
}

/** The smallest of `runs` measurements (each mark on its own). */
export async function best<T extends Record<string, number> | number>(runs: number, measure: () => Promise<T>): Promise<T> {
  let kept: T | undefined;
  for (let i = 0; i < runs; i++) {
    const value = await measure();
    if (kept === undefined) kept = value;
    else if (typeof value === 'number') kept = Math.min(kept as number, value) as T;
    else kept = Object.fromEntries(Object.entries(value).map(([name, ms]) => [name, Math.min((kept as Record<string, number>)[name] ?? ms, ms)])) as T;
  }
  return kept as T;
}

/** Milliseconds from launch to the first output of `aws-runbook ...args` without a terminal (stdout or stderr); then it is stopped. */
export function timeToFirstLine(args: string[], cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let ms: number | undefined;
    const first = () => {
      if (ms !== undefined) return;
      ms = performance.now() - started;
      child.kill('SIGTERM');
    };
    child.stdout.once('data', first);
    child.stderr.once('data', first);
    child.on('error', reject);
    child.on('close', () => (ms === undefined ? reject(new Error(`aws-runbook ${args.join(' ')} said nothing`)) : resolvePromise(ms)));
  });
}
