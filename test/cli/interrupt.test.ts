import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { collect, projectDir, runCli, spawnCli } from '../helpers/cli.js';
import { networkInventory } from '../helpers/inventory.js';
import { expectedNetwork } from '../helpers/expected-network.js';
import { expectedInfrastructure } from '../helpers/expected-full.js';
import { fullInventory } from '../helpers/full-inventory.js';
import { ADMIN, alive, childOf, EIP_ASSOCIATION_STEPS, fullProject, INSTANCE_STEPS, interruptAt, killInTerminal, launched, onlyLeft, outputMatches, spawnInTerminal, stateOf, until, within } from './interrupt-helpers.js';
import { workerSandbox } from '../helpers/worker-moto.js';

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await workerSandbox();
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('Ctrl-C and kill -9', () => {
  it('Ctrl-C during a call stops cleanly: exit 130, the state says where, the lock is released, up resumes', async () => {
    const cwd = await projectDir('Sigint');
    const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    const done = collect(child);
    let interruptedAt = 0;
    // Three gateways are created at once: one Ctrl-C only (a second one means "exit at once").
    const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateInternetGateway', nth: 1 }, async () => {
      interruptedAt = Date.now();
      child.kill('SIGINT');
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const result = await done;
    unsubscribe();
    expect(result.code).toBe(130);
    expect(Date.now() - interruptedAt).toBeLessThan(5000);
    expect(result.stderr).toMatch(/Stopping/);
    const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
    expect(state.lastRun).toMatchObject({ command: 'up', outcome: 'aborted' });
    const stopped = Object.entries(state.steps).filter(([, step]) => (step as { status: string }).status !== 'done');
    expect(stopped.length).toBeGreaterThan(0);
    expect(existsSync(join(cwd, '.aws-runbook', 'lock'))).toBe(false);

    const status = await runCli(['status', '--json'], { cwd });
    expect(JSON.parse(status.stdout).resume).toMatchObject({ command: 'up', outcome: 'interrupted' });
    // The steps in flight are recorded as stopped (failed, kind aborted): the section says stopped, not failed.
    expect(stopped.some(([, step]) => (step as { error?: { kind: string } }).error?.kind === 'aborted')).toBe(true);
    expect(JSON.parse(status.stdout).sections.find((s: { id: string }) => s.id === 'network')).toMatchObject({ recorded: 'stopped' });
    expect((await runCli(['status'], { cwd })).stdout).toMatch(/^network +■ stopped +\d+ steps$/m);

    const resumed = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming/);
    const inventory = await networkInventory(sandbox.motoEndpoint, 'sigint');
    expect(inventory).toEqual(expectedNetwork('Sigint'));
  }, 60_000);

  it('after kill -9, status names the interrupted step and the operation that was in flight', async () => {
    const cwd = await projectDir('Killed');
    const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    const done = collect(child);
    const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateVpc' }, async () => {
      child.kill('SIGKILL');
      await done;
    });
    await done;
    unsubscribe();
    const status = await runCli(['status', '--json'], { cwd });
    expect(status.code).toBe(0);
    const resume = JSON.parse(status.stdout).resume;
    // Several steps run at once (three VPCs, gateways, addresses): one of those that were in flight is named.
    expect(resume).toMatchObject({ command: 'up', outcome: 'interrupted' });
    const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
    expect(state.steps[resume.stepId]).toMatchObject({ status: 'running' });
    const pending = state.steps[resume.stepId].pendingOperation;
    if (pending) expect(resume.pendingOperation).toMatch(new RegExp(`^${pending.action} `));
    else expect(resume.pendingOperation).toBeUndefined();
    // The VPC whose CreateVpc landed is recorded with that operation in flight.
    expect(Object.values(state.steps).some((step) => (step as { pendingOperation?: { action: string } }).pendingOperation?.action === 'CreateVpc')).toBe(true);
    const text = await runCli(['status'], { cwd });
    expect(text.stdout).toMatch(/network\.mvp\.vpc/);
  }, 30_000);

  it('Ctrl-C during a wait (a NAT gateway still pending): stops within seconds, each waiting step is recorded as stopped with its id, the lock is released', async () => {
    const cwd = await projectDir('SigWait');
    // NAT gateways stay `pending` for 6 s at this scale: the run will be waiting on them.
    sandbox.gateway.setLatency({ scale: 0.05 });
    try {
      const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
      const done = collect(child);
      let interruptedAt = 0;
      // The chosen point: both NAT gateways made and recorded, the run waiting for them to be available.
      const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateNatGateway', nth: 2 }, () => {
        void (async () => {
          for (let i = 0; i < 100; i += 1) {
            const steps = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8')).steps;
            if (steps['network.ia.nat-gateway']?.outputs?.natGatewayId && steps['network.cyber.nat-gateway']?.outputs?.natGatewayId) break;
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          interruptedAt = Date.now();
          child.kill('SIGINT');
        })();
      });
      const result = await done;
      unsubscribe();
      expect(result.code).toBe(130);
      expect(Date.now() - interruptedAt).toBeLessThan(3000);
      const state = JSON.parse(await readFile(join(cwd, '.aws-runbook', 'state.json'), 'utf8'));
      expect(state.lastRun).toMatchObject({ command: 'up', outcome: 'aborted' });
      const nats = ['network.ia.nat-gateway', 'network.cyber.nat-gateway'].map((id) => state.steps[id]);
      // Each waiting step is recorded as stopped by the operator, with the NAT gateway it made (the resume adopts it).
      for (const nat of nats) {
        expect(nat).toMatchObject({ status: 'failed', error: { kind: 'aborted' }, outputs: { natGatewayId: expect.stringMatching(/^nat-/) } });
      }
      expect(existsSync(join(cwd, '.aws-runbook', 'lock'))).toBe(false);
      expect(result.stderr).toMatch(/Stopped\. `aws-runbook status` shows where; `aws-runbook up` resumes\./);
    } finally {
      sandbox.gateway.setLatency(undefined);
    }
    // The resume adopts the two NAT gateways (no second pair) and finishes.
    const resumed = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(resumed.code).toBe(0);
    expect(await networkInventory(sandbox.motoEndpoint, 'sigwait')).toEqual(expectedNetwork('SigWait'));
  }, 90_000);

  it('a second interrupt exits at once, before the clean stop can finish: no "Stopped." line, no recorded end, the state file whole, the lock gone', async () => {
    const cwd = await projectDir('SigTwice');
    let resumedAt = 0;
    const child = spawnCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    const done = collect(child);
    // Both interrupts reach the tool together: it is stopped while they are sent, so they are handled in the
    // same turn of its event loop, and the clean stop the first starts (state writes, then "Stopped.")
    // cannot finish before the second arrives. Two different signals, as two SIGINTs would merge into one.
    const unsubscribe = sandbox.gateway.onLanded({ action: 'CreateSubnet', nth: 2 }, () => {
      child.kill('SIGSTOP');
      child.kill('SIGINT');
      child.kill('SIGTERM');
      resumedAt = Date.now();
      child.kill('SIGCONT');
    });
    const result = await done;
    unsubscribe();
    expect(result.signal).toBeNull();
    expect(result.code).toBe(130);
    expect(Date.now() - resumedAt).toBeLessThan(1000);
    expect(result.stderr.match(/Stopping/g)).toHaveLength(1);
    expect(result.stderr).not.toMatch(/Stopped\./);
    // The clean stop never ran to its end: the run's end is not recorded. Atomic writes: the state parses.
    const state = await stateOf(cwd);
    expect(state.lastRun).toMatchObject({ command: 'up' });
    expect(state.lastRun?.finishedAt).toBeUndefined();
    expect(existsSync(join(cwd, '.aws-runbook', 'lock'))).toBe(false);
    const status = await runCli(['status', '--json'], { cwd });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).resume).toMatchObject({ command: 'up', outcome: 'interrupted' });
    const resumed = await runCli(['up', '--yes', '--only', 'network', '--endpoint-url', sandbox.endpoint], { cwd });
    expect(resumed.code).toBe(0);
    expect(await networkInventory(sandbox.motoEndpoint, 'sigtwice')).toEqual(expectedNetwork('SigTwice'));
  }, 90_000);

  it('Ctrl-C while the database is `creating`: exit 130 within seconds, the step stopped with its instance and operation, status says how to resume, up finishes with one database', async () => {
    const cwd = await fullProject('SigDb');
    const args = ['up', '--yes', '--only', 'network,security,database', '--endpoint-url', sandbox.endpoint];
    // RDS stays `creating` for 30 s; the NAT gateways are ready at once (they are not the point here).
    // The chosen point: the instance made and recorded, the step waiting for it to be available, every other step done.
    const { result, exitMs } = await interruptAt(sandbox, cwd, args, {
      latency: { scale: 0.01, readyAfterMs: { natGateway: 0, dbInstance: 3_000_000 } },
      landed: { action: 'CreateDBInstance' },
      what: 'only the DB wait left',
      ready: (state) => Boolean(state.steps['database.instance']?.outputs?.dbInstanceIdentifier) && onlyLeft(state, args, ['database.instance']),
    });
    expect(result.code, result.stderr).toBe(130);
    expect(exitMs).toBeLessThan(3000);
    const state = await stateOf(cwd);
    expect(state.lastRun).toMatchObject({ command: 'up', outcome: 'aborted' });
    expect(state.steps['database.instance']).toMatchObject({
      status: 'failed',
      error: { kind: 'aborted' },
      outputs: { dbInstanceIdentifier: 'database-1-sigdb' },
      pendingOperation: { action: 'CreateDBInstance' },
    });
    expect(existsSync(join(cwd, '.aws-runbook', 'lock'))).toBe(false);
    const status = await runCli(['status'], { cwd });
    expect(status.stdout).toMatch(/interrupted at .*\(database\.instance\)/);
    expect(status.stdout).toMatch(/pending operation: CreateDBInstance/);
    expect(status.stdout).toMatch(/resume with: aws-runbook up/);

    const resumed = await runCli(args, { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/Resuming/);
    const expected = expectedInfrastructure('SigDb', { adminCidr: ADMIN, compute: false });
    expect(await fullInventory(sandbox.motoEndpoint, 'sigdb')).toEqual({ ...expected, network: expectedNetwork('SigDb'), peerings: [], buckets: [] });
  }, 90_000);

  it('Ctrl-C while the instances are launched (one RunInstances in flight, four waiting for `running`): each recorded with its id or its pending launch, up finishes with five instances', async () => {
    const cwd = await fullProject('SigVm');
    const args = ['up', '--yes', '--only', 'network,security,compute', '--endpoint-url', sandbox.endpoint];
    // Instances stay `pending` for 30 s; the NAT gateways are ready at once.
    // The chosen point: the last launch has reached AWS (its instance exists) but its answer is held, so the
    // call is in flight; the four others are recorded and waited on. Only an aborted call lets the run stop.
    const { result, exitMs } = await interruptAt(sandbox, cwd, args, {
      latency: { scale: 0.01, readyAfterMs: { natGateway: 0, instance: 3_000_000 } },
      landed: { action: 'RunInstances', nth: INSTANCE_STEPS.length },
      what: 'four launches recorded, nothing else left',
      // The public hosts' Elastic IP associations wait for their instances: they are left too.
      ready: (state) => launched(state).length === INSTANCE_STEPS.length - 1 && onlyLeft(state, args, [...INSTANCE_STEPS, ...EIP_ASSOCIATION_STEPS]),
      holdAnswer: true,
    });
    expect(result.code, result.stderr).toBe(130);
    expect(exitMs).toBeLessThan(3000);
    const state = await stateOf(cwd);
    expect(state.lastRun).toMatchObject({ command: 'up', outcome: 'aborted' });
    for (const id of INSTANCE_STEPS) {
      expect(state.steps[id], id).toMatchObject({ status: 'failed', error: { kind: 'aborted' }, pendingOperation: { action: 'RunInstances', clientToken: expect.any(String) } });
    }
    expect(launched(state)).toHaveLength(INSTANCE_STEPS.length - 1); // the held launch never got its answer
    expect(existsSync(join(cwd, '.aws-runbook', 'lock'))).toBe(false);
    const status = await runCli(['status', '--json'], { cwd });
    expect(JSON.parse(status.stdout).resume).toMatchObject({ command: 'up', outcome: 'interrupted', pendingOperation: expect.stringMatching(/^RunInstances \(ClientToken /) });
    expect((await runCli(['status'], { cwd })).stdout).toMatch(/resume with: aws-runbook up/);

    const resumed = await runCli(args, { cwd });
    expect(resumed.code, resumed.stderr).toBe(0);
    const expected = expectedInfrastructure('SigVm', { adminCidr: ADMIN, compute: true });
    // Five instances: the one whose answer was lost is found by its tags and adopted, not launched again.
    expect(await fullInventory(sandbox.motoEndpoint, 'sigvm')).toEqual({ ...expected, network: expectedNetwork('SigVm'), peerings: [], databases: [], subnetGroups: [], buckets: [] });
  }, 90_000);

  // `kill` sends SIGTERM; a terminal that closes sends SIGHUP to the tool (its session leader).
  it.each(['SIGTERM', 'the terminal closing'])('the assistant (`up` in a terminal) takes %s like Ctrl-C: the run stops cleanly, the state says where, the lock is released', async (how) => {
    const cwd = await projectDir(how === 'SIGTERM' ? 'SigTui' : 'SigHup');
    sandbox.gateway.setLatency({ scale: 0.05 }); // NAT gateways pending for 6 s: the run is still going when the signal comes
    const child = spawnInTerminal(['up', '--only', 'network', '--endpoint-url', sandbox.endpoint], cwd);
    const done = collect(child);
    let tool: number | undefined;
    try {
      // Said from the config before the SDK and the tasks load; the screens come under it.
      const said = outputMatches(child, 'stdout', /aws-runbook up · sig(tui|hup) · us-east-2 · endpoint http:\/\/127\.0\.0\.1:\d+ · state \S+\.aws-runbook/);
      const preview = outputMatches(child, 'stdout', /y\/Enter/);
      const applying = outputMatches(child, 'stdout', /Applying network/);
      await within(said, 20_000, 'the first line');
      await within(Promise.race([preview, done]), 20_000, 'the preview');
      // y confirms; again until the run starts (a key typed before the screen reads its input is lost).
      const confirm = setInterval(() => child.stdin?.write('y'), 500);
      child.stdin?.write('y');
      await within(Promise.race([applying, done]), 20_000, 'the run to start').finally(() => clearInterval(confirm));
      // The chosen point: a NAT gateway made and recorded, the run waiting for it.
      await until('a NAT gateway recorded', async () => (await stateOf(cwd)).steps['network.ia.nat-gateway']?.outputs?.natGatewayId);
      tool = childOf(child.pid!);
      if (how === 'SIGTERM') {
        process.kill(tool, 'SIGTERM');
        // Killed by the signal, the terminal wrapper would report -15 (and no end in the state); by the default exit, 143.
        expect((await within(done, 10_000, 'the exit')).code).toBe(130);
      } else {
        child.kill('SIGKILL'); // the wrapper holds the terminal's master side: it closes with it
        await until('the tool to exit', async () => (alive(tool!) ? undefined : true), 10_000);
      }
    } finally {
      sandbox.gateway.setLatency(undefined);
      if (tool !== undefined && alive(tool)) process.kill(tool, 'SIGKILL');
      if (child.exitCode === null) killInTerminal(child);
    }
    const state = await stateOf(cwd);
    expect(state.lastRun).toMatchObject({ command: 'up', outcome: 'aborted' });
    expect(state.steps['network.ia.nat-gateway']).toMatchObject({ status: 'failed', error: { kind: 'aborted' }, outputs: { natGatewayId: expect.stringMatching(/^nat-/) } });
    expect(existsSync(join(cwd, '.aws-runbook', 'lock'))).toBe(false);
  }, 60_000);
});
