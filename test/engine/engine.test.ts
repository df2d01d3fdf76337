import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, MissingPrerequisiteError } from '../../src/engine/engine.js';
import { configSchema } from '../../src/config/schema.js';
import { StateStore } from '../../src/state/store.js';
import { SecretRedactor } from '../../src/state/redact.js';
import type { AwsClients } from '../../src/aws/clients.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { FindResult, Outputs, Step, StepContext } from '../../src/engine/types.js';

const config = configSchema.parse({ suffix: 'Unit' });
const noAws = {} as AwsClients; // these fake steps never call AWS

/** A fake cloud: steps create entries in it; find looks there. */
class FakeCloud {
  readonly resources = new Map<string, Outputs>();
  creates = 0;
}

interface FakeStepOptions {
  needs?: string[];
  fail?: () => Error | undefined;
  onApply?: (ctx: StepContext) => Promise<void>;
}

function fakeStep(cloud: FakeCloud, id: string, options: FakeStepOptions = {}): Step {
  return {
    id,
    section: 'network',
    title: `Fake ${id}`,
    needs: options.needs ?? [],
    async find(): Promise<FindResult> {
      const outputs = cloud.resources.get(id);
      return outputs ? { kind: 'present', outputs, ours: true, differences: [], unfinished: [] } : { kind: 'absent' };
    },
    preview: () => ({ summary: id, cli: [`fake create ${id}`] }),
    async apply(ctx) {
      for (const need of options.needs ?? []) ctx.need(need, 'id');
      await ctx.beginOperation('FakeCreate', ctx.clientToken());
      await options.onApply?.(ctx);
      const error = options.fail?.();
      if (error) throw error;
      cloud.creates += 1;
      const outputs = { id: `${id}-1` };
      cloud.resources.set(id, outputs);
      return outputs;
    },
    async destroy() {
      cloud.resources.delete(id);
    },
  };
}

const stores: StateStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function engineWith(options: { concurrency?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'awsrb-engine-'));
  const store = await StateStore.open(dir, { project: 'unit', region: 'us-east-2', command: 'test' });
  stores.push(store);
  const events: EngineEvent[] = [];
  const engine = new Engine({ config, aws: noAws, emit: (e) => events.push(e), redactor: new SecretRedactor(), store, ...options });
  return { engine, store, events, dir };
}

describe('Engine', () => {
  it('plans create for what is absent, applies along needs, records outputs and the run', async () => {
    const cloud = new FakeCloud();
    const steps = [fakeStep(cloud, 'vpc'), fakeStep(cloud, 'subnet', { needs: ['vpc'] })];
    const { engine, store, events } = await engineWith();
    const plan = await engine.plan(steps, ['network']);
    expect(plan.map((entry) => entry.planned.action)).toEqual(['create', 'create']);
    expect(await engine.apply(plan, ['network'])).toBe('ok');
    expect(store.state.steps.vpc).toMatchObject({ status: 'done', action: 'create', outputs: { id: 'vpc-1' } });
    expect(store.state.steps.subnet).toMatchObject({ status: 'done', outputs: { id: 'subnet-1' } });
    expect(store.state.lastRun).toMatchObject({ command: 'up', outcome: 'ok', sections: ['network'] });
    expect(events.filter((e) => e.type === 'step-done').map((e) => e.type === 'step-done' && e.stepId)).toEqual(['vpc', 'subnet']);
  });

  it('writes the pending operation with its ClientToken to disk before the side effect', async () => {
    const cloud = new FakeCloud();
    let onDisk: unknown;
    const { engine, dir } = await engineWith();
    const step = fakeStep(cloud, 'vpc', {
      onApply: async () => {
        onDisk = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')).steps.vpc;
      },
    });
    await engine.apply(await engine.plan([step], ['network']), ['network']);
    expect(onDisk).toMatchObject({ status: 'running', pendingOperation: { action: 'FakeCreate', clientToken: expect.stringMatching(/^awsrb-[0-9a-f]{40}$/) } });
  });

  it('a secret a step registers is masked from then on in progress events, the error and the state file', async () => {
    const cloud = new FakeCloud();
    const secret = 'master-Pw-7f3c91';
    const { engine, dir, events } = await engineWith();
    const step = fakeStep(cloud, 'db', {
      onApply: async (ctx) => {
        ctx.secret(secret);
        ctx.progress(`logging in with ${secret}`);
      },
      fail: () => new Error(`Access denied for admin using password ${secret}`),
    });
    expect(await engine.apply(await engine.plan([step], ['network']), ['network'])).toBe('failed');
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(JSON.stringify(events)).toContain('logging in with');
    expect(await readFile(join(dir, 'state.json'), 'utf8')).not.toContain(secret);
  });

  it('a second run plans no change and applies nothing', async () => {
    const cloud = new FakeCloud();
    const steps = [fakeStep(cloud, 'vpc'), fakeStep(cloud, 'subnet', { needs: ['vpc'] })];
    const { engine } = await engineWith();
    await engine.apply(await engine.plan(steps, ['network']), ['network']);
    const again = await engine.plan(steps, ['network']);
    expect(again.map((entry) => entry.planned.action)).toEqual(['no-change', 'no-change']);
    expect(await engine.apply(again, ['network'])).toBe('ok');
    expect(cloud.creates).toBe(2);
  });

  it('a failure records the classified error, skips what depends on it, and a rerun resumes from it', async () => {
    const cloud = new FakeCloud();
    let failing = true;
    const denied = () =>
      failing ? Object.assign(new Error('You are not authorized to perform: ec2:CreateSubnet'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } }) : undefined;
    const steps = [fakeStep(cloud, 'vpc'), fakeStep(cloud, 'subnet', { needs: ['vpc'], fail: denied }), fakeStep(cloud, 'route', { needs: ['subnet'] })];
    const { engine, store, events } = await engineWith();
    expect(await engine.apply(await engine.plan(steps, ['network']), ['network'])).toBe('failed');
    expect(store.state.steps.subnet).toMatchObject({ status: 'failed', error: { kind: 'permission' }, pendingOperation: { action: 'FakeCreate' } });
    expect(store.state.steps.route).toBeUndefined();
    expect(events.some((e) => e.type === 'step-skipped' && e.stepId === 'route')).toBe(true);
    expect(store.state.lastRun?.outcome).toBe('failed');

    failing = false;
    const resumed = await engine.plan(steps, ['network']);
    expect(resumed.map((entry) => entry.planned.action)).toEqual(['no-change', 'create', 'create']);
    expect(await engine.apply(resumed, ['network'])).toBe('ok');
    expect(cloud.creates).toBe(3);
  });

  it("a step's context sees its own record as done only when the state file says done (not a failed or running one)", async () => {
    const cloud = new FakeCloud();
    const denied = () => Object.assign(new Error('You are not authorized to perform: ec2:CreateSubnet'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
    const steps = [
      fakeStep(cloud, 'vpc'),
      fakeStep(cloud, 'subnet', { needs: ['vpc'], onApply: (ctx) => ctx.recordOutputs({ id: 'subnet-half' }), fail: denied }),
    ];
    const { engine, store } = await engineWith();
    expect(await engine.apply(await engine.plan(steps, ['network']), ['network'])).toBe('failed');
    expect(store.state.steps.subnet).toMatchObject({ status: 'failed', outputs: { id: 'subnet-half' } });
    expect(engine.context('vpc').recordedAsDone()).toEqual({ id: 'vpc-1' });
    expect(engine.context('subnet').recordedAsDone()).toBeUndefined();
    expect(engine.context('subnet').output('subnet', 'id')).toBe('subnet-half');
    expect(engine.context('route').recordedAsDone()).toBeUndefined();
  });

  it('runs independent steps concurrently within the bound', async () => {
    const cloud = new FakeCloud();
    let running = 0;
    let peak = 0;
    const slow = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 150));
      running -= 1;
    };
    const steps = ['a', 'b', 'c', 'd', 'e'].map((id) => fakeStep(cloud, id, { onApply: slow }));
    const { engine } = await engineWith({ concurrency: 3 });
    await engine.apply(await engine.plan(steps, ['network']), ['network']);
    expect(peak).toBe(3);
  });

  it('abort stops the run: the running step is recorded as aborted, the rest never starts', async () => {
    const cloud = new FakeCloud();
    const { engine, store } = await engineWith({ concurrency: 1 });
    const steps = [
      fakeStep(cloud, 'a', {
        onApply: async (ctx) => {
          engine.abort();
          if (ctx.signal.aborted) throw Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
        },
      }),
      fakeStep(cloud, 'b', { needs: ['a'] }),
    ];
    expect(await engine.apply(await engine.plan(steps, ['network']), ['network'])).toBe('aborted');
    expect(store.state.steps.a).toMatchObject({ status: 'failed', error: { kind: 'aborted' } });
    expect(store.state.steps.b).toBeUndefined();
    expect(store.state.lastRun?.outcome).toBe('aborted');
  });

  it('step-by-step mode asks before each step and stops when declined', async () => {
    const cloud = new FakeCloud();
    const steps = [fakeStep(cloud, 'a'), fakeStep(cloud, 'b', { needs: ['a'] })];
    const { engine } = await engineWith();
    const asked: string[] = [];
    const outcome = await engine.apply(await engine.plan(steps, ['network']), ['network'], async (step) => {
      asked.push(step.stepId);
      return step.stepId === 'a';
    });
    expect(asked).toEqual(['a', 'b']);
    expect(outcome).toBe('declined');
    expect(cloud.resources.has('b')).toBe(false);
  });

  it('a conflict fails its step without calling apply', async () => {
    const cloud = new FakeCloud();
    const step = fakeStep(cloud, 'vpc');
    step.find = async () => ({ kind: 'present', outputs: { id: 'vpc-x' }, ours: true, differences: ['CIDR is 10.9.0.0/16, wanted 10.1.0.0/16'], unfinished: [] });
    const { engine, store } = await engineWith();
    expect(await engine.apply(await engine.plan([step], ['network']), ['network'])).toBe('failed');
    expect(cloud.creates).toBe(0);
    expect(store.state.steps.vpc).toMatchObject({ status: 'failed', error: { kind: 'conflict', message: 'CIDR is 10.9.0.0/16, wanted 10.1.0.0/16' } });
  });

  it('teardown destroys in reverse dependency order and clears the state', async () => {
    const cloud = new FakeCloud();
    const order: string[] = [];
    const steps = [fakeStep(cloud, 'vpc'), fakeStep(cloud, 'subnet', { needs: ['vpc'] }), fakeStep(cloud, 'route', { needs: ['subnet'] })];
    for (const step of steps) {
      const destroy = step.destroy!;
      step.destroy = async (ctx, outputs) => {
        order.push(step.id);
        await destroy(ctx, outputs);
      };
    }
    const { engine, store } = await engineWith();
    await engine.apply(await engine.plan(steps, ['network']), ['network']);
    expect(await engine.destroy(await engine.plan(steps, ['network']), ['network'])).toBe('ok');
    expect(order).toEqual(['route', 'subnet', 'vpc']);
    expect(cloud.resources.size).toBe(0);
    expect(store.state.steps).toEqual({});
  });

  it('refuses to apply a step whose prerequisite in another section is not done', async () => {
    const cloud = new FakeCloud();
    const vpc = fakeStep(cloud, 'network.vpc');
    const sg: Step = { ...fakeStep(cloud, 'security.web', { needs: ['network.vpc'] }), section: 'security' };
    const { engine } = await engineWith();
    expect(() => engine.checkOutsideNeeds([sg], [vpc, sg])).toThrow(MissingPrerequisiteError);
    expect(() => engine.checkOutsideNeeds([sg], [vpc, sg])).toThrow(/aws-runbook up --only network/);
  });

  it('plans offline from the state alone', async () => {
    const cloud = new FakeCloud();
    const steps = [fakeStep(cloud, 'vpc'), fakeStep(cloud, 'subnet', { needs: ['vpc'] })];
    const { engine } = await engineWith();
    await engine.apply(await engine.plan([steps[0]!], ['network']), ['network']);
    expect(engine.planOffline(steps).map((p) => p.action)).toEqual(['no-change', 'create']);
  });
  it('step by step: a prompt answered by a stop is not a "no": the run is aborted, the step was not started, nothing is declined', async () => {
    const cloud = new FakeCloud();
    const steps = [fakeStep(cloud, 'vpc'), fakeStep(cloud, 'subnet', { needs: ['vpc'] }), fakeStep(cloud, 'route', { needs: ['subnet'] })];
    const { engine, store, events } = await engineWith();
    const plan = await engine.plan(steps, ['network']);
    // y to the first step; at the second prompt the operator stops the run (the App aborts, then answers no).
    const outcome = await engine.apply(plan, ['network'], async (step) => {
      if (step.stepId === 'vpc') return true;
      engine.abort();
      return false;
    });
    expect(outcome).toBe('aborted');
    const skipped = events.flatMap((e) => (e.type === 'step-skipped' ? [`${e.stepId}: ${e.reason}`] : []));
    expect(skipped).toEqual(['subnet: not started: the run was stopped', 'route: not started: the run was stopped']);
    expect(store.state.lastRun).toMatchObject({ outcome: 'aborted' });
    expect(cloud.creates).toBe(1);
  });
});
