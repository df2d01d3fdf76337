import { describe, expect, it } from 'vitest';
import { emptyState, persistedStateSchema, STATE_VERSION } from '../../src/state/schema.js';

describe('persistedStateSchema', () => {
  it('accepts an empty state and a state with every kind of step and a run record', () => {
    const now = new Date().toISOString();
    const state = {
      ...emptyState('bfhk', 'us-east-2'),
      account: '123456789012',
      lastRun: { id: 'r1', command: 'up', sections: ['network', 'database'], startedAt: now, pid: 42, host: 'laptop' },
      steps: {
        a: { status: 'running', mode: 'up', startedAt: now, outputs: {}, pendingOperation: { action: 'CreateNatGateway', clientToken: 'tok', startedAt: now } },
        b: { status: 'done', action: 'adopt', finishedAt: now, outputs: { vpcId: 'vpc-1' } },
        c: { status: 'failed', mode: 'down', finishedAt: now, outputs: {}, error: { kind: 'quota', code: 'VpcLimitExceeded', message: 'm', hint: 'h', retryable: false } },
      },
    };
    expect(emptyState('bfhk', 'us-east-2').version).toBe(STATE_VERSION);
    expect(persistedStateSchema.safeParse(emptyState('bfhk', 'us-east-2')).success).toBe(true);
    expect(persistedStateSchema.parse(state)).toEqual(state);
  });

  it.each([
    ['unknown section in lastRun', { lastRun: { id: 'r', command: 'up', sections: ['nope'], startedAt: new Date().toISOString(), pid: 1, host: 'h' } }],
    ['done step without action', { steps: { a: { status: 'done', finishedAt: new Date().toISOString(), outputs: {} } } }],
    ['non-string output', { steps: { a: { status: 'done', action: 'create', finishedAt: new Date().toISOString(), outputs: { n: 1 } } } }],
    ['failed step with an unknown error kind', { steps: { a: { status: 'failed', mode: 'up', finishedAt: new Date().toISOString(), outputs: {}, error: { kind: 'oops', message: '', hint: '', retryable: true } } } }],
    ['version 0', { version: 0 }],
  ])('refuses %s', (_name, overrides) => {
    expect(persistedStateSchema.safeParse({ ...emptyState('bfhk', 'us-east-2'), ...overrides }).success).toBe(false);
  });
});
