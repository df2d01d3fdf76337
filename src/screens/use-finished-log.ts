import { useRef } from 'react';
import type { RunView, StepStatus } from '../engine/reducer.js';

/** The run whose finished steps are being logged: its id and the view's steps just before it started. */
export interface RunMark {
  run: number;
  baseline: Readonly<Record<string, StepStatus>>;
  titles: ReadonlyMap<string, string>;
}

export interface FinishedEntry {
  key: string;
  run: number;
  stepId: string;
  title: string;
  status: StepStatus;
}

const isFinished = (s: StepStatus) => s.kind === 'done' || s.kind === 'failed' || s.kind === 'skipped';

/**
 * Append-only log of the steps that finished (done, failed, skipped) in each run, in the order they
 * were seen: the log the Progress screen scrolls (every run of the session). A step belongs to the run
 * when its status changed after the run's baseline. Lives at App level so the last steps are logged even when the screen changes
 * in the same render as they finish.
 */
export function useFinishedLog(view: RunView, mark: RunMark | undefined): FinishedEntry[] {
  const log = useRef<FinishedEntry[]>([]);
  const seen = useRef(new Set<string>());
  if (mark) {
    for (const stepId of view.order) {
      const status = view.steps[stepId];
      const key = `${mark.run}:${stepId}`;
      if (!status || !isFinished(status) || status === mark.baseline[stepId] || seen.current.has(key)) continue;
      seen.current.add(key);
      const title = mark.titles.get(stepId) ?? status.plan?.title ?? stepId;
      log.current.push({ key, run: mark.run, stepId, title, status });
    }
  }
  // A new array each render: the screens that show it draw it again.
  return log.current.slice();
}
