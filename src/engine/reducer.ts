import type { ClassifiedError } from '../errors/error-kinds.js';
import type { EngineEvent, RunOutcome } from './events.js';
import { checklistReducer, initialChecklistView, type ChecklistView } from './checklist-view.js';
import type { Identity, Outputs, PlanAction, PlannedStep, SectionId } from './types.js';

/** Where one step is, as the screens see it. A discriminated union: one shape per status. */
/** How many of a running step's last progress lines the view keeps (the live part of the screen). */
export const RECENT_LINES = 3;

export type StepStatus =
  | { kind: 'idle' }
  | { kind: 'planned'; plan: PlannedStep }
  | {
      kind: 'running';
      action: PlanAction | 'destroy';
      since: number;
      lastMessage?: string;
      /** The last few progress lines (a remote script's output), oldest first. */
      recentLines?: string[];
      plan?: PlannedStep;
    }
  | { kind: 'done'; action: PlanAction | 'destroy'; outputs: Outputs; elapsedMs: number; plan?: PlannedStep }
  | { kind: 'failed'; error: ClassifiedError; elapsedMs: number; plan?: PlannedStep }
  | { kind: 'skipped'; reason: string; plan?: PlannedStep };

export interface RunView {
  identity?: Identity;
  /** Step ids in the order they were first seen. */
  order: string[];
  steps: Record<string, StepStatus>;
  /** Which section each seen step belongs to. */
  sectionOf: Record<string, SectionId>;
  planning: boolean;
  activeSection?: SectionId;
  mode?: 'up' | 'down';
  sectionOutcomes: Partial<Record<SectionId, RunOutcome>>;
  outcome?: RunOutcome;
  startedAt?: number;
  finishedAt?: number;
  notices: { level: 'info' | 'warn'; message: string }[];
  /** The verification checklist (verify runs). */
  checklist: ChecklistView;
}

export const initialRunView: RunView = {
  order: [],
  steps: {},
  sectionOf: {},
  planning: false,
  sectionOutcomes: {},
  notices: [],
  checklist: initialChecklistView,
};

function planOf(status: StepStatus | undefined): PlannedStep | undefined {
  if (!status || status.kind === 'idle') return undefined;
  return status.plan;
}

function withStep(view: RunView, stepId: string, status: StepStatus, section?: SectionId): RunView {
  const known = stepId in view.steps;
  return {
    ...view,
    order: known ? view.order : [...view.order, stepId],
    steps: { ...view.steps, [stepId]: status },
    sectionOf: section ? { ...view.sectionOf, [stepId]: section } : view.sectionOf,
  };
}

/** Pure: the next view after one event. */
export function runReducer(view: RunView, event: EngineEvent): RunView {
  switch (event.type) {
    case 'identity':
      return { ...view, identity: event.identity };
    case 'plan-started':
      return { ...view, planning: true };
    case 'step-planned':
      return withStep(view, event.step.stepId, { kind: 'planned', plan: event.step }, event.step.section);
    case 'plan-finished':
      return { ...view, planning: false };
    case 'section-started':
      return {
        ...view,
        activeSection: event.section,
        mode: event.mode,
        startedAt: view.startedAt ?? event.at,
        outcome: undefined,
        finishedAt: undefined,
      };
    case 'step-started': {
      const prev = view.steps[event.stepId];
      return withStep(view, event.stepId, {
        kind: 'running',
        action: event.action,
        since: event.at,
        plan: planOf(prev),
      });
    }
    case 'step-progress': {
      const prev = view.steps[event.stepId];
      if (prev?.kind !== 'running') return view;
      const recentLines = [...(prev.recentLines ?? []), event.message].slice(-RECENT_LINES);
      return withStep(view, event.stepId, { ...prev, lastMessage: event.message, recentLines });
    }
    case 'step-done': {
      const prev = view.steps[event.stepId];
      const since = prev?.kind === 'running' ? prev.since : event.at;
      return withStep(view, event.stepId, {
        kind: 'done',
        action: event.action,
        outputs: event.outputs,
        elapsedMs: event.at - since,
        plan: planOf(prev),
      });
    }
    case 'step-failed': {
      const prev = view.steps[event.stepId];
      const since = prev?.kind === 'running' ? prev.since : event.at;
      return withStep(view, event.stepId, {
        kind: 'failed',
        error: event.error,
        elapsedMs: event.at - since,
        plan: planOf(prev),
      });
    }
    case 'step-skipped': {
      const prev = view.steps[event.stepId];
      return withStep(view, event.stepId, { kind: 'skipped', reason: event.reason, plan: planOf(prev) });
    }
    case 'section-finished':
      return {
        ...view,
        activeSection: view.activeSection === event.section ? undefined : view.activeSection,
        sectionOutcomes: { ...view.sectionOutcomes, [event.section]: event.outcome },
      };
    case 'run-finished':
      return { ...view, outcome: event.outcome, finishedAt: event.at, activeSection: undefined };
    case 'notice':
      return { ...view, notices: [...view.notices, { level: event.level, message: event.message }] };
    case 'checks-started':
    case 'check-started':
    case 'check-finished':
    case 'checks-finished':
      return { ...view, checklist: checklistReducer(view.checklist, event) };
  }
}

/** Steps of one section, in order, with their status. */
export function stepsOfSection(view: RunView, section: SectionId): { stepId: string; status: StepStatus }[] {
  return view.order
    .filter((id) => view.sectionOf[id] === section)
    .map((stepId) => ({ stepId, status: view.steps[stepId] ?? { kind: 'idle' } }));
}
