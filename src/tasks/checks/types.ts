import type { Config } from '../../config/schema.js';
import type { AwsClients } from '../../aws/clients.js';
import type { HostAccess } from '../../engine/types.js';
import type { LiveInventory } from './inventory.js';
import { CHECK_GROUPS, type CheckGroup, type CheckResult } from '../../engine/check-outcome.js';

export { CHECK_GROUPS, type CheckGroup, type CheckOutcome, type CheckResult, type CheckStatus } from '../../engine/check-outcome.js';

export const CHECK_GROUP_TITLES: Record<CheckGroup, string> = {
  network: 'Network',
  security: 'Security',
  database: 'Database',
  storage: 'Storage and backups',
  hosts: 'Hosts',
  apps: 'Applications',
  connectivity: 'Connectivity (ping matrix)',
};

/** What a check may use. Read-only: a check never changes AWS or a host. */
export interface CheckContext {
  readonly config: Config;
  /** Lower-case project key (the aws-runbook:project tag value). */
  readonly project: string;
  readonly aws: AwsClients;
  /** SSH to the hosts; `reachable` is false through an emulator without a lab (host checks then skip). */
  readonly hosts: HostAccess;
  readonly signal: AbortSignal;
  /** What the live account holds for this project, described once per verify run and shared by the checks. */
  readonly live: LiveInventory;
  /** An output recorded in the state file (e.g. a bucket name), or undefined. Live reads decide; this only names things. */
  output(stepId: string, key: string): string | undefined;
}

/** One line of the checklist: data, like a step (docs/design.md#verification-checklist). */
export interface Check {
  /** Stable id (`security.ec2-19.no-open-admin-ports`): `verify --json` consumers key on it. */
  readonly id: string;
  readonly group: CheckGroup;
  readonly title: string;
  /** Default true. A failing optional check is shown but does not fail `verify`. */
  readonly required?: boolean;
  /** Needs SSH to the hosts: skipped (with the reason) when they cannot be reached. */
  readonly needsHosts?: boolean;
  run(ctx: CheckContext): Promise<CheckResult>;
}

export function isCheckGroup(value: string): value is CheckGroup {
  return (CHECK_GROUPS as readonly string[]).includes(value);
}

/** Helpers for check bodies. */
export const pass = (evidence: string, details?: string[]): CheckResult => ({ status: 'pass', evidence, ...(details ? { details } : {}) });
export const fail = (evidence: string, hint: string, details?: string[]): CheckResult => ({ status: 'fail', evidence, hint, ...(details ? { details } : {}) });
export const warn = (evidence: string, hint: string, details?: string[]): CheckResult => ({ status: 'warn', evidence, hint, ...(details ? { details } : {}) });
export const skip = (evidence: string, hint?: string): CheckResult => ({ status: 'skip', evidence, ...(hint ? { hint } : {}) });
