import { describe, expect, it } from 'vitest';
import { initialRunView, runReducer, stepsOfSection, type RunView } from '../../src/engine/reducer.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { PlannedStep } from '../../src/engine/types.js';

const planned = (stepId: string, action: PlannedStep['action'] = 'create'): PlannedStep => ({
  stepId,
  section: 'network',
  title: `title of ${stepId}`,
  action,
  preview: { summary: stepId, cli: [`aws ec2 ${stepId}`] },
});

const fold = (events: EngineEvent[]): RunView => events.reduce(runReducer, initialRunView);

describe('runReducer', () => {
  it('walks a step through planned → running → done with elapsed time and keeps the plan', () => {
    const view = fold([
      { type: 'step-planned', step: planned('network.mvp.vpc') },
      { type: 'step-started', stepId: 'network.mvp.vpc', action: 'create', at: 1000 },
      { type: 'step-progress', stepId: 'network.mvp.vpc', message: 'CreateVpc', at: 1100 },
      { type: 'step-done', stepId: 'network.mvp.vpc', action: 'create', outputs: { vpcId: 'vpc-1' }, at: 1750 },
    ]);
    const status = view.steps['network.mvp.vpc'];
    expect(status).toMatchObject({ kind: 'done', action: 'create', outputs: { vpcId: 'vpc-1' }, elapsedMs: 750 });
    expect(status?.kind === 'done' && status.plan?.title).toBe('title of network.mvp.vpc');
    expect(view.order).toEqual(['network.mvp.vpc']);
  });

  it('keeps the last progress message of a running step only', () => {
    const view = fold([
      { type: 'step-started', stepId: 's', action: 'create', at: 0 },
      { type: 'step-progress', stepId: 's', message: 'one', at: 1 },
      { type: 'step-progress', stepId: 's', message: 'two', at: 2 },
      { type: 'step-progress', stepId: 'unknown', message: 'ignored', at: 3 },
    ]);
    expect(view.steps.s).toMatchObject({ kind: 'running', lastMessage: 'two' });
    expect(view.steps.unknown).toBeUndefined();
  });

  it('keeps only the last few lines a running step streams (remote output), oldest first', () => {
    const view = fold([
      { type: 'step-started', stepId: 's', action: 'create', at: 0 },
      ...['a', 'b', 'c', 'd', 'e'].map((message, i) => ({ type: 'step-progress' as const, stepId: 's', message, at: i + 1 })),
    ]);
    expect(view.steps.s).toMatchObject({ kind: 'running', lastMessage: 'e', recentLines: ['c', 'd', 'e'] });
  });

  it('records failures with the classified error and skipped steps with the reason', () => {
    const error = { kind: 'permission' as const, message: 'denied', hint: 'grant ec2:CreateVpc', retryable: false };
    const view = fold([
      { type: 'step-planned', step: planned('a') },
      { type: 'step-planned', step: planned('b') },
      { type: 'step-started', stepId: 'a', action: 'create', at: 10 },
      { type: 'step-failed', stepId: 'a', error, at: 30 },
      { type: 'step-skipped', stepId: 'b', reason: 'not started', at: 31 },
      { type: 'run-finished', outcome: 'failed', at: 40 },
    ]);
    expect(view.steps.a).toMatchObject({ kind: 'failed', error, elapsedMs: 20 });
    expect(view.steps.b).toMatchObject({ kind: 'skipped', reason: 'not started' });
    expect(view.outcome).toBe('failed');
    expect(view.finishedAt).toBe(40);
  });

  it('tracks planning, the active section and section outcomes', () => {
    let view = fold([{ type: 'plan-started', sections: ['network'], at: 0 }]);
    expect(view.planning).toBe(true);
    view = fold([
      { type: 'plan-started', sections: ['network'], at: 0 },
      { type: 'plan-finished', sections: ['network'], at: 1 },
      { type: 'section-started', section: 'network', mode: 'up', at: 2 },
    ]);
    expect(view.planning).toBe(false);
    expect(view.activeSection).toBe('network');
    view = runReducer(view, { type: 'section-finished', section: 'network', outcome: 'ok', at: 3 });
    expect(view.activeSection).toBeUndefined();
    expect(view.sectionOutcomes.network).toBe('ok');
  });

  it('does not mutate the previous view', () => {
    const before = fold([{ type: 'step-planned', step: planned('a') }]);
    const snapshot = JSON.stringify(before);
    runReducer(before, { type: 'step-started', stepId: 'a', action: 'create', at: 1 });
    expect(JSON.stringify(before)).toBe(snapshot);
  });

  it('lists the steps of one section in order', () => {
    const view = fold([
      { type: 'step-planned', step: planned('x') },
      { type: 'step-planned', step: { ...planned('y'), section: 'peering' } },
      { type: 'step-planned', step: planned('z') },
    ]);
    expect(stepsOfSection(view, 'network').map((s) => s.stepId)).toEqual(['x', 'z']);
  });
});
