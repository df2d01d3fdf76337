import type { ReactElement } from 'react';
import type { ClassifiedError } from '../errors/error-kinds.js';
import type { SessionInfo } from '../app/controller.js';
import type { RunView } from '../engine/reducer.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { Frame } from './frame/Frame.js';
import { ScrollView } from './frame/ScrollView.js';
import { blankRow, textRows } from './frame/rows.js';
import { errorRows } from './components/error-rows.js';

export interface FailureProps {
  info: SessionInfo;
  view: RunView;
  sections: SectionId[];
  plan: PlannedStep[];
  /** When `apply` itself threw rather than a step failing. */
  applyError?: ClassifiedError;
  onRetry: () => void;
  onOverview: () => void;
  /** What q does here. */
  quitLabel?: string;
}

/** Which step failed and why (classified), and the way on: retry resumes from that step. */
export function Failure({ info, view, sections, plan, applyError, onRetry, onOverview, quitLabel }: FailureProps) {
  const inRun = new Set(plan.map((s) => s.stepId));
  const failed = view.order.flatMap((stepId) => {
    const status = view.steps[stepId];
    const section = view.sectionOf[stepId];
    if (status?.kind !== 'failed') return [];
    if (!inRun.has(stepId) && !(section && sections.includes(section))) return [];
    const title = plan.find((s) => s.stepId === stepId)?.title ?? status.plan?.title ?? stepId;
    return [{ stepId, title, error: status.error }];
  });
  const first = failed[0];
  const quit = quitLabel ?? (info.sandbox ? 'quit (the rehearsal is discarded)' : 'quit — `aws-runbook up` resumes later');

  return (
    <Frame
      info={info}
      identity={view.identity}
      title="Failure"
      hints={[['r', 'retry (resumes from this step)'], ['o', 'overview']]}
      quit={quit}
      onKey={(input) => {
        if (input === 'r') onRetry();
        else if (input === 'o') onOverview();
      }}
    >
      {({ width, height, active }) => {
        const rows: ReactElement[] = first
          ? [
              ...textRows('title', `✗ ${first.title} (${first.stepId}) failed`, width, { color: 'red', bold: true }),
              ...errorRows('error', first.error, width),
              ...(failed.length > 1 ? textRows('also', `also failed: ${failed.slice(1).map((f) => f.title).join(', ')}`, width, { dimColor: true }) : []),
            ]
          : [...textRows('title', `✗ the run of ${sections.join(', ')} failed`, width, { color: 'red', bold: true }), ...(applyError ? errorRows('error', applyError, width) : [])];
        rows.push(blankRow('gap'), ...textRows('state', 'What was done is recorded in the state file; nothing is created twice on retry.', width, { dimColor: true }));
        if (info.logPath) rows.push(...textRows('log', `The run's log (JSON lines, secrets redacted): ${info.logPath}`, width, { dimColor: true }));
        return <ScrollView rows={rows} height={height} active={active} />;
      }}
    </Frame>
  );
}
