/**
 * Figures for the whole runbook (printed, never asserted), against moto behind the gateway:
 *  - latency off: wall time and AWS request counts of the full `up --yes`, and of the no-op rerun;
 *  - with the scaled latency profile: the makespan of the full `up` divided by its critical path
 *    (the longest chain of `needs`, each step weighted by how long it took in that very run).
 *    1.00 means nothing waited for a free slot or a slow scheduler; the goal is ≤ 1.05.
 * Runs the real engine in-process (same code path as the CLI), on 127.0.0.1 only.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients } from '../src/aws/clients.js';
import { configSchema } from '../src/config/schema.js';
import { RunbookSession } from '../src/app/session.js';
import type { EngineEvent } from '../src/engine/events.js';
import { allSteps } from '../src/runbook/sections.js';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_ACCESS_KEY_ID = 'testing';
process.env.AWS_SECRET_ACCESS_KEY = 'testing';
process.env.AWS_EC2_METADATA_DISABLED = 'true';

const keyDir = await mkdtemp(join(tmpdir(), 'awsrb-bench-key-'));
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keyDir, 'id')]);

async function runUp(sandbox: Sandbox, suffix: string) {
  const config = configSchema.parse({ suffix, access: { adminCidr: '203.0.113.7/32', publicKeyPath: join(keyDir, 'id.pub') } });
  const session = await RunbookSession.open({
    config,
    configPath: '(bench)',
    configFound: false,
    stateDir: await mkdtemp(join(tmpdir(), 'awsrb-bench-state-')),
    aws: createAwsClients({ region: config.region, endpoint: sandbox.endpoint }),
    sandbox: true,
    mode: 'write',
    command: 'up',
  });
  const events: EngineEvent[] = [];
  session.subscribe((event) => events.push(event));
  const sections = session.sections().filter((s) => s.available).map((s) => s.id);
  const runOnce = async () => {
    const before = sandbox.gateway.log.length;
    events.length = 0;
    const started = performance.now();
    await session.loadIdentity();
    const outcome = await session.apply(sections);
    const ms = performance.now() - started;
    const calls = sandbox.gateway.log.slice(before);
    return { outcome, ms, calls: calls.length, mutating: calls.filter((c) => c.mutating).length, events: [...events] };
  };
  return { session, runOnce, steps: allSteps(session.runbook).filter((s) => sections.includes(s.section)) };
}

/** Longest chain of needs, each step weighted by its measured duration. */
function criticalPath(steps: { id: string; needs: readonly string[] }[], durations: Map<string, number>): number {
  const memo = new Map<string, number>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const finish = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const step = byId.get(id);
    const before = Math.max(0, ...(step?.needs ?? []).filter((n) => byId.has(n)).map(finish));
    const value = before + (durations.get(id) ?? 0);
    memo.set(id, value);
    return value;
  };
  return Math.max(...steps.map((s) => finish(s.id)));
}

/**
 * Where the makespan goes beyond the critical path: walking the critical path back from its last step, the
 * time between a step's needs finishing and the step starting (waiting for a slot, the scheduler, the event loop).
 */
function gapsOnCriticalPath(steps: { id: string; needs: readonly string[] }[], events: EngineEvent[]): { total: number; largest: [string, number] } {
  const started = new Map<string, number>();
  const done = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'step-started') started.set(event.stepId, event.at);
    if (event.type === 'step-done') done.set(event.stepId, event.at);
  }
  const byId = new Map(steps.map((s) => [s.id, s]));
  let id = [...done.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  let total = 0;
  let largest: [string, number] = ['-', 0];
  while (id) {
    const needs = (byId.get(id)?.needs ?? []).filter((n) => done.has(n));
    const last = needs.sort((a, b) => (done.get(b) ?? 0) - (done.get(a) ?? 0))[0];
    const gap = (started.get(id) ?? 0) - (last ? (done.get(last) ?? 0) : (started.get(id) ?? 0));
    total += gap;
    if (gap > largest[1]) largest = [id, gap];
    id = last;
  }
  return { total, largest };
}

function durationsOf(events: EngineEvent[]): Map<string, number> {
  const started = new Map<string, number>();
  const durations = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'step-started') started.set(event.stepId, event.at);
    if (event.type === 'step-done') durations.set(event.stepId, event.at - (started.get(event.stepId) ?? event.at));
  }
  return durations;
}

const rows: string[] = [];
{
  const sandbox = await startSandbox();
  try {
    const { session, runOnce } = await runUp(sandbox, 'BenchOff');
    const fresh = await runOnce();
    const rerun = await runOnce();
    rows.push(`full up, latency off        ${fresh.outcome}  wall ${(fresh.ms / 1000).toFixed(2)} s  requests ${fresh.calls}  mutating ${fresh.mutating}`);
    rows.push(`no-op rerun, latency off    ${rerun.outcome}  wall ${(rerun.ms / 1000).toFixed(2)} s  requests ${rerun.calls}  mutating ${rerun.mutating}`);
    await session.close();
  } finally {
    await sandbox.stop();
  }
}
{
  const scale = Number(process.env.BENCH_TIME_SCALE ?? 0.02);
  const sandbox = await startSandbox({ latency: { scale } });
  try {
    const { session, runOnce, steps } = await runUp(sandbox, 'BenchLat');
    const run = await runOnce();
    const cp = criticalPath(steps, durationsOf(run.events));
    // Makespan of the apply phase: first step started → run finished (the read-only plan before it is excluded).
    const firstStart = Math.min(...run.events.filter((e) => e.type === 'step-started').map((e) => e.at));
    const finished = run.events.find((e) => e.type === 'run-finished')?.at ?? firstStart;
    const makespan = finished - firstStart;
    const gaps = gapsOnCriticalPath(steps, run.events);
    rows.push(
      `  gaps on the last-finishing chain: ${gaps.total} ms in all, largest ${gaps.largest[1]} ms before ${gaps.largest[0]}`,
    );
    rows.push(
      `full up, latency ×${scale}     ${run.outcome}  wall ${(run.ms / 1000).toFixed(2)} s  apply makespan ${(makespan / 1000).toFixed(2)} s  critical path ${(cp / 1000).toFixed(2)} s  ratio ${(makespan / cp).toFixed(3)} (goal ≤ 1.05)`,
    );
    await session.close();
  } finally {
    await sandbox.stop();
  }
}
console.log('aws-runbook bench — full runbook against moto behind the gateway');
for (const row of rows) console.log(`  ${row}`);
