import type { CheckGroup, CheckOutcome } from './check-outcome.js';

/** A check as the checklist lists it before it has run. */
export interface CheckMeta {
  id: string;
  group: CheckGroup;
  title: string;
  required: boolean;
}

/** What a verify run covers: everything, some groups, or a rerun of some checks (the others keep their result). */
export type CheckSelection = { kind: 'all' } | { kind: 'groups'; groups: CheckGroup[] } | { kind: 'rerun'; ids: string[] };

/** Where one check is. */
export type CheckState =
  | { kind: 'waiting'; meta: CheckMeta }
  | { kind: 'running'; meta: CheckMeta; since: number }
  | { kind: 'finished'; meta: CheckMeta; outcome: CheckOutcome };

export interface ChecklistView {
  /** Check ids in checklist order. */
  order: string[];
  checks: Record<string, CheckState>;
  running: boolean;
  /** Verdict of the last finished run: no required check failed (over every check listed). */
  ok?: boolean;
  startedAt?: number;
  finishedAt?: number;
}

export const initialChecklistView: ChecklistView = { order: [], checks: {}, running: false };

type ChecklistEvent =
  | { type: 'checks-started'; checks: CheckMeta[]; selection: CheckSelection; at: number }
  | { type: 'check-started'; id: string; at: number }
  | { type: 'check-finished'; outcome: CheckOutcome; at: number }
  | { type: 'checks-finished'; ok: boolean; at: number };

/** Whether the checklist as shown holds: no required check finished failed. */
export function checklistOk(view: ChecklistView): boolean {
  return !view.order.some((id) => {
    const state = view.checks[id];
    return state?.kind === 'finished' && state.outcome.required && state.outcome.status === 'fail';
  });
}

/** Pure: the checklist after one verify event. A rerun keeps the other checks' results. */
export function checklistReducer(view: ChecklistView, event: ChecklistEvent): ChecklistView {
  switch (event.type) {
    case 'checks-started': {
      const fresh: Record<string, CheckState> = Object.fromEntries(event.checks.map((meta) => [meta.id, { kind: 'waiting', meta } as CheckState]));
      if (event.selection.kind === 'rerun') {
        const order = [...view.order, ...event.checks.map((c) => c.id).filter((id) => !view.order.includes(id))];
        return { ...view, order, checks: { ...view.checks, ...fresh }, running: true, startedAt: event.at, finishedAt: undefined };
      }
      return { order: event.checks.map((c) => c.id), checks: fresh, running: true, startedAt: event.at };
    }
    case 'check-started': {
      const prev = view.checks[event.id];
      if (!prev) return view;
      return { ...view, checks: { ...view.checks, [event.id]: { kind: 'running', meta: prev.meta, since: event.at } } };
    }
    case 'check-finished': {
      const { outcome } = event;
      const meta = view.checks[outcome.id]?.meta ?? { id: outcome.id, group: outcome.group, title: outcome.title, required: outcome.required };
      const order = view.order.includes(outcome.id) ? view.order : [...view.order, outcome.id];
      return { ...view, order, checks: { ...view.checks, [outcome.id]: { kind: 'finished', meta, outcome } } };
    }
    case 'checks-finished': {
      const next = { ...view, running: false, finishedAt: event.at };
      return { ...next, ok: checklistOk(next) };
    }
  }
}
