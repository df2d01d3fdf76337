import type { ClassifiedError } from '../errors/error-kinds.js';
import { classifyAwsError } from '../aws/errors.js';
import type { SecretRedactor } from '../state/redact.js';
import type { StateStore } from '../state/store.js';
import type { EngineEvent } from './events.js';
import { markFailed, markRunning } from './step-records.js';
import type { Outputs, PlanAction } from './types.js';

export interface StepBracketOptions {
  emit: (event: EngineEvent) => void;
  redactor: SecretRedactor;
  /** The run's signal: a failure after it fired is the operator's stop, not the step's fault. */
  signal: AbortSignal;
  /** Where the run's calls go: hints name the region (quotas are per region) and the endpoint. */
  where?: { region?: string; endpoint?: string };
}

/**
 * One step's side effects, bracketed by events and state writes: started + `running` before the body,
 * done after it (the body records its own outputs), or the classified, redacted error with the operation
 * that was in flight. Remembers which steps failed in this run.
 */
export class StepBracket {
  private readonly failedSteps = new Set<string>();

  constructor(private readonly options: StepBracketOptions) {}

  failed(stepId: string): boolean {
    return this.failedSteps.has(stepId);
  }

  async execute(
    stepId: string,
    mode: 'up' | 'down',
    action: PlanAction | 'destroy',
    outputsSoFar: Outputs,
    store: StateStore,
    body: () => Promise<Outputs>,
    options: { alreadyStarted?: boolean } = {},
  ): Promise<'ok' | 'stop'> {
    if (!options.alreadyStarted) this.options.emit({ type: 'step-started', stepId, action, at: Date.now() });
    try {
      await store.update((draft) => markRunning(draft, stepId, mode, outputsSoFar));
      const outputs = await body();
      this.options.emit({ type: 'step-done', stepId, action, outputs, at: Date.now() });
      return 'ok';
    } catch (error) {
      return this.recordFailure(stepId, mode, error, outputsSoFar, store);
    }
  }

  async recordFailure(stepId: string, mode: 'up' | 'down', error: unknown, outputsSoFar: Outputs, store: StateStore): Promise<'stop'> {
    const classified = this.classify(error);
    this.failedSteps.add(stepId);
    await store.update((draft) => markFailed(draft, stepId, mode, classified, outputsSoFar));
    this.options.emit({ type: 'step-failed', stepId, error: classified, at: Date.now() });
    return 'stop';
  }

  private classify(error: unknown): ClassifiedError {
    const classified = this.options.signal.aborted
      ? { kind: 'aborted' as const, message: 'stopped by the operator', hint: 'run `aws-runbook up` to resume from this step', retryable: true }
      : classifyAwsError(error, this.options.where ?? {});
    const { redactor } = this.options;
    return { ...classified, message: redactor.redact(classified.message), hint: redactor.redact(classified.hint) };
  }
}
