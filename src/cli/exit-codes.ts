import { ConfigError } from '../config/validate.js';
import { LockedError, StateError } from '../state/store.js';
import { MotoMissingError } from '../sandbox/moto.js';
import { MissingPrerequisiteError } from '../engine/engine.js';
import { SectionListError } from '../runbook/sections.js';

/** Exit codes (DESIGN.md §2): 0 ok, 1 a step or check failed, 2 bad usage or input, 3 locked. */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3, interrupted: 130 } as const;

/** An operator error detected by the CLI itself (a flag, a missing TTY): exit 2 with this message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The exit code and the message for an error that reached the top. */
export function exitCodeFor(error: unknown): { code: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof LockedError) return { code: EXIT.locked, message };
  if (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof StateError ||
    error instanceof MotoMissingError ||
    error instanceof MissingPrerequisiteError ||
    error instanceof SectionListError
  ) {
    return { code: EXIT.usage, message };
  }
  return { code: EXIT.failed, message };
}
