import { describe, expect, it } from 'vitest';
import { decideAction } from '../../src/engine/plan.js';
import type { FindResult } from '../../src/engine/types.js';

const present = (over: Partial<Extract<FindResult, { kind: 'present' }>> = {}): FindResult => ({
  kind: 'present',
  outputs: { vpcId: 'vpc-1' },
  ours: true,
  differences: [],
  unfinished: [],
  ...over,
});
const done = (outputs: Record<string, string>) => ({ status: 'done' as const, action: 'create' as const, finishedAt: 'now', outputs });

describe('decideAction', () => {
  it('creates what is absent, whatever the state says', () => {
    expect(decideAction({ kind: 'absent' }, undefined, 'bfhk').action).toBe('create');
    expect(decideAction({ kind: 'absent' }, done({ vpcId: 'vpc-gone' }), 'bfhk').action).toBe('create');
  });

  it('changes nothing when the recorded resource is there as wanted', () => {
    expect(decideAction(present(), done({ vpcId: 'vpc-1' }), 'bfhk')).toEqual({ action: 'no-change' });
  });

  it('adopts ours when the state does not record it (a lost create answer, a lost state file)', () => {
    const verdict = decideAction(present(), undefined, 'bfhk');
    expect(verdict.action).toBe('adopt');
    expect(verdict.reason).toMatch(/not be created again|recorded/);
    expect(decideAction(present(), done({ vpcId: 'vpc-other' }), 'bfhk').action).toBe('adopt');
  });

  it('adopts to finish a half-done resource, saying what is left', () => {
    const verdict = decideAction(present({ unfinished: ['enable DNS hostnames'] }), done({ vpcId: 'vpc-1' }), 'bfhk');
    expect(verdict).toEqual({ action: 'adopt', reason: 'will finish: enable DNS hostnames' });
  });

  it('is a conflict when the live resource differs, with the differences as the reason', () => {
    const verdict = decideAction(present({ differences: ['CIDR is 10.9.0.0/16, wanted 10.1.0.0/16'] }), undefined, 'bfhk');
    expect(verdict).toEqual({ action: 'conflict', reason: 'CIDR is 10.9.0.0/16, wanted 10.1.0.0/16' });
  });

  it('is a conflict when something that is not ours holds the name', () => {
    const verdict = decideAction(present({ ours: false }), undefined, 'bfhk');
    expect(verdict.action).toBe('conflict');
    expect(verdict.reason).toContain('aws-runbook:project=bfhk');
    expect(verdict.reason).toContain('vpcId=vpc-1');
    const named = decideAction(present({ ours: false, outputs: {}, differences: ['CIDR is 10.9.0.0/16, wanted 10.1.0.0/16'] }), undefined, 'bfhk', 'VPC VPC-MVP-BFHK');
    expect(named.reason).toMatch(/^VPC VPC-MVP-BFHK already exists and is not tagged aws-runbook:project=bfhk: CIDR is 10\.9\.0\.0\/16, wanted 10\.1\.0\.0\/16;/);
  });
});
