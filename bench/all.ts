/**
 * `npm run bench`: every figure side by side, in one table (printed, never asserted; tests assert counts,
 * never times). Everything runs the built tool (dist/bin/aws-runbook.js, as `npx aws-runbook` does) on
 * 127.0.0.1 only:
 *  - the infrastructure sections (network … compute) against moto behind the sandbox gateway, latency off:
 *    `up --yes`, its no-op rerun, `plan`, `down --yes`: wall time (process start included), AWS requests
 *    (all, and those that change something) and peak RSS;
 *  - start-up, in a pseudo-terminal: the first frame (the assistant's header line) and the Welcome with
 *    the identity filled in, for `--sandbox` (moto started by the tool) and `--endpoint-url` (moto
 *    running); the first line of the plain output (`down --yes` without a terminal, on a project with
 *    nothing built: `up --yes` starts with the same line); `up` in a terminal to its first line and to
 *    the network section's preview; `--version` and `--help` to exit;
 *  - with BENCH_SUITE=1, the wall time of the whole test suite (`npx vitest run`).
 * Start-up figures are the best of a few runs (the machine is shared: the minimum is the tool's own cost).
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.js';
import { packageVersion } from '../src/cli/version.js';
import { CLI, cliEnv } from '../test/helpers/cli.js';
import { best, timeToFirstLine, timeToMarks, wallTime } from './startup.js';

const INFRASTRUCTURE = 'network,peering,security,database,storage,compute';
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Row {
  what: string;
  wall: string;
  requests?: string;
  note?: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** `aws-runbook ...args` to exit, under GNU time for its peak RSS. */
function run(args: string[], cwd: string): Promise<{ code: number | null; ms: number; rssKb?: number }> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, CLI, ...args], { cwd, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = Number(stderr.trim().split('\n').pop());
      resolvePromise({ code, ms: performance.now() - started, ...(Number.isFinite(rss) ? { rssKb: rss } : {}) });
    });
  });
}

/** A project that can build every infrastructure section: an admin range and a fresh SSH key. */
async function project(suffix: string): Promise<string> {
  const cwd = await mkdtemp(join(tmpdir(), 'awsrb-bench-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(cwd, 'key')]);
  await writeFile(join(cwd, 'aws-runbook.yaml'), `suffix: ${suffix}\naccess:\n  adminCidr: 203.0.113.7/32\n  publicKeyPath: ${join(cwd, 'key.pub')}\n`);
  return cwd;
}

/** The kinds also read to wait for AWS after a write: the plan's read, then the polls (their count depends on timing: polls may merge into rounds). */
const WAIT_READS = new Set(['DescribeInstances', 'DescribeNatGateways', 'DescribeVpcPeeringConnections', 'DescribeDBInstances']);

async function infrastructure(sandbox: Sandbox): Promise<Row[]> {
  const cwd = await project('Bench');
  const endpoint = ['--endpoint-url', sandbox.endpoint];
  const rows: Row[] = [];
  for (const [what, args] of [
    ['up --yes (network … compute)', ['up', '--yes', '--only', INFRASTRUCTURE]],
    ['up --yes, no-op rerun', ['up', '--yes', '--only', INFRASTRUCTURE]],
    ['plan', ['plan', '--only', INFRASTRUCTURE]],
    ['down --yes', ['down', '--yes']],
  ] as const) {
    const before = sandbox.gateway.log.length;
    const result = await run([...args, ...endpoint], cwd);
    const logged = sandbox.gateway.log.slice(before);
    // moto's threaded server now and then answers a 500 to one of many parallel reads; the SDK sends it again.
    const calls = logged.filter((entry) => entry.status < 500);
    const emulatorErrors = logged.length - calls.length;
    const mutating = calls.filter((entry) => entry.mutating).length;
    const waits = calls.filter((entry) => WAIT_READS.has(entry.action)).length;
    rows.push({
      what,
      wall: seconds(result.ms),
      requests: `${calls.length} (${mutating} change)`,
      note:
        `exit ${result.code}${result.rssKb ? `, peak RSS ${Math.round(result.rssKb / 1024)} MiB` : ''}, ${waits} instance/NAT/peering/DB reads` +
        (emulatorErrors > 0 ? `, +${emulatorErrors} moto 5xx sent again` : ''),
    });
  }
  return rows;
}

/** The assistant's header line (the first frame) and the Welcome with the account filled in. */
const MARKS = { frame: /aws-runbook · /, welcome: /account\s+\d{12}/ };

async function startup(sandbox: Sandbox): Promise<Row[]> {
  const cwd = await project('Bench');
  const rows: Row[] = [];
  for (const [what, args, runs] of [
    ['aws-runbook --sandbox', ['--sandbox'], Math.min(RUNS, 2)],
    ['aws-runbook --endpoint-url', ['--endpoint-url', sandbox.endpoint], RUNS],
  ] as const) {
    const marks = await best(runs, () => timeToMarks([...args], cwd, MARKS));
    rows.push({ what: `${what}: first frame`, wall: seconds(marks.frame ?? NaN) });
    rows.push({ what: `${what}: Welcome with the account`, wall: seconds(marks.welcome ?? NaN), note: args[0] === '--sandbox' ? 'moto started by the tool' : 'moto running' });
  }
  // A project with nothing built: stopping it at its first line leaves nothing half-done.
  const plain = await best(RUNS, () => timeToFirstLine(['down', '--yes', '--endpoint-url', sandbox.endpoint], cwd));
  rows.push({ what: 'down --yes (no terminal): first line', wall: seconds(plain), note: 'the same line up --yes starts with' });
  // `up` in a terminal: its first line, then the first section's preview (stopped there with Ctrl-C: nothing applied).
  const interactive = await best(RUNS, () => timeToMarks(['up', '--only', 'network', '--endpoint-url', sandbox.endpoint], cwd, { line: /aws-runbook up · /, preview: /y\/Enter/ }));
  rows.push({ what: 'up (terminal): first line', wall: seconds(interactive.line ?? NaN) });
  rows.push({ what: 'up (terminal): the network preview', wall: seconds(interactive.preview ?? NaN), note: 'the plan read, then the screen' });
  rows.push({ what: 'aws-runbook --version', wall: seconds(await best(RUNS + 2, () => wallTime(['--version'], cwd))) });
  rows.push({ what: 'aws-runbook --help', wall: seconds(await best(RUNS + 2, () => wallTime(['--help'], cwd))) });
  return rows;
}

/** `npx vitest run`, its wall time and exit code. */
function suite(): Promise<Row> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn('npx', ['vitest', 'run'], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ what: 'the test suite (npx vitest run)', wall: seconds(performance.now() - started), note: `exit ${code}` }));
  });
}

function table(sections: [string, Row[]][]): string {
  const all = sections.flatMap(([, rows]) => rows);
  const width = {
    what: Math.max(...all.map((r) => r.what.length)),
    wall: Math.max(4, ...all.map((r) => r.wall.length)),
    requests: Math.max(8, ...all.map((r) => (r.requests ?? '').length)),
  };
  const line = (what: string, wall: string, requests: string, note: string) =>
    `  ${what.padEnd(width.what)}  ${wall.padStart(width.wall)}  ${requests.padStart(width.requests)}  ${note}`.trimEnd();
  const out = [line('', 'wall', 'requests', '')];
  for (const [title, rows] of sections) {
    out.push(title);
    for (const row of rows) out.push(line(row.what, row.wall, row.requests ?? '', row.note ?? ''));
  }
  return out.join('\n');
}

/** The machine is shared: the load the figures were taken under, said with them. */
const loadAtStart = loadavg()[0] ?? 0;
const sandbox = await startSandbox();
const sections: [string, Row[]][] = [];
try {
  // moto builds its EC2 backend on the first EC2 call (~2 s): done before anything is measured.
  const warm = new EC2Client({ region: 'us-east-2', endpoint: sandbox.motoEndpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await warm.send(new DescribeVpcsCommand({}));
  warm.destroy();
  sections.push([`infrastructure against moto behind the gateway (${sandbox.endpoint}), latency off`, await infrastructure(sandbox)]);
  sections.push([`start-up (best of ${RUNS}; --sandbox best of ${Math.min(RUNS, 2)}), pseudo-terminal 120x40`, await startup(sandbox)]);
} finally {
  await sandbox.stop();
}
if (process.env.BENCH_SUITE === '1') sections.push(['suite (BENCH_SUITE=1)', [await suite()]]);
else sections.push(['suite', [{ what: 'the test suite', wall: '-', note: 'not run: BENCH_SUITE=1 npm run bench runs it' }]]);

console.log(`aws-runbook ${packageVersion()} bench — ${new Date().toISOString()}, node ${process.version}, ${cpus().length} CPUs, load ${loadAtStart.toFixed(1)} at the start`);
console.log(table(sections));
