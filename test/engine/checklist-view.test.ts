import { describe, expect, it } from 'vitest';
import { checklistReducer, initialChecklistView, type CheckMeta } from '../../src/engine/checklist-view.js';
import type { CheckOutcome } from '../../src/tasks/checks/types.js';

const A: CheckMeta = { id: 'network.vpcs', group: 'network', title: 'VPCs', required: true };
const B: CheckMeta = { id: 'security.ec2-2.default-sg-closed', group: 'security', title: 'EC2.2', required: true };
const C: CheckMeta = { id: 'apps.kuma', group: 'apps', title: 'Kuma', required: false };
const done = (meta: CheckMeta, status: CheckOutcome['status']): CheckOutcome => ({ ...meta, status, evidence: 'seen', elapsedMs: 1 });

describe('checklistReducer', () => {
  it('goes waiting → running → finished, and the verdict counts only required failures', () => {
    let view = checklistReducer(initialChecklistView, { type: 'checks-started', checks: [A, B, C], selection: { kind: 'all' }, at: 1 });
    expect(view.order).toEqual([A.id, B.id, C.id]);
    expect(view.running).toBe(true);
    expect(view.checks[A.id]?.kind).toBe('waiting');
    view = checklistReducer(view, { type: 'check-started', id: A.id, at: 2 });
    expect(view.checks[A.id]).toMatchObject({ kind: 'running', since: 2 });
    view = checklistReducer(view, { type: 'check-finished', outcome: done(A, 'pass'), at: 3 });
    view = checklistReducer(view, { type: 'check-finished', outcome: done(B, 'pass'), at: 3 });
    view = checklistReducer(view, { type: 'check-finished', outcome: done(C, 'fail'), at: 4 });
    view = checklistReducer(view, { type: 'checks-finished', ok: true, at: 5 });
    expect(view).toMatchObject({ running: false, ok: true, startedAt: 1, finishedAt: 5 });
    expect(view.checks[C.id]).toMatchObject({ kind: 'finished', outcome: { status: 'fail' } });
  });

  it('a rerun of one check keeps the others\' results and recomputes the verdict over all of them', () => {
    let view = checklistReducer(initialChecklistView, { type: 'checks-started', checks: [A, B], selection: { kind: 'all' }, at: 1 });
    view = checklistReducer(view, { type: 'check-finished', outcome: done(A, 'pass'), at: 2 });
    view = checklistReducer(view, { type: 'check-finished', outcome: done(B, 'fail'), at: 2 });
    view = checklistReducer(view, { type: 'checks-finished', ok: false, at: 3 });
    expect(view.ok).toBe(false);
    view = checklistReducer(view, { type: 'checks-started', checks: [B], selection: { kind: 'rerun', ids: [B.id] }, at: 10 });
    expect(view.checks[A.id]).toMatchObject({ kind: 'finished', outcome: { status: 'pass' } });
    expect(view.checks[B.id]?.kind).toBe('waiting');
    view = checklistReducer(view, { type: 'check-finished', outcome: done(B, 'pass'), at: 11 });
    // The rerun's own verdict covered B only; the view's covers A and B.
    view = checklistReducer(view, { type: 'checks-finished', ok: true, at: 12 });
    expect(view).toMatchObject({ ok: true, order: [A.id, B.id], startedAt: 10 });
  });

  it('a new full run replaces the list (a check no longer selected disappears)', () => {
    let view = checklistReducer(initialChecklistView, { type: 'checks-started', checks: [A, B, C], selection: { kind: 'all' }, at: 1 });
    view = checklistReducer(view, { type: 'checks-started', checks: [B], selection: { kind: 'groups', groups: ['security'] }, at: 2 });
    expect(view.order).toEqual([B.id]);
    expect(Object.keys(view.checks)).toEqual([B.id]);
  });
});
