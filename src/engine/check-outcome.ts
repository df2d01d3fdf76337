/**
 * What a finished check reports: the engine's check events carry it and the checklist view shows it.
 * The checks themselves (what they read, how they run) live in src/tasks/checks.
 */

/** Check groups, in checklist order (docs/design.md#check-groups). Names are a contract: `verify --only` takes them. */
export const CHECK_GROUPS = ['network', 'security', 'database', 'storage', 'hosts', 'apps', 'connectivity'] as const;
export type CheckGroup = (typeof CHECK_GROUPS)[number];

/** pass: holds; fail: does not (a required check failing makes `verify` exit 1); warn: holds with a caveat; skip: could not be checked here. */
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  status: CheckStatus;
  /** One line: what was seen (ids, values), whatever the status. */
  evidence: string;
  /** What to do about it: set on fail and warn (and on skip when there is something to do). */
  hint?: string;
  /** Further evidence lines (a matrix, a list of rules). */
  details?: string[];
}

/** A finished check, as reports and events carry it. */
export interface CheckOutcome extends CheckResult {
  id: string;
  group: CheckGroup;
  title: string;
  required: boolean;
  elapsedMs: number;
}
