import type { AwsClients } from '../aws/clients.js';
import type { Config } from '../config/schema.js';
import { createCheckContext } from '../tasks/checks/context.js';
import { selectChecks } from '../tasks/checks/index.js';
import { runChecks, type CheckReport } from '../tasks/checks/run-checks.js';
import type { CheckGroup } from '../tasks/checks/types.js';
import type { CheckSelection } from '../engine/checklist-view.js';
import type { EngineEvent } from '../engine/events.js';
import type { HostAccess, Outputs } from '../engine/types.js';

/** Which checks a verify run covers: groups (`--only`), or ids (a rerun from the checklist screen). */
export interface VerifySelect {
  groups?: CheckGroup[];
  ids?: string[];
}

export interface VerifyDeps {
  config: Config;
  aws: AwsClients;
  hosts: HostAccess;
  signal: AbortSignal;
  outputsOf(stepId: string): Outputs | undefined;
  emit(event: EngineEvent): void;
}

function selectionOf(select: VerifySelect): CheckSelection {
  if (select.ids) return { kind: 'rerun', ids: select.ids };
  if (select.groups && select.groups.length > 0) return { kind: 'groups', groups: select.groups };
  return { kind: 'all' };
}

/** Run the selected checks against live AWS (and the hosts), as events: checks-started → check-* → checks-finished. */
export async function runVerify(deps: VerifyDeps, select: VerifySelect = {}): Promise<CheckReport> {
  const checks = selectChecks(deps.config, select);
  if (select.ids) {
    const unknown = select.ids.filter((id) => !checks.some((c) => c.id === id));
    if (unknown.length > 0) throw new Error(`unknown check id ${unknown.join(', ')}`);
  }
  deps.emit({
    type: 'checks-started',
    checks: checks.map((c) => ({ id: c.id, group: c.group, title: c.title, required: c.required ?? true })),
    selection: selectionOf(select),
    at: Date.now(),
  });
  const ctx = createCheckContext({ config: deps.config, aws: deps.aws, hosts: deps.hosts, signal: deps.signal, outputsOf: deps.outputsOf });
  const report = await runChecks(checks, ctx, {
    onStart: (check) => deps.emit({ type: 'check-started', id: check.id, at: Date.now() }),
    onFinish: (outcome) => deps.emit({ type: 'check-finished', outcome, at: Date.now() }),
  });
  deps.emit({ type: 'checks-finished', ok: report.ok, at: Date.now() });
  return report;
}
