import type { ResumeInfo, RunbookController } from '../app/controller.js';
import type { RunView } from '../engine/reducer.js';
import type { PlannedStep, SectionId } from '../engine/types.js';
import { doneNotice, type RunCtx, type Screen } from './app-screens.js';
import type { AppStart } from './App.js';
import { Checklist } from './Checklist.js';
import { Failure } from './Failure.js';
import { TopologyMap } from './TopologyMap.js';
import { Overview } from './Overview.js';
import { Progress } from './Progress.js';
import { SectionPreview } from './SectionPreview.js';
import { StripeKeysPrompt } from './StripeKeysPrompt.js';
import { Summary } from './Summary.js';
import { Welcome } from './Welcome.js';
import type { useApply } from './use-apply.js';
import type { FinishedEntry } from './use-finished-log.js';

export interface AppScreenProps {
  screen: Screen;
  controller: RunbookController;
  view: RunView;
  upMode: boolean;
  start: AppStart;
  confirmed: RunCtx;
  remaining: number;
  elapsedMs: number;
  finishedLog: FinishedEntry[];
  apply: ReturnType<typeof useApply>;
  notices?: readonly string[];
  hideSecrets: boolean;
  onSecretShown: (shown: boolean) => void;
  go: (screen: Screen) => void;
  open: (section: SectionId) => void;
  resume: (info: ResumeInfo) => void;
  confirmSection: (section: SectionId, plan: PlannedStep[], stepMode: boolean) => void;
  retry: (ctx: RunCtx) => void;
  askTearDown: () => void;
  exit: (code: number) => void;
}

/** The screen the App is on, wired to the App's ways between them. */
export function AppScreen(props: AppScreenProps) {
  const { screen, controller, view, upMode, go } = props;
  const { info } = controller;
  const toOverview = () => go({ name: 'overview' });
  // In the assistant q goes back to the Overview and leaves from there; `up` has no Overview.
  const back = upMode ? undefined : 'overview';
  const quitHome = info.sandbox ? 'quit (discards the rehearsal)' : 'quit';
  switch (screen.name) {
    case 'welcome':
      return <Welcome controller={controller} onResume={props.resume} onOverview={toOverview} quitLabel={quitHome} {...(props.notices ? { notices: props.notices } : {})} />;
    case 'overview':
      return (
        <Overview
          controller={controller}
          elapsedMs={props.elapsedMs}
          identity={view.identity}
          notice={screen.notice ?? (screen.done ? doneNotice(screen.done, props.finishedLog, new Map(controller.sections().map((s) => [s.id, s.title]))) : undefined)}
          quitLabel={quitHome}
          onOpen={props.open}
          onSummary={() => go({ name: 'summary' })}
          onChecklist={() => go({ name: 'checklist', back: 'overview' })}
          {...(controller.topology ? { onMap: () => go({ name: 'map', back: 'overview' }) } : {})}
        />
      );
    case 'stripe':
      return (
        <StripeKeysPrompt
          info={info}
          env={process.env}
          onSubmit={(keys) => {
            controller.provideStripeKeys?.(keys);
            go({ name: 'preview', section: screen.section });
          }}
          onCancel={() => go({ name: 'overview', notice: 'The shop needs its Stripe keys: nothing was applied. Open Hosts again to type them, or set STRIPE_PUBLISHABLE_KEY and STRIPE_SECRET_KEY.' })}
        />
      );
    case 'preview':
      return (
        <SectionPreview
          key={screen.section}
          controller={controller}
          section={screen.section}
          stepMode={upMode && props.start.screen === 'preview' && props.start.stepMode}
          alongWith={upMode ? props.confirmed.sections : undefined}
          remaining={upMode ? props.remaining : undefined}
          onConfirm={(plan, stepMode) => props.confirmSection(screen.section, plan, stepMode)}
          onBack={upMode ? () => props.exit(1) : toOverview}
          backLabel={upMode ? 'decline (nothing is applied)' : 'back'}
          quitLabel={back ?? 'quit (nothing is applied)'}
          identity={view.identity}
        />
      );
    case 'progress':
      return (
        <Progress
          key={screen.run}
          info={info}
          view={view}
          sections={screen.sections}
          plan={screen.plan}
          log={props.finishedLog}
          run={screen.run}
          {...(screen.kind === 'down' ? { title: 'Tearing down the rehearsal' } : {})}
          startedAt={props.apply.startedAt}
          prompt={props.apply.prompt}
          stopping={props.apply.stopping}
          outcome={screen.outcome}
          onAnswer={props.apply.answer}
          onOverview={toOverview}
          {...(screen.outcome !== undefined && back ? { quitLabel: back } : {})}
        />
      );
    case 'failure':
      return (
        <Failure
          info={info}
          view={view}
          sections={screen.sections}
          plan={screen.plan}
          applyError={screen.applyError}
          onRetry={() => props.retry({ kind: screen.kind, sections: screen.sections, plan: screen.plan, stepSections: screen.stepSections })}
          onOverview={toOverview}
          {...(back ? { quitLabel: back } : {})}
        />
      );
    case 'summary':
      return (
        <Summary
          controller={controller}
          view={view}
          elapsedMs={props.elapsedMs}
          {...(upMode ? {} : { onOverview: toOverview })}
          onChecklist={() => go({ name: 'checklist', back: 'summary' })}
          {...(controller.topology ? { onMap: () => go({ name: 'map', back: 'summary' }) } : {})}
          {...(info.sandbox && controller.tearDown ? { onTearDown: props.askTearDown } : {})}
          onSecretShown={props.onSecretShown}
          hideSecrets={props.hideSecrets}
          {...(back ? { quitLabel: back } : {})}
        />
      );
    case 'map':
      return (
        <TopologyMap
          controller={controller}
          identity={view.identity}
          onBack={() => go(screen.back === 'summary' ? { name: 'summary' } : { name: 'overview' })}
          backLabel={screen.back}
          {...(back ? { quitLabel: back } : {})}
        />
      );
    case 'checklist':
      return (
        <Checklist
          controller={controller}
          view={view}
          onBack={() => go(screen.back === 'summary' ? { name: 'summary' } : { name: 'overview' })}
          backLabel={screen.back}
          {...(back ? { quitLabel: back } : {})}
        />
      );
  }
}
