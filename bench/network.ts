/**
 * Figures for the network section (printed, never asserted):
 *  - wall time and AWS request counts of `up --yes --only network` against moto (latency off),
 *  - the same for the no-op rerun, and for `down --yes`,
 *  - time to the first frame of the interactive assistant with --sandbox (moto start included), in a pty.
 * Everything runs on 127.0.0.1. Run with `npm run bench`.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { startSandbox } from '../src/sandbox/sandbox.js';
import { CLI, cliEnv } from '../test/helpers/cli.js';

// The tool as the tests run it: fake credentials, and the network guard (loopback only) loaded into it.
const env = cliEnv();

function run(args: string[], cwd: string): Promise<{ code: number | null; ms: number; maxRssKb?: number }> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    // GNU time reports the child's peak RSS.
    const child = spawn('/usr/bin/time', ['-f', '%M', process.execPath, CLI, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const rss = Number(stderr.trim().split('\n').pop());
      resolvePromise({ code, ms: performance.now() - started, ...(Number.isFinite(rss) ? { maxRssKb: rss } : {}) });
    });
  });
}

/** Spawn the assistant in a pseudo-terminal and time the first frame that shows the welcome screen. */
function timeToFirstFrame(args: string[], cwd: string, marker: RegExp): Promise<number> {
  const started = performance.now();
  const command = [process.execPath, CLI, ...args].map((part) => `'${part}'`).join(' ');
  return new Promise((resolvePromise, reject) => {
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...env, TERM: 'xterm-256color', COLUMNS: '120', LINES: '40' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no first frame within 30 s; output so far:\n${output}`));
    }, 30_000);
    let seen = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!seen && marker.test(output)) {
        seen = true;
        const ms = performance.now() - started;
        clearTimeout(timer);
        child.stdin.write('q');
        setTimeout(() => child.kill('SIGTERM'), 1500);
        child.on('close', () => resolvePromise(ms));
      }
    });
  });
}

/** A line of the Welcome screen (not the command line `script` echoes). */
const WELCOME = /one previewed section at a time/;

const sandbox = await startSandbox();
// moto builds its EC2 backend on the first EC2 call (~2 s): do that before measuring our tool.
const warm = new EC2Client({ region: 'us-east-2', endpoint: sandbox.motoEndpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
await warm.send(new DescribeVpcsCommand({}));
warm.destroy();
try {
  const cwd = await mkdtemp(join(tmpdir(), 'awsrb-bench-'));
  await writeFile(join(cwd, 'aws-runbook.yaml'), 'suffix: Bench\n');
  const endpoint = ['--endpoint-url', sandbox.endpoint];
  const rows: string[] = [];
  for (const [label, args] of [
    ['up --only network (fresh)', ['up', '--yes', '--only', 'network', ...endpoint]],
    ['up --only network (no-op rerun)', ['up', '--yes', '--only', 'network', ...endpoint]],
    ['down (everything)', ['down', '--yes', ...endpoint]],
  ] as const) {
    const before = sandbox.gateway.log.length;
    const result = await run([...args], cwd);
    const calls = sandbox.gateway.log.slice(before);
    const mutating = calls.filter((entry) => entry.mutating).length;
    rows.push(
      `${label.padEnd(34)} exit ${result.code}  wall ${(result.ms / 1000).toFixed(2)} s  requests ${String(calls.length).padStart(3)}  mutating ${String(mutating).padStart(3)}  peak RSS ${result.maxRssKb ? `${Math.round(result.maxRssKb / 1024)} MiB` : 'n/a'}`,
    );
  }
  const tuiCwd = await mkdtemp(join(tmpdir(), 'awsrb-bench-tui-'));
  // With a config: no first-run setup form, the Welcome is the first screen.
  await writeFile(join(tuiCwd, 'aws-runbook.yaml'), 'suffix: Bench\n');
  const firstFrameSandbox = await timeToFirstFrame(['--sandbox'], tuiCwd, WELCOME);
  const firstFrameEndpoint = await timeToFirstFrame(['--endpoint-url', sandbox.endpoint], tuiCwd, WELCOME);
  rows.push(`first frame, aws-runbook --sandbox (incl. moto start)   ${(firstFrameSandbox / 1000).toFixed(2)} s`);
  rows.push(`first frame, aws-runbook --endpoint-url (moto running)  ${(firstFrameEndpoint / 1000).toFixed(2)} s`);
  console.log(`aws-runbook bench — network section, moto ${sandbox.motoEndpoint} behind the gateway, latency off`);
  for (const row of rows) console.log(`  ${row}`);
} finally {
  await sandbox.stop();
}
