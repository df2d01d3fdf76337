import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import { ProgressBar } from '@inkjs/ui';
import type { SessionInfo } from '../app/controller.js';
import type { RunOutcome } from '../engine/events.js';
import type { RunView } from '../engine/reducer.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { formatElapsed } from '../render/format-units.js';
import { Frame } from './frame/Frame.js';
import type { Hint } from './frame/hints.js';
import { ScrollView } from './frame/ScrollView.js';
import { row, textRows } from './frame/rows.js';
import { finishedRows } from './components/finished-rows.js';
import { runningRows } from './components/running-rows.js';
import { HostProgress } from './components/HostProgress.js';
import { formatCounts, runCounts } from './run-counts.js';
import type { FinishedEntry } from './use-finished-log.js';
import { useNow } from './use-now.js';

export interface ProgressProps {
  info: SessionInfo;
  view: RunView;
  sections: SectionId[];
  /** The confirmed plan: titles, and how many steps there are. */
  plan: PlannedStep[];
  /** The finished steps of the session, every run (the log scrolls back to the earlier ones). */
  log: FinishedEntry[];
  /** This run's id in `log`. */
  run: number;
  /** "Applying network" (default) or "Tearing down". */
  title?: string;
  startedAt?: number;
  /** The step waiting for y/n in step-by-step mode. */
  prompt?: PlannedStep;
  stopping: boolean;
  /** Set when the run ended here (aborted or declined) rather than moving on. */
  outcome?: RunOutcome;
  /** y (true), n (false); a (true, `rest`): this step and the rest of its section without asking. */
  onAnswer: (ok: boolean, rest?: boolean) => void;
  onOverview: () => void;
  /** What q does here (stop the run, while it runs). */
  quitLabel?: string;
}

/** A run: how many steps finished, run and are to go; the log of finished steps; the steps at work; the y/n/a prompt. */
export function Progress(props: ProgressProps) {
  const { view, plan, prompt, outcome, log, run } = props;
  const live = outcome === undefined;
  const now = useNow(live);
  const mine = log.filter((entry) => entry.run === run);
  const counts = runCounts(plan, view, mine);
  const elapsed = props.startedAt !== undefined ? ` · ${formatElapsed(now - props.startedAt)}` : '';
  const done = plan.length === 0 ? 100 : (100 * (plan.length - counts.toGo - counts.running)) / plan.length;

  const hints: Hint[] = prompt
    ? [['y', 'apply this step'], ['n', 'skip it'], ['a', `apply the rest of ${prompt.section}`]]
    : live
      ? [['PgUp/PgDn', 'scroll the log']]
      : [['o', 'overview']];
  return (
    <Frame
      info={props.info}
      identity={view.identity}
      title={props.title ?? `Applying ${props.sections.join(', ')}`}
      hints={hints}
      quit={props.quitLabel ?? (live ? 'stop the run' : 'quit')}
      onKey={(input) => {
        if (prompt && (input === 'y' || input === 'n')) props.onAnswer(input === 'y');
        else if (prompt && input === 'a') props.onAnswer(true, true);
        else if (!live && input === 'o') props.onOverview();
      }}
    >
      {({ width, height, active }) => {
        const top = [
          row('counts', <Text>{plan.length === 0 && live ? `looking at what is there…${elapsed}` : `${formatCounts(counts)}${elapsed}`}</Text>),
          ...(plan.some((step) => step.host) ? [<HostProgress key="hosts" plan={plan} view={view} />] : []),
        ];
        const bottom = [
          ...(prompt ? textRows('prompt', `apply ${prompt.title}? y/n — a: this one and the rest of ${prompt.section} without asking`, width, { color: 'yellow', bold: true }) : []),
          ...(props.stopping && live ? [row('stopping', <Text color="yellow"><Spinner type="dots" /> stopping: waiting for the calls in flight… (Ctrl-C exits at once)</Text>)] : []),
          ...(outcome === 'aborted' ? textRows('aborted', 'The run stopped. The state file records where; applying the section again resumes from there.', width, { color: 'yellow' }) : []),
          ...(outcome === 'declined' ? textRows('declined', 'Declined: nothing further was applied.', width, { color: 'yellow' }) : []),
        ];
        const room = Math.max(2, height - top.length - bottom.length - 1);
        const running = runningRows(view, plan, now, Math.max(1, Math.floor(room / 2)));
        const logRows = log.flatMap((entry) => finishedRows(entry, width));
        return (
          <Box flexDirection="column">
            {top}
            <Box width={Math.min(width, 60)} height={1}>
              <ProgressBar value={done} />
            </Box>
            <ScrollView rows={logRows} height={Math.max(1, room - running.length)} active={active} stickToEnd />
            {running}
            {bottom}
          </Box>
        );
      }}
    </Frame>
  );
}
