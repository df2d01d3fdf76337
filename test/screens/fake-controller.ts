import type { TopologyView } from '../../src/tasks/topology/view.js';
import type { HostCredential } from '../../src/tasks/hosts/credentials.js';
import type { ClassifiedError } from '../../src/errors/error-kinds.js';
import type {
  BackupSummary,
  PlanOptions,
  ResumeInfo,
  RunbookController,
  RunbookEstimate,
  SectionSummary,
  SessionInfo,
  StepConfirm,
  StripeKeyPair,
} from '../../src/app/controller.js';
import type { EngineEvent, RunOutcome } from '../../src/engine/events.js';
import type { CheckOutcome } from '../../src/tasks/checks/types.js';
import { reportOf, type CheckReport } from '../../src/tasks/checks/run-checks.js';
import type { VerifySelect } from '../../src/app/verify-run.js';
import type { HostAccessInfo } from '../../src/tasks/hosts/access-info.js';
import type { Identity, Outputs, PlannedStep, SectionId } from '../../src/engine/types.js';

export interface FakeControllerOptions {
  info?: Partial<SessionInfo>;
  identity?: Identity;
  /** loadIdentity rejects with this. */
  identityError?: unknown;
  resume?: ResumeInfo;
  sections: SectionSummary[];
  plans: Partial<Record<SectionId, PlannedStep[]>>;
  /** Outputs per step id; default `{ id: '<stepId>-id' }`. */
  outputs?: Record<string, Outputs>;
  /** How long one step takes. */
  stepMs?: number;
  /** What `hostAccess()` answers (absent: the method says nothing). */
  hostAccess?: HostAccessInfo;
  /** What `revealCredentials()` resolves to. */
  credentials?: HostCredential[];
  /** What `topology()` resolves to (absent: the method is there and rejects, as when AWS and the state say nothing). */
  topology?: TopologyView;
  /** The checklist `verify()` runs: each check's outcome (its result can be changed with setCheck). */
  checks?: CheckOutcome[];
  /** How long one check takes. */
  checkMs?: number;
  /** What `estimate()` answers (absent: the sum of the plans' costs, one minute per step). */
  estimate?: RunbookEstimate;
  /** `stripeKeysMissing()` answers true until keys are provided. */
  stripeMissing?: boolean;
  /** What `backupNow()` resolves to. */
  backup?: BackupSummary;
  /** `plan()` of these sections rejects with this. */
  planErrors?: Partial<Record<SectionId, unknown>>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/** An in-memory RunbookController: scripted plans, an apply that emits step events over a few ms. */
export class FakeController implements RunbookController {
  readonly info: SessionInfo;
  readonly calls = {
    loadIdentity: 0,
    plan: [] as SectionId[][],
    /** The `alongWith` of each plan call (empty when none). */
    planAlongWith: [] as SectionId[][],
    apply: [] as { sections: SectionId[]; stepMode: boolean }[],
    /** Steps the screen was asked to confirm one by one (step-by-step mode). */
    confirmed: [] as string[],
    abort: 0,
    stopVerify: 0,
    close: 0,
    reveal: 0,
    verify: [] as VerifySelect[],
    stripeKeys: [] as StripeKeyPair[],
    teardown: 0,
    backupNow: 0,
    topology: 0,
  };
  /** Every event emitted, in order. */
  readonly events: EngineEvent[] = [];
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly failures = new Map<string, { error: ClassifiedError; times: number }>();
  private readonly hanging = new Set<string>();
  private readonly done = new Set<string>();
  private readonly recorded = new Map<SectionId, SectionSummary['recorded']>();
  private aborter: AbortController | undefined;
  private verifying: AbortController | undefined;

  constructor(private readonly options: FakeControllerOptions) {
    this.info = {
      project: 'bfhk',
      configPath: '/work/aws-runbook.yaml',
      configFound: true,
      stateDir: '/work/.aws-runbook',
      region: 'us-east-2',
      sandbox: false,
      ...options.info,
    };
    for (const s of options.sections) this.recorded.set(s.id, s.recorded);
  }

  /** The next `times` applies of this step fail with `error`. */
  failStep(stepId: string, error: ClassifiedError, times = 1): this {
    this.failures.set(stepId, { error, times });
    return this;
  }

  /** This step runs until abort() is called. */
  hangStep(stepId: string): this {
    this.hanging.add(stepId);
    return this;
  }

  /** Change what a check answers on its next run (e.g. it passes once the operator fixed it). */
  setCheck(id: string, result: Partial<CheckOutcome>): this {
    const checks = this.options.checks ?? [];
    this.options.checks = checks.map((c) => (c.id === id ? { ...c, ...result } : c));
    return this;
  }

  async verify(select: VerifySelect = {}): Promise<CheckReport> {
    this.calls.verify.push(select);
    const started = new Date();
    const checks = (this.options.checks ?? []).filter(
      (c) => (!select.ids || select.ids.includes(c.id)) && (!select.groups?.length || select.groups.includes(c.group)),
    );
    const selection = select.ids ? { kind: 'rerun' as const, ids: select.ids } : select.groups?.length ? { kind: 'groups' as const, groups: select.groups } : { kind: 'all' as const };
    this.emit({ type: 'checks-started', checks: checks.map(({ id, group, title, required }) => ({ id, group, title, required })), selection, at: Date.now() });
    // Like the real run: abort() stops it, and the checks it did not finish are skipped.
    const aborter = new AbortController();
    this.verifying = aborter;
    const outcomes: CheckOutcome[] = [];
    for (const check of checks) {
      if (!aborter.signal.aborted) {
        this.emit({ type: 'check-started', id: check.id, at: Date.now() });
        await sleep(this.options.checkMs ?? 5, aborter.signal);
      }
      const outcome: CheckOutcome = aborter.signal.aborted ? { ...check, status: 'skip', evidence: 'not finished: verify was stopped', hint: undefined, details: undefined } : check;
      outcomes.push(outcome);
      this.emit({ type: 'check-finished', outcome, at: Date.now() });
    }
    const report = reportOf(outcomes, started, new Date());
    this.emit({ type: 'checks-finished', ok: report.ok, at: Date.now() });
    return report;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  emit(event: EngineEvent): void {
    this.events.push(event);
    for (const listener of [...this.listeners]) listener(event);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async loadIdentity(): Promise<Identity> {
    this.calls.loadIdentity += 1;
    await new Promise((r) => setTimeout(r, 5));
    if (this.options.identityError !== undefined) throw this.options.identityError;
    const identity = this.options.identity ?? {
      account: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/ops',
      region: this.info.region,
    };
    this.emit({ type: 'identity', identity });
    return identity;
  }

  resumeInfo(): ResumeInfo | undefined {
    return this.options.resume;
  }

  sections(): SectionSummary[] {
    return this.options.sections.map((s) => ({ ...s, recorded: this.recorded.get(s.id) ?? s.recorded }));
  }

  async plan(sections: SectionId[], options?: PlanOptions): Promise<PlannedStep[]> {
    this.calls.plan.push([...sections]);
    this.calls.planAlongWith.push([...(options?.alongWith ?? [])]);
    await new Promise((r) => setTimeout(r, 5));
    const refused = sections.find((id) => this.options.planErrors?.[id] !== undefined);
    if (refused) throw this.options.planErrors?.[refused];
    this.emit({ type: 'plan-started', sections, at: Date.now() });
    const steps = sections.flatMap((id) => this.options.plans[id] ?? []);
    for (const step of steps) this.emit({ type: 'step-planned', step });
    this.emit({ type: 'plan-finished', sections, at: Date.now() });
    return steps;
  }

  async apply(sections: SectionId[], options?: { confirmStep?: StepConfirm }): Promise<RunOutcome> {
    this.calls.apply.push({ sections: [...sections], stepMode: Boolean(options?.confirmStep) });
    const aborter = new AbortController();
    this.aborter = aborter;
    const stepMs = this.options.stepMs ?? 10;
    await Promise.resolve();
    const finish = (outcome: RunOutcome, section?: SectionId): RunOutcome => {
      if (section) this.emit({ type: 'section-finished', section, outcome, at: Date.now() });
      this.emit({ type: 'run-finished', outcome, at: Date.now() });
      this.aborter = undefined;
      return outcome;
    };
    for (const section of sections) {
      this.emit({ type: 'section-started', section, mode: 'up', at: Date.now() });
      for (const step of this.options.plans[section] ?? []) {
        if (this.done.has(step.stepId)) continue;
        if (options?.confirmStep && !(await this.confirm(options.confirmStep, step))) {
          // As the engine: a prompt answered by a stop is not a "no".
          if (aborter.signal.aborted) {
            this.emit({ type: 'step-skipped', stepId: step.stepId, reason: 'not started: the run was stopped', at: Date.now() });
            return this.stopped(section, finish);
          }
          this.emit({ type: 'step-skipped', stepId: step.stepId, reason: 'declined', at: Date.now() });
          continue;
        }
        if (aborter.signal.aborted) return this.stopped(section, finish);
        const action = step.action;
        this.emit({ type: 'step-started', stepId: step.stepId, action, at: Date.now() });
        await sleep(stepMs / 2, aborter.signal);
        this.emit({ type: 'step-progress', stepId: step.stepId, message: `working on ${step.title}`, at: Date.now() });
        await sleep(this.hanging.has(step.stepId) ? 60_000 : stepMs / 2, aborter.signal);
        if (aborter.signal.aborted) return this.stopped(section, finish, step.stepId);
        const failure = this.failures.get(step.stepId);
        if (failure && failure.times > 0) {
          failure.times -= 1;
          this.emit({ type: 'step-failed', stepId: step.stepId, error: failure.error, at: Date.now() });
          this.recorded.set(section, 'failed');
          return finish('failed', section);
        }
        const outputs = this.options.outputs?.[step.stepId] ?? { id: `${step.stepId}-id` };
        this.emit({ type: 'step-done', stepId: step.stepId, action, outputs, at: Date.now() });
        this.done.add(step.stepId);
        this.recorded.set(section, 'partial');
      }
      this.recorded.set(section, 'done');
      this.emit({ type: 'section-finished', section, outcome: 'ok', at: Date.now() });
    }
    return finish('ok');
  }

  /** Calls the screen's confirmStep; records the steps that actually prompted (answered after a tick). */
  private async confirm(confirmStep: StepConfirm, step: PlannedStep): Promise<boolean> {
    let settled = false;
    const answer = confirmStep(step).finally(() => (settled = true));
    await Promise.resolve();
    if (!settled) this.calls.confirmed.push(step.stepId);
    return answer;
  }

  /** As the engine's step bracket: the step in flight fails as `aborted`; the run ends aborted. */
  private stopped(section: SectionId, finish: (o: RunOutcome, s?: SectionId) => RunOutcome, inFlight?: string): RunOutcome {
    if (inFlight) {
      const error = { kind: 'aborted' as const, message: 'stopped by the operator', hint: 'run `aws-runbook up` to resume from this step', retryable: true };
      this.emit({ type: 'step-failed', stepId: inFlight, error, at: Date.now() });
    }
    this.recorded.set(section, 'partial');
    return finish('aborted', section);
  }

  estimate(): RunbookEstimate {
    if (this.options.estimate) return this.options.estimate;
    const sections: RunbookEstimate['sections'] = {};
    let monthly = 0;
    for (const section of this.options.sections) {
      const steps = this.options.plans[section.id] ?? [];
      const cost = steps.reduce((sum, step) => sum + (step.preview.monthlyCostUsd ?? 0), 0);
      monthly += cost;
      sections[section.id] = { seconds: 60 * steps.length, ...(cost > 0 ? { monthlyUsd: cost } : {}) };
    }
    return { sections, total: { seconds: 60 * Math.max(1, ...Object.values(sections).map((e) => (e?.seconds ?? 0) / 60)), monthlyUsd: monthly } };
  }

  stripeKeysMissing(): boolean {
    return Boolean(this.options.stripeMissing) && this.calls.stripeKeys.length === 0;
  }

  provideStripeKeys(keys: StripeKeyPair): void {
    this.calls.stripeKeys.push(keys);
  }

  /** Every done step of the plans, last first, as a teardown would remove them. */
  async planTeardown(): Promise<PlannedStep[]> {
    await new Promise((r) => setTimeout(r, 5));
    return this.options.sections.flatMap((s) => this.options.plans[s.id] ?? []).filter((step) => this.done.has(step.stepId)).reverse();
  }

  async tearDown(): Promise<RunOutcome> {
    this.calls.teardown += 1;
    const doomed = await this.planTeardown();
    for (const section of [...this.options.sections].reverse()) this.emit({ type: 'section-started', section: section.id, mode: 'down', at: Date.now() });
    for (const step of doomed) {
      this.emit({ type: 'step-started', stepId: step.stepId, action: 'destroy', at: Date.now() });
      await new Promise((r) => setTimeout(r, 2));
      this.emit({ type: 'step-done', stepId: step.stepId, action: 'destroy', outputs: {}, at: Date.now() });
      this.done.delete(step.stepId);
    }
    for (const section of this.options.sections) this.recorded.set(section.id, 'not-started');
    this.emit({ type: 'run-finished', outcome: 'ok', at: Date.now() });
    return 'ok';
  }

  async backupNow(): Promise<BackupSummary> {
    this.calls.backupNow += 1;
    await new Promise((r) => setTimeout(r, 5));
    return this.options.backup ?? { dumped: [], failures: [] };
  }

  hostAccess(): HostAccessInfo | undefined {
    return this.options.hostAccess;
  }

  async topology(): Promise<TopologyView> {
    this.calls.topology += 1;
    if (!this.options.topology) throw new Error('no topology in this fake');
    return this.options.topology;
  }

  async revealCredentials(): Promise<HostCredential[]> {
    this.calls.reveal += 1;
    return this.options.credentials ?? [];
  }

  stopVerify(): void {
    this.calls.stopVerify += 1;
    this.verifying?.abort();
  }

  abort(): void {
    this.calls.abort += 1;
    this.aborter?.abort();
    this.verifying?.abort();
  }

  async close(): Promise<void> {
    this.calls.close += 1;
  }
}
