import { useCallback, useRef, useState } from 'react';
import type { ClassifiedError } from '../errors/error-kinds.js';
import type { RunbookController, StepConfirm } from '../app/controller.js';
import type { RunOutcome } from '../engine/events.js';
import type { PlannedStep, SectionId } from '../engine/types.js';

export interface ApplyResult {
  outcome: RunOutcome;
  /** Set when `apply` itself threw (a bug or an unclassified failure), not for a failed step. */
  error?: ClassifiedError;
  elapsedMs: number;
}

export interface ApplyState {
  active: boolean;
  startedAt?: number;
  /** The step waiting for a y/n in step-by-step mode. */
  prompt?: PlannedStep;
  stopping: boolean;
}

/** The work of one run: the controller's apply (or teardown), given the step confirmation of step-by-step mode. */
export type RunWork = (confirmStep?: StepConfirm) => Promise<RunOutcome>;

/**
 * One run at a time: tracks whether it runs, turns step-by-step confirmations into a prompt the screen
 * answers (y, n, or a: this step and the rest of its section), and stops it (abort; a pending prompt is
 * answered "no" after the abort, so the engine counts it as stopped, not declined).
 */
export function useApply(controller: RunbookController) {
  const [state, setState] = useState<ApplyState>({ active: false, stopping: false });
  const answerRef = useRef<((ok: boolean) => void) | undefined>(undefined);
  const promptRef = useRef<PlannedStep | undefined>(undefined);
  const activeRef = useRef(false);
  /** Sections the operator said "apply the rest" of, in the run in flight. */
  const unasked = useRef(new Set<SectionId>());

  const answer = useCallback((ok: boolean, rest = false) => {
    const resolve = answerRef.current;
    answerRef.current = undefined;
    if (rest && ok && promptRef.current) unasked.current.add(promptRef.current.section);
    promptRef.current = undefined;
    setState((s) => ({ ...s, prompt: undefined }));
    resolve?.(ok);
  }, []);

  const run = useCallback(async (work: RunWork, stepSections: readonly SectionId[] = []): Promise<ApplyResult> => {
    const startedAt = Date.now();
    activeRef.current = true;
    unasked.current = new Set();
    setState({ active: true, startedAt, stopping: false });
    // Only the steps of sections the operator asked to confirm one by one get a prompt.
    const confirmStep = (step: PlannedStep) =>
      stepSections.includes(step.section) && !unasked.current.has(step.section)
        ? new Promise<boolean>((resolve) => {
            answerRef.current = resolve;
            promptRef.current = step;
            setState((s) => ({ ...s, prompt: step }));
          })
        : Promise.resolve(true);
    let result: ApplyResult;
    try {
      const outcome = await work(stepSections.length > 0 ? confirmStep : undefined);
      result = { outcome, elapsedMs: Date.now() - startedAt };
    } catch (error) {
      result = { outcome: 'failed', error: toClassified(error), elapsedMs: Date.now() - startedAt };
    }
    activeRef.current = false;
    answerRef.current = undefined;
    setState({ active: false, stopping: false });
    return result;
  }, []);

  const start = useCallback(
    (sections: SectionId[], stepSections: readonly SectionId[] = []) =>
      run((confirmStep) => controller.apply(sections, confirmStep ? { confirmStep } : undefined), stepSections),
    [controller, run],
  );

  const stop = useCallback(() => {
    if (!activeRef.current) return;
    controller.abort();
    setState((s) => ({ ...s, stopping: true }));
    if (answerRef.current) answer(false);
  }, [controller, answer]);

  return { ...state, isActive: () => activeRef.current, isStopping: () => activeRef.current && state.stopping, start, run, stop, answer };
}

/** A thrown value as a ClassifiedError: already classified ones pass through. */
export function toClassified(error: unknown): ClassifiedError {
  if (error && typeof error === 'object' && 'kind' in error && 'hint' in error && 'message' in error) {
    const e = error as ClassifiedError;
    return { kind: e.kind, code: e.code, message: e.message, hint: e.hint, retryable: Boolean(e.retryable) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    kind: 'unknown',
    message,
    hint: 'rerun with --verbose; the state file records where the run stopped',
    retryable: false,
  };
}
