import { allSteps, unavailableReason } from '../runbook/sections.js';
import type { PersistedState } from '../state/schema.js';
import type { ResumeInfo, SectionSummary } from './controller.js';
import type { EngineEvent, RunOutcome } from '../engine/events.js';
import type { Section, SectionId } from '../engine/types.js';

/** What the state file says of an unfinished run (the resume offer), or undefined when the last run ended well. */
export function resumeInfoOf(state: PersistedState | undefined, runbook: readonly Section[]): ResumeInfo | undefined {
  const run = state?.lastRun;
  if (!run || run.outcome === 'ok' || run.outcome === 'declined') return undefined;
  const steps = state?.steps ?? {};
  const stuck = Object.entries(steps).find(([, step]) => step.status === 'running' || step.status === 'failed');
  const stepId = stuck?.[0];
  const step = stuck?.[1];
  const title = stepId ? allSteps(runbook).find((s) => s.id === stepId)?.title : undefined;
  const pending = step && step.status !== 'done' ? step.pendingOperation : undefined;
  return {
    command: run.command,
    startedAt: run.startedAt,
    // Ctrl-C (aborted) and a run that never recorded its end (kill -9, crash) were interrupted.
    outcome: run.outcome === 'failed' ? 'failed' : 'interrupted',
    ...(stepId ? { stepId } : {}),
    ...(title ? { stepTitle: title } : {}),
    ...(pending ? { pendingOperation: `${pending.action}${pending.clientToken ? ` (ClientToken ${pending.clientToken})` : ''} at ${pending.startedAt}` } : {}),
    ...(step?.status === 'failed' ? { error: step.error } : {}),
  };
}

/** Per section: what the state records of it, and whether it can run here. */
export function sectionSummaries(runbook: readonly Section[], state: PersistedState | undefined, hostsReachable: boolean): SectionSummary[] {
  const steps = state?.steps ?? {};
  return runbook.map((section) => {
    const ids = section.steps.map((step) => step.id);
    const statuses = ids.map((id) => steps[id]?.status);
    const failures = ids.flatMap((id) => {
      const step = steps[id];
      return step?.status === 'failed' ? [step.error.kind] : [];
    });
    const recorded: SectionSummary['recorded'] = failures.some((kind) => kind !== 'aborted')
      ? 'failed'
      : failures.length > 0
        ? 'stopped'
        : ids.length > 0 && statuses.every((s) => s === 'done')
        ? 'done'
        : statuses.some((s) => s !== undefined)
          ? 'partial'
          : 'not-started';
    const unavailable = unavailableReason(section, hostsReachable);
    return {
      id: section.id,
      title: section.title,
      description: section.description,
      stepIds: ids,
      recorded,
      available: unavailable === undefined,
      ...(unavailable ? { unavailable } : {}),
    };
  });
}

/** The events that close a run: each section's outcome (failed when one of its steps failed), then the run's. */
export function finishEvents(runbook: readonly Section[], state: PersistedState | undefined, sections: readonly SectionId[], outcome: RunOutcome): EngineEvent[] {
  const steps = state?.steps ?? {};
  const at = Date.now();
  const events: EngineEvent[] = sections.map((section) => {
    const ids = runbook.find((s) => s.id === section)?.steps.map((step) => step.id) ?? [];
    const failed = ids.some((id) => steps[id]?.status === 'failed');
    const sectionOutcome: RunOutcome = failed ? (outcome === 'aborted' ? 'aborted' : 'failed') : outcome;
    return { type: 'section-finished', section, outcome: sectionOutcome, at };
  });
  return [...events, { type: 'run-finished', outcome, at }];
}
