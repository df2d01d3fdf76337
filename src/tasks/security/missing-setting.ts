import type { MissingSetting } from './rules.js';

/**
 * A step cannot run because the config lacks a value it must not guess (the admin CIDR).
 * Its name starts with "Invalid", so `classifyAwsError` classifies it as `invalid`.
 */
export class InvalidConfigurationError extends Error {
  override readonly name = 'InvalidConfiguration';
  constructor(
    message: string,
    readonly field: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** "admin CIDR not set — run `aws-runbook init --admin-cidr <your IP>/32`" */
export function missingSettingText(missing: MissingSetting): string {
  return missing.field === 'access.adminCidr' ? `admin CIDR not set — ${missing.fix}` : `${missing.field} not set — ${missing.fix}`;
}

export function missingSettingsError(stepId: string, missing: readonly MissingSetting[]): InvalidConfigurationError {
  const first = missing[0] as MissingSetting;
  return new InvalidConfigurationError(
    `step ${stepId} cannot run: ${missing.map(missingSettingText).join('; ')} (the config's ${missing.map((m) => m.field).join(', ')} is missing and is never guessed)`,
    first.field,
    first.fix,
  );
}
