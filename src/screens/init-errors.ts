import type { InitField, InitSubmitResult } from './InitForm.js';

/** Config field paths (as ConfigError issues name them) → the form field that sets them. */
const FIELD_OF_PATH: Record<string, InitField> = {
  suffix: 'suffix',
  region: 'region',
  'access.adminCidr': 'adminCidr',
  'access.allowOpenAdminCidr': 'adminCidr',
  'access.publicKeyPath': 'publicKeyPath',
  'shop.source': 'shopSource',
};

interface IssueLike {
  field: string;
  message: string;
  fix?: string;
}

function isIssueList(value: unknown): value is IssueLike[] {
  return (
    Array.isArray(value) &&
    value.every((v) => v && typeof v === 'object' && typeof (v as IssueLike).field === 'string' && typeof (v as IssueLike).message === 'string')
  );
}

/**
 * What a failed save means for the form: a config error with issues (duck-typed: `issues[]` of
 * `{ field, message, fix }`) points at the field of its first issue that the form has; anything
 * else is a general error under the form.
 */
export function initErrorFrom(error: unknown): Extract<InitSubmitResult, { ok: false }> {
  const issues = error && typeof error === 'object' && 'issues' in error ? (error as { issues: unknown }).issues : undefined;
  if (isIssueList(issues) && issues.length > 0) {
    const issue = issues.find((i) => FIELD_OF_PATH[i.field] !== undefined) ?? issues[0];
    if (issue) {
      const message = issue.fix ? `${issue.message} — fix: ${issue.fix}` : issue.message;
      const field = FIELD_OF_PATH[issue.field];
      return field ? { ok: false, field, message } : { ok: false, message };
    }
  }
  return { ok: false, message: error instanceof Error ? error.message : String(error) };
}
