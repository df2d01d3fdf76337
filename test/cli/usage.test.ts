import { packShopZip } from '../fixtures/shop/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { freeLoopbackPort } from '../../src/sandbox/moto.js';
import { SECTION_IDS } from '../../src/engine/types.js';
import { collect, projectDir, runCli, spawnCli, type CliResult } from '../helpers/cli.js';
import { workerSandbox } from '../helpers/worker-moto.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await workerSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

// The bad inputs (config, flags, state, credentials, secrets: exit 2, nothing touched) are the table of
// test/cli/bad-input.test.ts; this file keeps what the table does not cover.
describe('usage errors exit 2 with a message that says what to do', () => {
  it('the interactive assistant without a terminal points at the plain commands', async () => {
    const result = await runCli([], { cwd: await projectDir('Tui') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs a terminal/);
    expect(result.stderr).toMatch(/up --yes/);
  });
});

describe('plan and status', () => {
  it('with no config file, the seed defaults are used (project bfhk)', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const cwd = await mkdtemp(join(tmpdir(), 'awsrb-noconfig-'));
    const result = await runCli(['plan', '--offline', '--json'], { cwd });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ project: 'bfhk', region: 'us-east-2' });
    const named = await runCli(['plan', '--offline', '--config', 'missing.yaml'], { cwd });
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/missing\.yaml/);
  });

  it('plan --offline works from the config alone', async () => {
    const result = await runCli(['plan', '--offline'], { cwd: await projectDir('Offline') });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Offline plan/);
    expect(result.stdout).toMatch(/aws ec2 create-vpc --cidr-block 10\.1\.0\.0\/16/);
  });

  it('plan --offline sends nothing anywhere: a listening endpoint gets no connection, the tool opens no socket', async () => {
    const { createServer } = await import('node:net');
    const { mkdtemp, readFile, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const connections: string[] = [];
    // Any connection fails the test: it is counted and hung up on.
    const trap = createServer((socket) => {
      connections.push(`${socket.remoteAddress}:${socket.remotePort}`);
      socket.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(trap.address() as { port: number }).port}`;
    try {
      const cwd = await projectDir('Offline2');
      const log = join(await mkdtemp(join(tmpdir(), 'awsrb-offline-')), 'sockets.log');
      await writeFile(log, '');
      for (const [args, env] of [
        [['plan', '--offline', '--endpoint-url', endpoint], {}],
        [['plan', '--offline', '--json'], { AWS_ENDPOINT_URL: endpoint }],
      ] as const) {
        const result = await runCli([...args], { cwd, env: { ...env, AWSRB_SOCKET_LOG: log } });
        expect(result.code, result.stderr).toBe(0);
      }
      expect(connections).toEqual([]);
      expect(await readFile(log, 'utf8')).toBe('');
      // The same endpoint without --offline is asked (the trap sees it): the test can see a request.
      const live = await runCli(['plan', '--endpoint-url', endpoint], { cwd });
      expect(live.code).toBe(0);
      expect(connections.length).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => trap.close(resolve));
    }
  });

  it('plan falls back to offline when AWS does not answer', async () => {
    const port = await freeLoopbackPort();
    const result = await runCli(['plan', '--endpoint-url', `http://127.0.0.1:${port}`], { cwd: await projectDir('Down') });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Offline plan: AWS did not answer/);
  });

  it('plan --json is live, lists every section and the totals, and changes nothing', async () => {
    const before = sandbox.gateway.log.length;
    const result = await runCli(['plan', '--json', '--endpoint-url', sandbox.endpoint], { cwd: await projectDir('Json') });
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout);
    expect(plan).toMatchObject({ project: 'json', region: 'us-east-2', live: true, account: '123456789012' });
    expect(plan.sections.map((s: { id: string }) => s.id)).toEqual(['network', 'peering', 'security', 'database', 'storage', 'compute', 'hosts', 'backup']);
    const steps = plan.sections.flatMap((s: { steps: { action: string; preview: { monthlyCostUsd?: number } }[] }) => s.steps);
    expect(steps.length).toBeGreaterThan(40);
    // Everything is to be created, but the image lookup, which finds Canonical's image (a read, recorded as "adopt").
    const notCreate = steps.filter((s: { action: string }) => s.action !== 'create').map((s: { stepId: string; action: string }) => `${s.stepId}:${s.action}`);
    expect(notCreate).toEqual(['compute.ami:adopt']);
    expect(plan.totals.create).toBe(steps.length - 1);
    const cost = steps.reduce((sum: number, s: { preview: { monthlyCostUsd?: number } }) => sum + (s.preview.monthlyCostUsd ?? 0), 0);
    expect(plan.totals.monthlyCostUsd).toBeCloseTo(cost, 2);
    expect(plan.totals.monthlyCostUsd).toBeGreaterThan(60); // two NAT gateways alone are 2 × $32.85
    expect(plan.predictedPingMatrix.length).toBeGreaterThan(0);
    expect(sandbox.gateway.log.slice(before).filter((entry) => entry.mutating)).toEqual([]);
  });

  it('status --json reads the state without calling AWS', async () => {
    const cwd = await projectDir('Status');
    const up = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(up.code).toBe(0);
    const before = sandbox.gateway.log.length;
    const status = await runCli(['status', '--json'], { cwd });
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed.sections.find((s: { id: string }) => s.id === 'network').recorded).toBe('done');
    expect(parsed.resume).toBeNull();
    expect(sandbox.gateway.log.length).toBe(before);
    await runCli(['down', '--yes', '--endpoint-url', sandbox.endpoint], { cwd });
  });

  it('status tells a run that holds the lock now ("running now") from an interrupted one ("resume with")', async () => {
    const cwd = await projectDir('Live');
    const up = ['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint];
    const running = spawnCli(up, { cwd });
    const runningDone = collect(running);
    const seen: CliResult[] = [];
    const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateVpc', nth: 1 }, async () => {
      seen.push(await runCli(['status'], { cwd }), await runCli(['status', '--json'], { cwd }));
    });
    expect((await runningDone).code).toBe(0);
    unsubscribe();
    const [text, json] = seen;
    expect(text?.code, text?.stderr).toBe(0);
    expect(text?.stdout).toMatch(new RegExp(`running now: \`up\` \\(pid ${running.pid}, host ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\)`));
    expect(text?.stdout).toMatch(/next: wait for the running `up` to finish/);
    expect(text?.stdout).not.toMatch(/interrupted|resume with/);
    expect(JSON.parse(json?.stdout ?? '')).toMatchObject({ running: { pid: running.pid, host: hostname(), command: 'up' }, resume: null });

    // A project whose up was killed: nothing holds its lock, so that run was interrupted.
    const gone = await projectDir('Gone');
    const killed = spawnCli(up, { cwd: gone });
    const killedDone = collect(killed);
    const stop = sandbox.gateway.onLanded({ action: 'CreateVpc', nth: 1 }, async () => {
      killed.kill('SIGKILL');
      await killedDone;
    });
    expect((await killedDone).signal).toBe('SIGKILL');
    stop();
    const after = await runCli(['status'], { cwd: gone });
    expect(after.stdout).toMatch(/last run: up started \S+ — interrupted/);
    expect(after.stdout).toMatch(/resume with: aws-runbook up/);
    expect(after.stdout).not.toMatch(/running now/);
    expect(JSON.parse((await runCli(['status', '--json'], { cwd: gone })).stdout)).toMatchObject({ running: null, resume: { outcome: 'interrupted' } });
  }, 60_000);
});

describe('a sandbox gateway with a lab, through --endpoint-url', () => {
  it('without its control token the lab is not listed, and a hosts section refused says how to give it', async () => {
    sandbox.gateway.setLab({ instances: { 'compute.gitlab': { privateIp: '127.0.0.2', publicIp: '127.0.0.3' } } });
    try {
      const cwd = await projectDir('NoToken');
      const result = await runCli(['up', '--yes', '--only', 'hosts', '--endpoint-url', sandbox.endpoint], { cwd });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--only: section hosts (needs hosts to reach over SSH`);
      expect(result.stderr).toContain(`the sandbox gateway at ${sandbox.endpoint} did not list its lab's hosts: it needs the control token \`aws-runbook sandbox serve\` printed: export AWS_RUNBOOK_SANDBOX_TOKEN=<token>`);
      // With the token the lab's hosts are listed: the same command gets past that (and stops at the next missing input).
      const withToken = await runCli(['up', '--yes', '--only', 'hosts', '--endpoint-url', sandbox.endpoint], { cwd, env: { AWS_RUNBOOK_SANDBOX_TOKEN: sandbox.controlToken } });
      expect(withToken.stderr).not.toContain('needs hosts to reach over SSH');
      expect(withToken.stderr).not.toContain('control token');
    } finally {
      sandbox.gateway.setLab(undefined);
    }
  });
});

describe('the sandbox', () => {
  it('--sandbox rehearses with its own emulator, says so, and leaves nothing behind', async () => {
    const cwd = await projectDir('Rehearse');
    const result = await runCli(['up', '--yes', '--only', 'network', '--sandbox'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/SANDBOX — nothing real is created/);
    expect(result.stdout).toMatch(/network\.mvp\.vpc/);
    expect(result.stdout.split('\n')[0]).toBe('aws-runbook up · rehearse · us-east-2 · sandbox (moto on loopback, nothing real) · state a throwaway directory');
    expect(existsSync(join(cwd, '.aws-runbook'))).toBe(false);
  });

  it("--sandbox rehearses the whole runbook with the vendor's zip as the shop's source, hosts and backup on simulated hosts, with no admin CIDR, no SSH key or Stripe keys; it ends with the shop on :5085 and connects to nothing but loopback", async () => {
    const { mkdtemp, readFile, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const cwd = await mkdtemp(join(tmpdir(), 'awsrb-rehearsal-'));
    // The stand-in the rehearsal writes when no source is given is the TUI walk's (test/screens/rehearsal-walk.test.tsx).
    await writeFile(join(cwd, 'aws-runbook.yaml'), `shop:\n  source: ${await packShopZip(cwd)}\n`);
    // The tests' network guard, loaded into every tool a test spawns (test/setup/socket-guard.mjs), also logs
    // every socket connect it sees to AWSRB_SOCKET_LOG.
    const log = join(cwd, 'sockets.log');
    await writeFile(log, '');
    const result = await runCli(['up', '--yes', '--sandbox'], { cwd, env: { HOME: cwd, AWSRB_SOCKET_LOG: log } });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stderr).toMatch(/documentation range/);
    expect(result.stderr).toMatch(/throwaway key/);
    expect(result.stderr).toMatch(/hosts are simulated in this process: nothing connects anywhere/);
    expect(result.stderr).not.toMatch(/stand-in shop/);
    expect(result.stderr).toMatch(/fake test keys/);
    for (const section of SECTION_IDS) expect(result.stdout).toMatch(new RegExp(`■ section ${section} ok`));
    for (const step of ['hosts.login.ia', 'hosts.docker.ecommerce', 'hosts.shop', 'hosts.wordpress', 'hosts.gitlab-ce.gitlab', 'hosts.uptime-kuma.monitoring', 'backup.db-user', 'backup.timer']) {
      expect(result.stdout).toMatch(new RegExp(`✓ ${step.replaceAll('.', '\\.')} `));
    }
    expect(result.stdout).toMatch(/run ok/);
    expect(result.stdout).toMatch(/✓ hosts\.shop .*url=http:\/\/[\d.]+:5085\/ .*service=appseed-app/);
    expect(result.stdout.trimEnd().split('\n').slice(-5).join('\n')).toMatch(/^ {2}shop {9}http:\/\/[\d.]+:5085\/ {2}admin at \/admin\//m);
    expect(result.stdout + result.stderr).not.toMatch(/sk_test_AwsRunbookSandbox/);
    const sockets = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    expect(sockets.length).toBeGreaterThan(10);
    expect(sockets.filter((to) => !/^(127\.0\.0\.1|localhost):\d+$/.test(to))).toEqual([]);
    // The rehearsal's throwaway directory (state, key, stand-in source) is gone with it.
    expect(existsSync(join(cwd, '.aws-runbook'))).toBe(false);
  }, 180_000);

  it('sandbox serve answers the SDK on the given port and stops on Ctrl-C', async () => {
    const port = await freeLoopbackPort();
    const child = spawnCli(['sandbox', 'serve', '--port', String(port)], { cwd: await projectDir('Serve') });
    const done = collect(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (!output.includes(`127.0.0.1:${port}`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output).toContain(`http://127.0.0.1:${port}`);
    const ec2 = new EC2Client({ region: 'us-east-2', endpoint: `http://127.0.0.1:${port}`, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    const vpcs = await ec2.send(new DescribeVpcsCommand({}));
    ec2.destroy();
    expect(Array.isArray(vpcs.Vpcs)).toBe(true);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(0);
  }, 40_000);
});
