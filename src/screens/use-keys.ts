import { useEffect, useRef } from 'react';
import { useInput } from 'ink';
import type { InterruptSource } from './App.js';

export interface KeyRules {
  /** A run is in flight. */
  running: () => boolean;
  /** Its stop was asked already (the calls in flight are being waited for). */
  stopping: () => boolean;
  /** A question is asked (stop the run? tear down?): q and Ctrl-C answer it, Esc drops it. */
  question?: 'stop' | 'teardown';
  /** The screen takes text (a masked key): q is a letter there. */
  typing: boolean;
  /** Where q goes when it does not leave: the Overview (undefined: q leaves from here). */
  back?: () => void;
  ask: () => void;
  /** Stop the run; `thenExit`: the app exits once it stopped (signals, `up`). */
  stop: (thenExit: boolean) => void;
  dropQuestion: () => void;
  leave: () => void;
  exitNow: () => void;
  /** `up`: a run stopped with q exits (there is no Overview to go back to). */
  exitAfterStop: boolean;
}

/**
 * The keys that stop and leave, the same on every screen. q and Ctrl-C during a run ask first; a second
 * one while it stops exits at once. Without a run, Ctrl-C leaves; q goes back to the Overview, and leaves
 * from there. Outside interrupts (SIGINT, SIGTERM, SIGHUP through the CLI) stop without asking, then exit.
 */
export function useKeys(rules: KeyRules, interrupts?: InterruptSource): void {
  const current = useRef(rules);
  current.current = rules;

  useEffect(
    () =>
      interrupts?.(() => {
        const r = current.current;
        if (r.running()) return r.stopping() ? r.exitNow() : r.stop(true);
        r.leave();
      }),
    [interrupts],
  );

  useInput((input, key) => {
    const r = current.current;
    const ctrlC = key.ctrl && input === 'c';
    const q = input === 'q' && !r.typing;
    if (r.question === 'stop') {
      if (ctrlC || q) r.stop(r.exitAfterStop);
      else if (key.escape) r.dropQuestion();
      return;
    }
    if (r.question === 'teardown') {
      if (ctrlC) r.leave();
      else if (q || key.escape) r.dropQuestion();
      return;
    }
    if (!ctrlC && !q) return;
    if (r.running()) return r.stopping() ? r.exitNow() : r.ask();
    if (ctrlC || !r.back) return r.leave();
    r.back();
  });
}
