import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Box, Static, useInput } from 'ink';
import type { ClassifiedError } from '../aws/error-kinds.js';
import type { ResumeInfo, RunbookController } from '../engine/controller.js';
import type { RunOutcome } from '../engine/events.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { Checklist } from './Checklist.js';
import { Failure } from './Failure.js';
import { Overview } from './Overview.js';
import { Progress } from './Progress.js';
import { SectionPreview } from './SectionPreview.js';
import { Summary } from './Summary.js';
import { Welcome } from './Welcome.js';
import { allAvailableDone, exitCodeFor, nextSection } from './labels.js';
import { useApply, type ApplyResult } from './use-apply.js';
import { useRunView } from './use-run-view.js';
import { useFinishedLog, type RunMark } from './use-finished-log.js';
import { StepResultLine } from './components/StepResultLine.js';

export type AppStart =
  | { screen: 'welcome' }
  | { screen: 'preview'; sections: SectionId[]; stepMode: boolean; autoConfirm?: false };

export interface AppProps {
  controller: RunbookController;
  /**
   * `welcome` (default): the guided TUI. `preview`: `aws-runbook up` in a TTY: each listed section is previewed
   * and confirmed in turn, then all of them are applied together as one dependency graph, so a long wait
   * (the RDS instance) overlaps the other sections' work instead of holding back their previews.
   */
  start?: AppStart;
  /** Called once: 0 ok, 1 failed or declined, 130 aborted. */
  onExit: (code: number) => void;
  /**
   * Interrupts from outside the keyboard (the CLI passes SIGINT, SIGTERM and SIGHUP): subscribes a
   * listener, returns the unsubscribe. Each is handled like the Ctrl-C key: the first stops the run in
   * flight (or leaves), the second exits at once with 130.
   */
  interrupts?: InterruptSource;
}

/** A subscription to interrupts: call `listener` for each; returns the function that unsubscribes. */
export type InterruptSource = (listener: () => void) => () => void;

interface RunCtx {
  sections: SectionId[];
  plan: PlannedStep[];
  /** Sections whose steps are confirmed one by one. */
  stepSections: SectionId[];
}

type Screen =
  | { name: 'welcome' }
  | { name: 'overview' }
  | { name: 'summary' }
  | { name: 'checklist'; back: 'overview' | 'summary' }
  | { name: 'preview'; section: SectionId }
  | ({ name: 'progress'; run: number; outcome?: RunOutcome } & RunCtx)
  | ({ name: 'failure'; applyError?: ClassifiedError } & RunCtx);

/** The screens and the way between them: which screen, the run in flight, and how the session exits. */
export function App({ controller, start = { screen: 'welcome' }, onExit, interrupts }: AppProps) {
  const upMode = start.screen === 'preview';
  const queue = useRef<SectionId[]>(upMode ? start.sections.slice(1) : []);
  /** `up`: what the operator confirmed so far; applied together once the last section is confirmed. */
  const confirmed = useRef<RunCtx>({ sections: [], plan: [], stepSections: [] });
  const [screen, setScreen] = useState<Screen>(() =>
    start.screen === 'preview' && start.sections[0] ? { name: 'preview', section: start.sections[0] } : { name: 'welcome' },
  );
  const [elapsedMs, setElapsedMs] = useState(0);
  const view = useRunView(controller);
  const apply = useApply(controller);
  const runCount = useRef(0);
  const viewRef = useRef(view);
  viewRef.current = view;
  const runMark = useRef<RunMark | undefined>(undefined);
  const finishedLog = useFinishedLog(view, runMark.current);
  const lastOutcome = useRef<RunOutcome | undefined>(undefined);
  const quitting = useRef(false);
  const exited = useRef(false);
  /** A secret (GitLab's root password) is on screen: it is taken off before the app exits (Ink leaves its last frame). */
  const secretShown = useRef(false);
  const [hideSecrets, setHideSecrets] = useState(false);

  // `up` skips Welcome: still say which account a confirmation would change (errors surface in the plan).
  useEffect(() => {
    if (upMode) controller.loadIdentity().catch(() => undefined);
  }, [controller, upMode]);

  const exit = useCallback(
    (code: number) => {
      if (exited.current) return;
      if (secretShown.current) {
        secretShown.current = false;
        setHideSecrets(true);
        setTimeout(() => exit(code), 50); // one render without the secret, then exit
        return;
      }
      exited.current = true;
      onExit(code);
    },
    [onExit],
  );
  const noteSecretShown = useCallback((shown: boolean) => {
    secretShown.current = shown;
  }, []);

  const finished = (result: ApplyResult, ctx: RunCtx, run: number) => {
    lastOutcome.current = result.outcome;
    setElapsedMs((ms) => ms + result.elapsedMs);
    if (quitting.current) return exit(exitCodeFor(result.outcome));
    if (result.outcome === 'failed') return setScreen({ name: 'failure', applyError: result.error, ...ctx });
    if (result.outcome !== 'ok') return setScreen({ name: 'progress', run, outcome: result.outcome, ...ctx });
    // `up`: the Summary (URLs, SSH commands) offers the checklist; q exits 0.
    if (upMode) return setScreen({ name: 'summary' });
    setScreen(allAvailableDone(controller.sections()) ? { name: 'summary' } : { name: 'overview' });
  };

  const runSections = (ctx: RunCtx) => {
    const run = ++runCount.current;
    runMark.current = { run, baseline: viewRef.current.steps, titles: new Map(ctx.plan.map((s) => [s.stepId, s.title])) };
    setScreen({ name: 'progress', run, ...ctx });
    void apply.start(ctx.sections, ctx.stepSections).then((result) => finished(result, ctx, run));
  };

  const confirmSection = (section: SectionId, plan: PlannedStep[], stepMode: boolean) => {
    if (!upMode) return runSections({ sections: [section], plan, stepSections: stepMode ? [section] : [] });
    const sofar = confirmed.current;
    confirmed.current = {
      sections: [...sofar.sections, section],
      plan: [...sofar.plan, ...plan],
      stepSections: stepMode ? [...sofar.stepSections, section] : sofar.stepSections,
    };
    const next = queue.current.shift();
    if (next) setScreen({ name: 'preview', section: next });
    else runSections(confirmed.current);
  };

  const resume = (info: ResumeInfo) => {
    const sections = controller.sections();
    const where = info.stepId ? sections.find((s) => s.stepIds.includes(info.stepId ?? '')) : undefined;
    const target = info.command === 'up' ? (where ?? nextSection(sections)) : undefined;
    setScreen(target ? { name: 'preview', section: target.id } : { name: 'overview' });
  };

  /** q, Ctrl-C or an outside interrupt: the first stops the run in flight (or leaves), the second exits at once. */
  const interrupt = () => {
    if (quitting.current) return exit(130);
    if (apply.isActive()) {
      quitting.current = true;
      apply.stop();
      return;
    }
    const declined = upMode && screen.name === 'preview';
    exit(declined ? 1 : screen.name === 'failure' ? 1 : exitCodeFor(lastOutcome.current));
  };
  const interruptRef = useRef(interrupt);
  interruptRef.current = interrupt;
  useEffect(() => interrupts?.(() => interruptRef.current()), [interrupts]);

  useInput((input, key) => {
    if (input !== 'q' && !(key.ctrl && input === 'c')) return;
    interrupt();
  });

  const toOverview = () => setScreen({ name: 'overview' });
  const { info } = controller;
  let body: ReactNode;
  switch (screen.name) {
    case 'welcome':
      body = <Welcome controller={controller} onResume={resume} onOverview={toOverview} />;
      break;
    case 'overview':
      body = (
        <Overview
          controller={controller}
          elapsedMs={elapsedMs}
          identity={view.identity}
          onOpen={(section) => setScreen({ name: 'preview', section })}
          onSummary={() => setScreen({ name: 'summary' })}
          onChecklist={() => setScreen({ name: 'checklist', back: 'overview' })}
        />
      );
      break;
    case 'preview':
      body = (
        <SectionPreview
          key={screen.section}
          controller={controller}
          section={screen.section}
          stepMode={upMode && start.stepMode}
          alongWith={upMode ? confirmed.current.sections : undefined}
          remaining={upMode ? queue.current.length : undefined}
          onConfirm={(plan, stepMode) => confirmSection(screen.section, plan, stepMode)}
          onBack={upMode ? () => exit(1) : toOverview}
          backLabel={upMode ? 'decline (nothing is applied)' : 'back'}
          identity={view.identity}
        />
      );
      break;
    case 'progress':
      body = (
        <Progress
          key={screen.run}
          info={info}
          view={view}
          sections={screen.sections}
          plan={screen.plan}
          finishedIds={finishedLog.filter((e) => e.run === screen.run).map((e) => e.stepId)}
          startedAt={apply.startedAt}
          prompt={apply.prompt}
          stopping={apply.stopping}
          outcome={screen.outcome}
          onAnswer={apply.answer}
          onOverview={toOverview}
        />
      );
      break;
    case 'failure':
      body = (
        <Failure
          info={info}
          view={view}
          sections={screen.sections}
          plan={screen.plan}
          applyError={screen.applyError}
          onRetry={() => runSections({ sections: screen.sections, plan: screen.plan, stepSections: screen.stepSections })}
          onOverview={toOverview}
        />
      );
      break;
    case 'summary':
      body = (
        <Summary
          controller={controller}
          view={view}
          elapsedMs={elapsedMs}
          onOverview={toOverview}
          onChecklist={() => setScreen({ name: 'checklist', back: 'summary' })}
          onSecretShown={noteSecretShown}
          hideSecrets={hideSecrets}
        />
      );
      break;
    case 'checklist':
      body = <Checklist controller={controller} view={view} onBack={() => setScreen(screen.back === 'summary' ? { name: 'summary' } : { name: 'overview' })} backLabel={screen.back} />;
      break;
  }

  return (
    <Box flexDirection="column">
      {/* Finished steps of every run, printed once: they stay in the scrollback whatever screen follows. */}
      <Static items={finishedLog}>
        {(entry) => <StepResultLine key={entry.key} title={entry.title} status={entry.status} />}
      </Static>
      {body}
    </Box>
  );
}
