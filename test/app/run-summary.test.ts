import { describe, expect, it } from 'vitest';
import { sectionSummaries } from '../../src/app/run-summary.js';
import type { Section } from '../../src/engine/types.js';
import { emptyState, type PersistedState } from '../../src/state/schema.js';

/** One section of three steps (no AWS: the summaries read the state file only). */
const section: Section = {
  id: 'network',
  title: 'Network',
  description: '',
  steps: ['a', 'b', 'c'].map((id) => ({
    id: `network.${id}`,
    section: 'network' as const,
    title: id,
    needs: [],
    find: async () => ({ kind: 'absent' as const }),
    preview: () => ({ summary: id, cli: [] }),
    apply: async () => ({}),
  })),
};
const at = '2026-12-07T12:00:00.000Z';
const done = { status: 'done' as const, action: 'create' as const, finishedAt: at, outputs: {} };
const failed = (kind: 'aborted' | 'throttled') => ({
  status: 'failed' as const,
  mode: 'up' as const,
  finishedAt: at,
  outputs: {},
  error: { kind, message: kind === 'aborted' ? 'stopped by the operator' : 'Rate exceeded', hint: 'rerun', retryable: true },
});

function recordedWith(steps: PersistedState['steps']): string {
  const state = { ...emptyState('bfhk', 'us-east-2'), steps };
  return sectionSummaries([section], state, false)[0]?.recorded ?? '';
}

describe('sectionSummaries: what the state file says of a section', () => {
  it('not started, partial, done', () => {
    expect(recordedWith({})).toBe('not-started');
    expect(recordedWith({ 'network.a': done })).toBe('partial');
    expect(recordedWith({ 'network.a': done, 'network.b': done, 'network.c': done })).toBe('done');
  });

  it('a run stopped in it (its steps in flight recorded as aborted): stopped, not failed', () => {
    expect(recordedWith({ 'network.a': done, 'network.b': failed('aborted') })).toBe('stopped');
  });

  it('any other failure makes it failed, even beside a stopped step', () => {
    expect(recordedWith({ 'network.a': failed('throttled') })).toBe('failed');
    expect(recordedWith({ 'network.a': failed('aborted'), 'network.b': failed('throttled') })).toBe('failed');
  });
});
