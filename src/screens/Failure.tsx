import { Box, Text, useInput } from 'ink';
import type { ClassifiedError } from '../aws/error-kinds.js';
import type { SessionInfo } from '../engine/controller.js';
import type { RunView } from '../engine/reducer.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { ErrorDetails } from './components/ErrorDetails.js';
import { Header } from './components/Header.js';
import { KeyHints } from './components/KeyHints.js';

export interface FailureProps {
  info: SessionInfo;
  view: RunView;
  sections: SectionId[];
  plan: PlannedStep[];
  /** When `apply` itself threw rather than a step failing. */
  applyError?: ClassifiedError;
  onRetry: () => void;
  onOverview: () => void;
}

/** Which step failed and why (classified), and the way on: retry resumes from that step. */
export function Failure({ info, view, sections, plan, applyError, onRetry, onOverview }: FailureProps) {
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

  useInput((input) => {
    if (input === 'r') onRetry();
    else if (input === 'o') onOverview();
  });

  return (
    <Box flexDirection="column">
      <Header info={info} title="Failure" identity={view.identity} />
      {first ? (
        <>
          <Text bold color="red">
            ✗ {first.title} <Text dimColor>({first.stepId})</Text> failed
          </Text>
          <ErrorDetails error={first.error} />
          {failed.length > 1 ? (
            <Text dimColor>also failed: {failed.slice(1).map((f) => f.title).join(', ')}</Text>
          ) : null}
        </>
      ) : (
        <>
          <Text bold color="red">
            ✗ the run of {sections.join(', ')} failed
          </Text>
          {applyError ? <ErrorDetails error={applyError} /> : null}
        </>
      )}
      <Box marginTop={1} flexDirection="column">
        <Text dimColor>What was done is recorded in the state file; nothing is created twice on retry.</Text>
        {info.logPath ? <Text dimColor>{`The run's log (JSON lines, secrets redacted): ${info.logPath}`}</Text> : null}
      </Box>
      <KeyHints
        hints={[
          ['r', 'retry (resumes from this step)'],
          ['o', 'overview'],
        ]}
        quit="quit — `aws-runbook up` resumes later"
      />
    </Box>
  );
}
