import { useEffect, useRef, useState } from 'react';
import type { ResumeInfo, RunbookController } from '../app/controller.js';
import type { RunOutcome } from '../engine/events.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { SECTION_IDS } from '../engine/types.js';
import { allAvailableDone, exitCodeFor, nextSection } from './labels.js';
import { useApply, type ApplyResult, type RunWork } from './use-apply.js';
import { useRunView } from './use-run-view.js';
import { useFinishedLog, type RunMark } from './use-finished-log.js';
import { useKeys } from './use-keys.js';
import { FrameContext } from './frame/frame-context.js';
import { Question } from './components/Question.js';
import { AppScreen } from './AppScreen.js';
import { stoppedNotice, type RunCtx, type Screen } from './app-screens.js';
import { useExit } from './use-exit.js';

export type AppStart =
  | { screen: 'welcome' }
  | { screen: 'preview'; sections: SectionId[]; stepMode: boolean; autoConfirm?: false };

export interface AppProps {
  controller: RunbookController;
  /**
   * `welcome` (default): the guided assistant. `preview`: `aws-runbook up` in a TTY: each listed section is
   * previewed and confirmed in turn, then all of them are applied together as one dependency graph, so a long
   * wait (the RDS instance) overlaps the other sections' work instead of holding back their previews.
   */
  start?: AppStart;
  /** Called once: 0 ok, 1 failed or declined, 130 aborted. */
  onExit: (code: number) => void;
  /**
   * Interrupts from outside the keyboard (the CLI passes SIGINT, SIGTERM and SIGHUP): subscribes a
   * listener, returns the unsubscribe. The first stops the run in flight (without asking) and the app
   * exits once it stopped (or at once when none runs); the second exits at once with 130.
   */
  interrupts?: InterruptSource;
  /** What the tool said while it started (the rehearsal's stand-ins), for the Welcome screen. */
  notices?: readonly string[];
  /** Called once the first screen has subscribed its keys (React runs a parent's effects after its children's). */
  onInputReady?: () => void;
}

/** A subscription to interrupts: call `listener` for each; returns the function that unsubscribes. */
export type InterruptSource = (listener: () => void) => () => void;

/** The screens and the way between them: which screen, the run in flight, the questions, how the session exits. */
export function App({ controller, start = { screen: 'welcome' }, onExit, interrupts, notices, onInputReady }: AppProps) {
  const upMode = start.screen === 'preview';
  const queue = useRef<SectionId[]>(upMode ? start.sections.slice(1) : []);
  /** `up`: what the operator confirmed so far; applied together once the last section is confirmed. */
  const confirmed = useRef<RunCtx>({ kind: 'up', sections: [], plan: [], stepSections: [] });
  const [screen, setScreen] = useState<Screen>(() => (start.screen === 'preview' && start.sections[0] ? { name: 'preview', section: start.sections[0] } : { name: 'welcome' }));
  const [question, setQuestion] = useState<'stop' | 'teardown' | undefined>();
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
  const stoppedByOperator = useRef(false);
  const { exit, hideSecrets, noteSecretShown } = useExit(onExit);
  const inputReady = useRef(onInputReady);
  useEffect(() => inputReady.current?.(), []); // once, on mount

  // `up` skips Welcome: still say which account a confirmation would change (errors surface in the plan).
  useEffect(() => {
    if (upMode) controller.loadIdentity().catch(() => undefined);
  }, [controller, upMode]);

  const toOverview = (notice?: string) => setScreen({ name: 'overview', ...(notice ? { notice } : {}) });

  const finished = (result: ApplyResult, ctx: RunCtx, run: number) => {
    lastOutcome.current = result.outcome;
    setElapsedMs((ms) => ms + result.elapsedMs);
    if (quitting.current) return exit(exitCodeFor(result.outcome));
    if (result.outcome === 'aborted' && stoppedByOperator.current) {
      stoppedByOperator.current = false;
      return toOverview(stoppedNotice(controller.resumeInfo()));
    }
    if (result.outcome === 'failed') return setScreen({ name: 'failure', applyError: result.error, ...ctx });
    if (result.outcome !== 'ok') return setScreen({ name: 'progress', run, outcome: result.outcome, ...ctx });
    if (ctx.kind === 'down') return toOverview('Torn down: nothing the rehearsal built is left.');
    // `up`: the Summary (URLs, SSH commands) offers the checklist; q exits 0.
    if (upMode) return setScreen({ name: 'summary' });
    if (allAvailableDone(controller.sections())) setScreen({ name: 'summary' });
    else setScreen({ name: 'overview', done: { run, sections: ctx.sections, elapsedMs: result.elapsedMs } });
  };

  const runWork = (ctx: RunCtx) => {
    const run = ++runCount.current;
    runMark.current = { run, baseline: viewRef.current.steps, titles: new Map(ctx.plan.map((s) => [s.stepId, s.title])) };
    setScreen({ name: 'progress', run, ...ctx });
    const work: RunWork =
      ctx.kind === 'down'
        ? async () => {
            const plan = await controller.planTeardown!();
            setScreen((s) => (s.name === 'progress' && s.run === run ? { ...s, plan } : s));
            return controller.tearDown!();
          }
        : (confirmStep) => controller.apply(ctx.sections, confirmStep ? { confirmStep } : undefined);
    void apply.run(work, ctx.stepSections).then((result) => finished(result, ctx, run));
  };

  const confirmSection = (section: SectionId, plan: PlannedStep[], stepMode: boolean) => {
    if (!upMode) return runWork({ kind: 'up', sections: [section], plan, stepSections: stepMode ? [section] : [] });
    const sofar = confirmed.current;
    confirmed.current = { kind: 'up', sections: [...sofar.sections, section], plan: [...sofar.plan, ...plan], stepSections: stepMode ? [...sofar.stepSections, section] : sofar.stepSections };
    const next = queue.current.shift();
    if (next) setScreen({ name: 'preview', section: next });
    else runWork(confirmed.current);
  };

  /** Open a section: its preview, after the Stripe keys when the hosts section would need them. */
  const open = (section: SectionId) => setScreen(section === 'hosts' && controller.stripeKeysMissing?.() ? { name: 'stripe', section } : { name: 'preview', section });

  const resume = (info: ResumeInfo) => {
    const sections = controller.sections();
    const where = info.stepId ? sections.find((s) => s.stepIds.includes(info.stepId ?? '')) : undefined;
    const target = info.command === 'up' ? (where ?? nextSection(sections)) : undefined;
    if (target) open(target.id);
    else toOverview();
  };

  const leave = () => exit(upMode && screen.name === 'preview' ? 1 : screen.name === 'failure' ? 1 : exitCodeFor(lastOutcome.current));
  const stop = (thenExit: boolean) => {
    if (thenExit) quitting.current = true;
    else stoppedByOperator.current = true;
    setQuestion(undefined);
    apply.stop();
  };
  const home = screen.name === 'overview' || screen.name === 'welcome';
  useKeys(
    {
      running: apply.isActive,
      stopping: () => apply.isActive() && (apply.stopping || quitting.current || stoppedByOperator.current),
      question,
      typing: screen.name === 'stripe',
      ...(upMode || home ? {} : { back: () => toOverview() }),
      ask: () => setQuestion('stop'),
      stop,
      dropQuestion: () => setQuestion(undefined),
      leave,
      exitNow: () => exit(130),
      exitAfterStop: upMode,
    },
    interrupts,
  );

  const prompt =
    question === 'stop' ? (
      <Question text={upMode ? 'Stop the run? The state records where; `aws-runbook up` resumes.' : 'Stop the run? The state records where; you go back to the Overview.'} onYes={() => stop(upMode)} onNo={() => setQuestion(undefined)} />
    ) : question === 'teardown' ? (
      <Question text="Tear down everything the rehearsal built?" onYes={() => { setQuestion(undefined); runWork({ kind: 'down', sections: [...SECTION_IDS].reverse(), plan: [], stepSections: [] }); }} onNo={() => setQuestion(undefined)} />
    ) : undefined;

  return (
    <FrameContext.Provider value={prompt ? { prompt } : {}}>
      <AppScreen
        screen={screen}
        controller={controller}
        view={view}
        upMode={upMode}
        start={start}
        confirmed={confirmed.current}
        remaining={queue.current.length}
        elapsedMs={elapsedMs}
        finishedLog={finishedLog}
        apply={apply}
        notices={notices}
        hideSecrets={hideSecrets}
        onSecretShown={noteSecretShown}
        go={setScreen}
        open={open}
        resume={resume}
        confirmSection={confirmSection}
        retry={(ctx) => runWork(ctx)}
        askTearDown={() => setQuestion('teardown')}
        exit={exit}
      />
    </FrameContext.Provider>
  );
}

