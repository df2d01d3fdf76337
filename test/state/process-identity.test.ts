import { describe, expect, it } from 'vitest';
import { parseProcStat, processIdentity, processLiveness } from '../../src/state/process-identity.js';

describe('parseProcStat', () => {
  const tail = '1 1234 1234 0 -1 4194560 100 0 0 0 5 2 0 0 20 0 1 0 987654 1000000 200';
  it('reads the state (field 3) and the start time (field 22)', () => {
    expect(parseProcStat(`4321 (node) S ${tail}`)).toEqual({ state: 'S', startTicks: '987654' });
  });
  it('counts fields after the last parenthesis: a command name may hold spaces and parentheses', () => {
    expect(parseProcStat(`4321 (a) Z (b ) Z ${tail}`)).toEqual({ state: 'Z', startTicks: '987654' });
  });
  it('refuses what is not a stat line', () => {
    expect(parseProcStat('garbage')).toBeUndefined();
    expect(parseProcStat('1 (x) S 1 2')).toBeUndefined();
  });
});

describe('processLiveness', () => {
  it('this process is alive with its own identity, another process with another start time', () => {
    const me = processIdentity();
    expect(me?.startTicks).toMatch(/^\d+$/);
    expect(processLiveness(process.pid, me)).toEqual({ kind: 'alive' });
    expect(processLiveness(process.pid, undefined)).toEqual({ kind: 'alive' });
    expect(processLiveness(process.pid, { startTicks: '1', bootId: me?.bootId ?? '' })).toEqual({ kind: 'another-process', startTicks: me?.startTicks });
  });
  it('a pid that does not exist is gone', () => {
    expect(processLiveness(4_194_999, undefined)).toEqual({ kind: 'gone' });
    expect(processLiveness(0, undefined)).toEqual({ kind: 'gone' });
  });
});
