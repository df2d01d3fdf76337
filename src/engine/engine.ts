import { setMaxListeners } from 'node:events';
import type { Config } from '../config/schema.js';
import type { AwsClients } from '../aws/clients.js';
import { RunbookConflictError } from '../aws/errors.js';
import { forget, markDone, markRunFinished, markRunStarted } from './step-records.js';
import type { PersistedState } from '../state/schema.js';
import type { StateStore } from '../state/store.js';
import type { SecretRedactor } from '../state/redact.js';
import { createStepContext, NO_HOSTS, projectKey, type ContextHost } from './context.js';
import { runDag } from './dag.js';
import { dependentsOf, remainingWork, topologicalOrder } from './graph.js';
import { planOffline, planStep, type PlanEntry } from './plan.js';
import { checkOutsideNeeds } from './prerequisites.js';
import { StepBracket } from './step-bracket.js';
import type { EngineEvent, RunOutcome } from './events.js';
import type { HostAccess, Outputs, PlanInventory, PlannedStep, SectionId, Step, StepContext } from './types.js';

export interface EngineOptions {
  config: Config;
  aws: AwsClients;
  emit: (event: EngineEvent) => void;
  redactor: SecretRedactor;
  /** How many steps run at once. */
  concurrency?: number;
  /** SSH to the hosts; default: none (every connect fails). */
  hosts?: HostAccess;
  /** The state store for runs that change things; absent for read-only plans. */
  store?: StateStore;
  /** The recorded state for read-only plans (when there is no store). */
  recorded?: PersistedState;
  /**
   * A new read of the cloud for a plan, listening to the run's signal (the runbook's inventory). Without
   * it, steps read AWS themselves at every use.
   */
  newInventory?: (signal: AbortSignal) => PlanInventory;
}

/**
 * Steps run at once by default: enough for every long wait of the runbook (RDS, NATs, instances) to
 * overlap with the short steps. bench/full-up.ts, makespan / critical path: 1.15 at 8, 1.07 at 16 in list
 * order; 1.02–1.04 at 16 once free slots go to the longest chains first (`remainingWork`) and state
 * writes made together share one fsync.
 */
export const DEFAULT_CONCURRENCY = 16;

export type StepConfirm = (step: PlannedStep) => Promise<boolean>;

/**
 * Runs steps: plan (find + decide + preview), apply along the dependency graph with bounded
 * concurrency, teardown in reverse. Every side effect is bracketed by state writes: the pending
 * operation before the AWS call, the outputs after (docs/state-and-resume.md#a-steps-life).
 */
export class Engine {
  private readonly produced = new Map<string, Outputs>();
  private readonly controller = new AbortController();
  private readonly concurrency: number;
  private readonly bracket: StepBracket;
  /** What the project has in AWS: read afresh by each plan, kept up to date by the apply or teardown that follows it. */
  private inventory: PlanInventory | undefined;

  constructor(private readonly options: EngineOptions) {
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    const where = { region: options.config.region, ...(options.aws.endpoint ? { endpoint: options.aws.endpoint } : {}) };
    this.bracket = new StepBracket({ emit: (event) => this.emit(event), redactor: options.redactor, signal: this.controller.signal, where });
    // Every in-flight AWS call and wait listens to this one signal: dozens at once is expected.
    setMaxListeners(256, this.controller.signal);
    this.inventory = options.newInventory?.(this.controller.signal);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(): void {
    this.controller.abort(new Error('stopped by the operator'));
  }

  private get recorded(): PersistedState | undefined {
    return this.options.store?.state ?? this.options.recorded;
  }

  private emit(event: EngineEvent): void {
    this.options.emit(event);
  }

  /** Outputs known for a step: produced in this run, or recorded. */
  knownOutputs(stepId: string): Outputs | undefined {
    return this.outputsOf(stepId);
  }

  private outputsOf(stepId: string): Outputs | undefined {
    return this.produced.get(stepId) ?? this.recorded?.steps[stepId]?.outputs;
  }

  private host(): ContextHost {
    const store = this.options.store;
    return {
      config: this.options.config,
      aws: this.options.aws,
      hosts: this.options.hosts ?? NO_HOSTS,
      signal: this.controller.signal,
      ...(this.inventory ? { inventory: this.inventory } : {}),
      outputsOf: (id) => this.outputsOf(id),
      recordedAsDone: (id) => {
        const recorded = this.recorded?.steps[id];
        return recorded?.status === 'done' ? recorded.outputs : undefined;
      },
      beginOperation: async (stepId, action, clientToken) => {
        if (!store) throw new Error(`step ${stepId} tried to ${action} during a read-only plan`);
        await store.update((draft) => {
          const step = draft.steps[stepId];
          if (step && step.status !== 'done') {
            step.pendingOperation = { action, ...(clientToken ? { clientToken } : {}), startedAt: new Date().toISOString() };
          }
        });
      },
      recordOutputs: async (stepId, partial) => {
        this.produced.set(stepId, { ...this.outputsOf(stepId), ...partial });
        if (!store) return;
        await store.update((draft) => {
          const step = draft.steps[stepId];
          if (step) step.outputs = { ...step.outputs, ...partial };
        });
      },
      secret: (value) => {
        if (value.length >= 6) this.options.redactor.add(value);
      },
      progress: (stepId, message) => {
        this.emit({ type: 'step-progress', stepId, message: this.options.redactor.redact(message), at: Date.now() });
      },
    };
  }

  context(stepId: string): StepContext {
    return createStepContext(this.host(), stepId);
  }

  /** Selected steps needing a step outside the selection must find it recorded as done. */
  checkOutsideNeeds(selected: readonly Step[], all: readonly Step[], alsoApplied: readonly Step[] = []): void {
    checkOutsideNeeds(selected, all, this.recorded, alsoApplied);
  }

  /** Read-only plan of the given steps, emitted as step-planned events. Finds run concurrently along `needs`. */
  async plan(steps: readonly Step[], sections: SectionId[]): Promise<PlanEntry[]> {
    this.emit({ type: 'plan-started', sections, at: Date.now() });
    // One read per resource kind for the whole plan, all started now; the finds read what it holds.
    this.inventory = this.options.newInventory?.(this.controller.signal);
    this.inventory?.prefetch([...new Set(steps.map((step) => step.section))]);
    const ordered = topologicalOrder(steps);
    const byId = new Map(ordered.map((step) => [step.id, step]));
    const entries = new Map<string, PlanEntry>();
    let failure: unknown;
    await runDag(
      ordered.map((step) => step.id),
      (id) => byId.get(id)?.needs ?? [],
      async (id) => {
        const step = byId.get(id)!;
        const inputsKnown = step.needs.every((need) => this.outputsOf(need) !== undefined);
        try {
          const entry = await planStep(step, this.context(id), this.recorded, inputsKnown);
          // What find saw feeds the finds of the steps that need this one.
          if (entry.found.kind === 'present') this.produced.set(id, entry.found.outputs);
          entries.set(id, entry);
          this.emit({ type: 'step-planned', step: entry.planned });
          return 'ok';
        } catch (error) {
          failure = error;
          return 'stop';
        }
      },
      { concurrency: this.concurrency, signal: this.controller.signal },
    );
    this.emit({ type: 'plan-finished', sections, at: Date.now() });
    if (failure) throw failure;
    return ordered.map((step) => entries.get(step.id)).filter((entry): entry is PlanEntry => entry !== undefined);
  }

  /** The plan from config and state alone, without asking AWS (see `planOffline`). */
  planOffline(steps: readonly Step[]): PlannedStep[] {
    return planOffline(topologicalOrder(steps), this.recorded, (id) => this.context(id));
  }

  private async recordRunStart(command: 'up' | 'down', sections: SectionId[]): Promise<void> {
    await this.options.store?.update((draft) => markRunStarted(draft, command, sections));
  }

  async recordRunEnd(outcome: RunOutcome): Promise<void> {
    await this.options.store?.update((draft) => markRunFinished(draft, outcome));
  }

  /** Apply planned steps along their dependencies. Conflicts fail their step; the rest stops cleanly. */
  async apply(entries: readonly PlanEntry[], sections: SectionId[], confirmStep?: StepConfirm): Promise<RunOutcome> {
    const store = this.requireStore();
    await this.recordRunStart('up', sections);
    const byId = new Map(entries.map((entry) => [entry.step.id, entry]));
    let declined = false;
    const worker = async (id: string): Promise<'ok' | 'stop'> => {
      const entry = byId.get(id)!;
      return this.applyOne(entry, store, confirmStep, () => {
        declined = true;
      });
    };
    const work = remainingWork(entries.map((entry) => entry.step));
    const result = await runDag(
      entries.map((entry) => entry.step.id),
      (id) => byId.get(id)?.step.needs ?? [],
      worker,
      { concurrency: confirmStep ? 1 : this.concurrency, signal: this.controller.signal, priority: (id) => work.get(id) ?? 0 },
    );
    const failed = [...result.stopped].some((id) => this.bracket.failed(id));
    const outcome: RunOutcome = this.controller.signal.aborted ? 'aborted' : failed ? 'failed' : declined ? 'declined' : 'ok';
    for (const id of result.notStarted) {
      this.emit({ type: 'step-skipped', stepId: id, reason: outcome === 'aborted' ? 'not started: the run was stopped' : 'not started: an earlier step did not finish', at: Date.now() });
    }
    await this.recordRunEnd(outcome);
    return outcome;
  }

  private requireStore(): StateStore {
    if (!this.options.store) throw new Error('this engine was built for a read-only plan');
    return this.options.store;
  }

  private async applyOne(entry: PlanEntry, store: StateStore, confirmStep: StepConfirm | undefined, onDecline: () => void): Promise<'ok' | 'stop'> {
    const { step } = entry;
    const ctx = this.context(step.id);
    const outputsSoFar = () => store.state.steps[step.id]?.outputs ?? {};
    if (entry.inputsKnown || confirmStep) {
      // A plan made before a needed step existed could not see this step's resource: look again (before the
      // operator's y/n in step-by-step mode, so the prompt shows what will really happen).
      const fresh = entry.inputsKnown ? entry : await planStep(step, ctx, store.state, true);
      if (fresh.planned.action === 'no-change') return this.unchanged(step.id, fresh);
      if (confirmStep && !(await confirmStep(fresh.planned))) {
        // A prompt answered by a stop (q, Ctrl-C) is not a "no": the run was stopped before this step.
        if (this.controller.signal.aborted) {
          this.emit({ type: 'step-skipped', stepId: step.id, reason: 'not started: the run was stopped', at: Date.now() });
          return 'stop';
        }
        onDecline();
        this.emit({ type: 'step-skipped', stepId: step.id, reason: 'declined by the operator', at: Date.now() });
        return 'stop';
      }
      return this.bracket.execute(step.id, 'up', fresh.planned.action, outputsSoFar(), store, () => this.applyFound(step, ctx, fresh, store));
    }
    // The look again is this step's own work: it runs inside the step (started, timed, failure recorded), so a
    // slow describe shows on the step rather than as an unexplained gap between steps.
    this.emit({ type: 'step-started', stepId: step.id, action: entry.planned.action, at: Date.now() });
    let fresh: PlanEntry;
    try {
      fresh = await planStep(step, ctx, store.state, true);
    } catch (error) {
      return this.bracket.recordFailure(step.id, 'up', error, outputsSoFar(), store);
    }
    if (fresh.planned.action === 'no-change') return this.unchanged(step.id, fresh, { alreadyStarted: true });
    return this.bracket.execute(step.id, 'up', fresh.planned.action, outputsSoFar(), store, () => this.applyFound(step, ctx, fresh, store), {
      alreadyStarted: true,
    });
  }

  /** A step the plan found as wanted: done without a call. */
  private unchanged(stepId: string, fresh: PlanEntry, options: { alreadyStarted?: boolean } = {}): 'ok' {
    const outputs = fresh.found.kind === 'present' ? fresh.found.outputs : {};
    this.produced.set(stepId, outputs);
    if (!options.alreadyStarted) this.emit({ type: 'step-started', stepId, action: 'no-change', at: Date.now() });
    this.emit({ type: 'step-done', stepId, action: 'no-change', outputs, at: Date.now() });
    return 'ok';
  }

  private async applyFound(step: Step, ctx: StepContext, fresh: PlanEntry, store: StateStore): Promise<Outputs> {
    const { action } = fresh.planned;
    if (action === 'conflict') {
      throw new RunbookConflictError(fresh.planned.reason ?? 'conflict', 'resolve the conflict in AWS or in the config, then run `aws-runbook up` again');
    }
    const outputs = await step.apply(ctx, fresh.found);
    this.produced.set(step.id, outputs);
    await store.update((draft) => markDone(draft, step.id, action, outputs));
    return outputs;
  }

  /** Teardown: destroy what find says is ours, in reverse dependency order. */
  async destroy(entries: readonly PlanEntry[], sections: SectionId[]): Promise<RunOutcome> {
    const store = this.requireStore();
    await this.recordRunStart('down', sections);
    const steps = entries.map((entry) => entry.step);
    const byId = new Map(entries.map((entry) => [entry.step.id, entry]));
    const dependents = dependentsOf(steps);
    const result = await runDag(
      [...steps].reverse().map((step) => step.id),
      (id) => dependents.get(id) ?? [],
      (id) => this.destroyOne(byId.get(id)!, store),
      { concurrency: this.concurrency, signal: this.controller.signal },
    );
    const outcome: RunOutcome = this.controller.signal.aborted ? 'aborted' : result.stopped.size > 0 ? 'failed' : 'ok';
    for (const id of result.notStarted) {
      this.emit({ type: 'step-skipped', stepId: id, reason: 'not removed: an earlier removal did not finish', at: Date.now() });
    }
    await this.recordRunEnd(outcome);
    return outcome;
  }

  private async destroyOne(entry: PlanEntry, store: StateStore): Promise<'ok' | 'stop'> {
    const { step, found } = entry;
    if (found.kind === 'absent' || !step.destroy) {
      await store.update((draft) => forget(draft, step.id));
      return 'ok';
    }
    if (!found.ours) {
      this.emit({ type: 'step-skipped', stepId: step.id, reason: 'not ours (no aws-runbook:project tag): left in place', at: Date.now() });
      return 'ok';
    }
    const destroy = step.destroy.bind(step);
    return this.bracket.execute(step.id, 'down', 'destroy', found.outputs, store, async () => {
      await destroy(this.context(step.id), found.outputs);
      await store.update((draft) => forget(draft, step.id));
      this.produced.delete(step.id);
      return found.outputs;
    });
  }
}

export { projectKey };
export { MissingPrerequisiteError } from './prerequisites.js';
