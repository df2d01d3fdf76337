import { describe, expect, it } from 'vitest';
import { exitCodeFor, UsageError } from '../../src/cli/exit-codes.js';
import { ConfigError } from '../../src/config/validate.js';
import { LockedError, StateError } from '../../src/state/store.js';
import { MotoMissingError } from '../../src/sandbox/moto.js';
import { MissingPrerequisiteError } from '../../src/engine/engine.js';
import { SectionListError } from '../../src/runbook/sections.js';
import { CredentialsError } from '../../src/aws/identity.js';

describe('exitCodeFor', () => {
  it('maps each operator-error class to exit 2 (the names it matches are the real class names)', () => {
    const errors: Error[] = [
      new UsageError('x'),
      new ConfigError('aws-runbook.yaml', [{ field: 'region', message: 'bad', fix: 'fix it' }]),
      new StateError('x'),
      new MotoMissingError(),
      new MissingPrerequisiteError('a', 'b', 'network'),
      new SectionListError('x'),
      new CredentialsError('ExpiredToken', 'expired', 'STS', 'refresh them'),
    ];
    for (const error of errors) expect(exitCodeFor(error).code, error.name).toBe(2);
  });

  it('maps the lock to 3 and anything else to 1, keeping the message', () => {
    const locked = new LockedError('/tmp/state', { pid: 1, host: 'h', command: 'up', since: 'now' });
    expect(exitCodeFor(locked).code).toBe(3);
    expect(exitCodeFor(new Error('boom'))).toEqual({ code: 1, message: 'boom' });
    expect(exitCodeFor('text')).toEqual({ code: 1, message: 'text' });
  });
});
