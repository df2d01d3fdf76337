import { Box, Text, useInput } from 'ink';
import Spinner from 'ink-spinner';
import type { SessionInfo } from '../engine/controller.js';
import type { RunOutcome } from '../engine/events.js';
import type { RunView } from '../engine/reducer.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { formatElapsed } from '../render/format-units.js';
import { Header } from './components/Header.js';
import { KeyHints, type Hint } from './components/KeyHints.js';
import { RunningStepLine } from './components/RunningStepLine.js';
import { HostProgress } from './components/HostProgress.js';
import { useNow } from './use-now.js';

export interface ProgressProps {
  info: SessionInfo;
  view: RunView;
  sections: SectionId[];
  /** The confirmed plan: titles, and how many steps there are. */
  plan: PlannedStep[];
  /** Steps of this run that finished (they are printed above, in <Static>, by the App). */
  finishedIds: string[];
  startedAt?: number;
  /** The step waiting for y/n in step-by-step mode. */
  prompt?: PlannedStep;
  stopping: boolean;
  /** Set when the run ended here (aborted or declined) rather than moving on. */
  outcome?: RunOutcome;
  onAnswer: (ok: boolean) => void;
  onOverview: () => void;
}

/** The live part of a run: running steps with spinner, elapsed and last message; the y/n prompt. */
export function Progress(props: ProgressProps) {
  const { view, plan, prompt, outcome, finishedIds } = props;
  const running = view.order.filter((id) => view.steps[id]?.kind === 'running');
  const live = outcome === undefined;
  const now = useNow(live);
  const titles = new Map(plan.map((s) => [s.stepId, s.title]));
  // Done before this run (a resume) is not "to go"; a step that failed before will be tried again.
  const settled = (id: string) => ['done', 'skipped'].includes(view.steps[id]?.kind ?? '');
  const toGo = plan.filter((s) => !finishedIds.includes(s.stepId) && !running.includes(s.stepId) && !settled(s.stepId)).length;

  useInput((input) => {
    if (prompt && (input === 'y' || input === 'n')) props.onAnswer(input === 'y');
    else if (!live && input === 'o') props.onOverview();
  });

  const hints: Hint[] = prompt ? [['y', 'apply this step'], ['n', 'skip it']] : live ? [] : [['o', 'overview']];
  return (
    <Box flexDirection="column">
      <Header info={props.info} title={`Applying ${props.sections.join(', ')}`} identity={view.identity} />
      {running.map((id) => {
        const status = view.steps[id];
        if (status?.kind !== 'running') return null;
        return (
          <RunningStepLine
            key={id}
            title={titles.get(id) ?? status.plan?.title ?? id}
            action={status.action}
            elapsedMs={now - status.since}
            lastMessage={status.lastMessage}
            recentLines={status.recentLines}
          />
        );
      })}
      <HostProgress plan={plan} view={view} />
      {prompt ? (
        <Text bold color="yellow">
          apply {prompt.title}? y/n
        </Text>
      ) : null}
      {live ? (
        <Text dimColor>
          {finishedIds.length} finished · {toGo} to go
          {props.startedAt !== undefined ? ` · ${formatElapsed(now - props.startedAt)}` : ''}
        </Text>
      ) : null}
      {props.stopping && live ? (
        <Text color="yellow">
          <Spinner type="dots" /> stopping: waiting for the calls in flight… (q again exits at once)
        </Text>
      ) : null}
      {outcome === 'aborted' ? (
        <Text color="yellow">The run stopped. The state file records where; `aws-runbook up` resumes from there.</Text>
      ) : null}
      {outcome === 'declined' ? <Text color="yellow">Declined: nothing further was applied.</Text> : null}
      <KeyHints hints={hints} quit={live ? 'stop the run' : 'quit'} />
    </Box>
  );
}
