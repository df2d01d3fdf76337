/** Exit codes (docs/design.md#exit-codes): 0 ok, 1 a step or check failed, 2 bad usage or input, 3 locked. */
export const EXIT = { ok: 0, failed: 1, usage: 2, locked: 3, interrupted: 130 } as const;

/** An operator error detected by the CLI itself (a flag, a missing TTY): exit 2 with this message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Errors that mean "bad usage or bad input" (exit 2), by class name: matching on names keeps this
 * module free of imports, so `--help` does not load the AWS SDK through the modules that define them.
 */
const USAGE_ERRORS = new Set([
  'UsageError', // flags, no terminal to ask in
  'ConfigError', // src/config/issues.ts
  'StateError', // src/state/store.ts (a state file of another project, region or account, corrupt, newer)
  'CredentialsError', // src/aws/identity.ts (no credentials, expired, refused)
  'MotoMissingError', // src/sandbox/moto.ts
  'MissingPrerequisiteError', // src/engine/engine.ts
  'SectionListError', // src/runbook/sections.ts
  'NonLoopbackTargetError', // src/sandbox/loopback.ts
]);

/** The exit code and the message for an error that reached the top. */
export function exitCodeFor(error: unknown): { code: number; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  if (name === 'LockedError') return { code: EXIT.locked, message };
  if (USAGE_ERRORS.has(name)) return { code: EXIT.usage, message };
  return { code: EXIT.failed, message };
}
