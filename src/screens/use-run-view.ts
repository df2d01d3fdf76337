import { useEffect, useState } from 'react';
import type { RunbookController } from '../app/controller.js';
import type { EngineEvent } from '../engine/events.js';
import { initialRunView, runReducer, type RunView } from '../engine/reducer.js';

/**
 * The events that come in bursts (a plan lists every step, a remote script streams its output):
 * these are folded in batches. Every other event is a change of state that the operator (and the
 * screen reacting to it, e.g. a step-by-step prompt) must see at once, so it flushes the batch.
 */
const BATCHED: ReadonlySet<EngineEvent['type']> = new Set(['step-progress', 'step-planned']);

export interface RunViewOptions {
  /** Events arriving within this window are folded into one render (progress lines come in bursts). */
  batchMs?: number;
}

/**
 * The engine's state as screens see it: the controller's events folded with `runReducer`.
 * Progress lines and planned steps are batched (at most one render per `batchMs`); any other event
 * flushes at once, so the view is complete by the time `apply`/`plan` resolve or a step-by-step
 * prompt shows. Unsubscribes on unmount.
 */
export function useRunView(controller: Pick<RunbookController, 'subscribe'>, options: RunViewOptions = {}): RunView {
  const batchMs = options.batchMs ?? 16;
  const [view, setView] = useState<RunView>(initialRunView);

  useEffect(() => {
    let pending: EngineEvent[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    let active = true;

    const flush = () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (!active || pending.length === 0) return;
      const batch = pending;
      pending = [];
      setView((previous) => batch.reduce(runReducer, previous));
    };

    const unsubscribe = controller.subscribe((event) => {
      pending.push(event);
      if (BATCHED.has(event.type)) timer ??= setTimeout(flush, batchMs);
      else flush();
    });

    return () => {
      active = false;
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe();
    };
  }, [controller, batchMs]);

  return view;
}
