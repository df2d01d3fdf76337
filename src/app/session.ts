import { resolve } from 'node:path';
import type { Config } from '../config/schema.js';
import type { AwsClients } from '../aws/clients.js';
import { getIdentity } from '../aws/identity.js';
import { readState, StateError, StateStore } from '../state/store.js';
import { refuseWrongIdentity } from '../state/identity-check.js';
import type { PersistedState } from '../state/schema.js';
import { SecretRedactor } from '../state/redact.js';
import { allSteps, buildRunbook, SSH_SECTIONS } from '../runbook/sections.js';
import { finishEvents, resumeInfoOf, sectionSummaries } from './run-summary.js';
import { addressPolicyFor, type AddressPolicy } from '../ssh/address-policy.js';
import { Fleet } from '../tasks/hosts/fleet.js';
import { STRIPE_ENV, stripeKeyProblems } from '../tasks/hosts/shop/stripe-keys.js';
import { runOnDemandBackup } from '../tasks/backup/on-demand.js';
import { estimateRunbook } from '../engine/estimate.js';
import { hostAccessInfo, type HostAccessInfo } from '../tasks/hosts/access-info.js';
import { loadRegionPrices } from '../tasks/price-list.js';
import { loadTopology } from '../tasks/topology/load.js';
import type { TopologyView } from '../tasks/topology/view.js';
import { readHostCredentials, type HostCredential } from '../tasks/hosts/credentials.js';
import { Engine } from '../engine/engine.js';
import { Inventory } from '../tasks/inventory/inventory.js';
import { runVerify, type VerifySelect } from './verify-run.js';
import { openSessionLog, type RunLog } from './run-log.js';
import type { CheckReport } from '../tasks/checks/run-checks.js';
import { projectKey } from '../engine/context.js';
import type { PlanEntry } from '../engine/plan.js';
import type { EngineEvent, RunOutcome } from '../engine/events.js';
import type { BackupSummary, ResumeInfo, RunbookController, RunbookEstimate, SectionSummary, PlanOptions, SessionInfo, StepConfirm, StripeKeyPair } from './controller.js';
import { SECTION_IDS, type Identity, type PlannedStep, type Section, type SectionId, type Step, type StepContext } from '../engine/types.js';

export interface SessionOptions {
  config: Config;
  configPath: string;
  configFound: boolean;
  stateDir: string;
  aws: AwsClients;
  sandbox: boolean;
  /** 'write' takes the state lock (up, down, the TUI); 'read' never writes (plan, status). */
  mode: 'read' | 'write';
  command: string;
  concurrency?: number;
  /** Where SSH may connect; default: asked of the endpoint (AWS: anywhere; an emulator: its lab's addresses). */
  addressPolicy?: AddressPolicy;
  /** Run when the session closes (e.g. stop the sandbox). */
  onClose?: () => Promise<void>;
  /** Write this run's log under the state directory (run-log.ts); `mirror` gets each line too (--verbose). */
  log?: { mirror?: (line: string) => void };
  /** Told what the operator should know before the run starts (e.g. a dead run's lock was taken over). */
  notify?: (line: string) => void;
}

/**
 * One run of the tool: config, AWS clients, state, engine and the event stream. Implements the
 * controller the screens talk to; the plain CLI commands use it too.
 */
export class RunbookSession implements RunbookController {
  readonly info: SessionInfo;
  readonly runbook: Section[];
  readonly redactor: SecretRedactor;
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly fleet: Fleet;
  private engine: Engine;
  private lastPlan = new Map<string, PlanEntry>();
  private identity?: Identity;
  private closed = false;
  private verifying: AbortController | undefined;
  private log: RunLog | undefined;
  private estimated: RunbookEstimate | undefined;
  private teardown: PlanEntry[] | undefined;

  private constructor(
    private readonly options: SessionOptions,
    private readonly store: StateStore | undefined,
    private readonly recorded: PersistedState | undefined,
    redactor: SecretRedactor,
    private readonly addressPolicy: AddressPolicy,
  ) {
    this.redactor = redactor;
    this.fleet = new Fleet({
      config: options.config,
      aws: options.aws,
      outputsOf: (stepId) => this.engine.knownOutputs(stepId),
      policy: addressPolicy,
    });
    this.runbook = buildRunbook(options.config);
    this.info = {
      project: projectKey(options.config),
      configPath: options.configPath,
      configFound: options.configFound,
      stateDir: resolve(options.stateDir),
      region: options.config.region,
      sandbox: options.sandbox,
      ...(options.aws.endpoint ? { endpoint: options.aws.endpoint } : {}),
      ...(addressPolicy.connect ? { simulatedHosts: true } : {}),
    };
    this.engine = this.newEngine();
  }

  static async open(options: SessionOptions): Promise<RunbookSession> {
    const project = projectKey(options.config);
    // One redactor for the state file, events and logs: a secret added to it never reaches any of them.
    const redactor = new SecretRedactor();
    // A second net under the host steps' own care: the Stripe secret key never reaches state, events or logs.
    const stripeSecret = process.env[STRIPE_ENV.secret];
    if (stripeSecret && stripeSecret.length >= 8) redactor.add(stripeSecret);
    const policy = options.addressPolicy ?? (await addressPolicyFor(options.aws.endpoint));
    if (options.mode === 'write') {
      // Bad credentials and another account's state are refused before the state directory is touched.
      await refuseWrongIdentity(options.aws, options.stateDir);
      let takeover: string | undefined;
      const store = await StateStore.open(options.stateDir, {
        project,
        region: options.config.region,
        command: options.command,
        redactor,
        onLockTakeover: (message) => (takeover = message),
      });
      const session = await new RunbookSession(options, store, undefined, redactor, policy).withLog();
      if (takeover !== undefined) {
        session.log?.write('lock-takeover', { message: takeover });
        options.notify?.(takeover);
      }
      return session;
    }
    const recorded = await readState(options.stateDir);
    if (recorded && (recorded.project !== project || recorded.region !== options.config.region)) {
      throw new StateError(
        `The state in ${resolve(options.stateDir)} belongs to project "${recorded.project}" in ${recorded.region}, ` +
          `but the config says "${project}" in ${options.config.region}. Use --state DIR to pick another state directory.`,
      );
    }
    return new RunbookSession(options, undefined, recorded, redactor, policy).withLog();
  }

  /** Opens the run's log when asked: every event goes there, redacted (closed with the session). */
  private async withLog(): Promise<RunbookSession> {
    if (!this.options.log) return this;
    this.log = await openSessionLog(this.options.stateDir, this.options.command, this.redactor, this.info, this.options.log.mirror);
    this.info.logPath = this.log.path;
    const log = this.log;
    this.listeners.add(({ type, ...fields }) => log.write(type, fields));
    return this;
  }

  private newEngine(): Engine {
    return new Engine({
      config: this.options.config,
      aws: this.options.aws,
      emit: (event) => this.emit(event),
      redactor: this.redactor,
      hosts: this.fleet,
      ...(this.options.concurrency ? { concurrency: this.options.concurrency } : {}),
      ...(this.store ? { store: this.store } : {}),
      ...(this.recorded ? { recorded: this.recorded } : {}),
      // One read of the project's resources per plan, shared by its finds and what follows (src/tasks/inventory/).
      newInventory: (signal) => new Inventory({ aws: this.options.aws, project: projectKey(this.options.config), signal }),
    });
  }

  /**
   * A stopped run stops only itself: the next plan, apply, teardown or dump of this session (the assistant
   * goes back to its Overview after a stop) gets a fresh engine; outputs come back from the state file.
   */
  private renewIfStopped(): void {
    if (this.engine.signal.aborted) this.engine = this.newEngine();
  }

  /** Whether the hosts can be reached over SSH in this session (see SSH_SECTIONS). */
  get hostsReachable(): boolean {
    return this.fleet.reachable;
  }

  /** Why not, when the endpoint would not say (e.g. a sandbox gateway asked without its control token). */
  get hostsNotice(): string | undefined {
    return this.addressPolicy.notice;
  }

  get config(): Config {
    return this.options.config;
  }

  get aws(): AwsClients {
    return this.options.aws;
  }

  /** The name the operator types to confirm a teardown: the config's suffix, as written. */
  get projectName(): string {
    return this.options.config.suffix;
  }

  /** A step context, for previews outside a plan (teardown lines). */
  engineContext(stepId: string): StepContext {
    return this.engine.context(stepId);
  }

  get state(): PersistedState | undefined {
    return this.store?.state ?? this.recorded;
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** STS identity; refuses a state file recorded for another account. */
  async loadIdentity(): Promise<Identity> {
    if (this.identity) return this.identity;
    const identity = await getIdentity(this.options.aws);
    const recordedAccount = this.state?.account;
    if (recordedAccount && recordedAccount !== identity.account) {
      throw new StateError(
        `The state in ${this.info.stateDir} was recorded for AWS account ${recordedAccount}, but these credentials are for ` +
          `account ${identity.account} (${identity.arn}). Use the credentials of account ${recordedAccount} (--profile), ` +
          'or --state DIR for a separate state directory. The state file was left untouched.',
      );
    }
    if (this.store && !recordedAccount) {
      await this.store.update((draft) => {
        draft.account = identity.account;
        if (identity.endpoint) draft.endpoint = identity.endpoint;
      });
    }
    this.identity = identity;
    this.emit({ type: 'identity', identity });
    return identity;
  }

  resumeInfo(): ResumeInfo | undefined {
    return resumeInfoOf(this.state, this.runbook);
  }

  sections(): SectionSummary[] {
    return sectionSummaries(this.runbook, this.state, this.hostsReachable);
  }

  stepsOf(sections: readonly SectionId[]): Step[] {
    return this.runbook.filter((section) => sections.includes(section.id)).flatMap((section) => section.steps);
  }

  /**
   * Plan sections. With `requirePrerequisites` (before an apply), a step needing an unrecorded step of
   * a section outside the selection is an error naming the section to run first; sections in `alongWith`
   * (confirmed in this run, applied together with these) count as satisfying it.
   */
  async planEntries(sections: SectionId[], requirePrerequisites = true, alongWith: readonly SectionId[] = []): Promise<PlanEntry[]> {
    this.renewIfStopped();
    const steps = this.stepsOf(sections);
    if (requirePrerequisites) this.engine.checkOutsideNeeds(steps, allSteps(this.runbook), this.stepsOf(alongWith));
    // The region's prices from the Price List API first (real AWS only, bounded): previews price with them.
    await loadRegionPrices(this.options.aws, this.options.config);
    const entries = await this.engine.plan(steps, sections);
    for (const entry of entries) this.lastPlan.set(entry.step.id, entry);
    return entries;
  }

  async plan(sections: SectionId[], options: PlanOptions = {}): Promise<PlannedStep[]> {
    return (await this.planEntries(sections, true, options.alongWith)).map((entry) => entry.planned);
  }

  /** The `plan` command's live preview: no prerequisite check (missing parents plan as "create"). */
  async preview(sections: SectionId[]): Promise<PlannedStep[]> {
    return (await this.planEntries(sections, false)).map((entry) => entry.planned);
  }

  /** The plan from config and state alone (no AWS call). */
  planOffline(sections: SectionId[]): PlannedStep[] {
    return this.engine.planOffline(this.stepsOf(sections));
  }

  /** Apply sections. Uses the plan the operator just saw when there is one, else plans first. */
  async apply(sections: SectionId[], options: { confirmStep?: StepConfirm; entries?: PlanEntry[] } = {}): Promise<RunOutcome> {
    await this.loadIdentity();
    this.renewIfStopped();
    const steps = this.stepsOf(sections);
    const cached = steps.map((step) => this.lastPlan.get(step.id));
    const entries =
      options.entries ?? (cached.every((entry) => entry !== undefined) ? (cached as PlanEntry[]) : await this.planEntries(sections));
    if (this.info.simulatedHosts && sections.some((id) => SSH_SECTIONS.includes(id))) {
      this.emit({ type: 'notice', level: 'info', message: 'hosts are simulated in this process: nothing connects anywhere', at: Date.now() });
    }
    for (const section of sections) this.emit({ type: 'section-started', section, mode: 'up', at: Date.now() });
    const outcome = await this.engine.apply(entries, sections, options.confirmStep);
    this.lastPlan.clear();
    this.finishSections(sections, outcome);
    return outcome;
  }

  /** Teardown of sections (all by default): plan (find), then destroy in reverse. */
  async down(sections: SectionId[], entries?: PlanEntry[]): Promise<RunOutcome> {
    await this.loadIdentity();
    this.renewIfStopped();
    const planned = entries ?? (await this.engine.plan(this.stepsOf(sections), sections));
    for (const section of [...sections].reverse()) this.emit({ type: 'section-started', section, mode: 'down', at: Date.now() });
    const outcome = await this.engine.destroy(planned, sections);
    this.finishSections(sections, outcome);
    return outcome;
  }

  /** Read-only plan for teardown, without the up-only prerequisite check. */
  async planDown(sections: SectionId[]): Promise<PlanEntry[]> {
    this.renewIfStopped();
    return this.engine.plan(this.stepsOf(sections), sections);
  }

  private finishSections(sections: SectionId[], outcome: RunOutcome): void {
    for (const event of finishEvents(this.runbook, this.state, sections, outcome)) this.emit(event);
  }

  abort(): void {
    this.engine.abort();
    this.verifying?.abort();
  }

  stopVerify(): void {
    this.verifying?.abort();
  }

  /** The checklist against live AWS and the hosts (read-only; needs no lock). */
  async verify(select: VerifySelect = {}): Promise<CheckReport> {
    const aborter = new AbortController();
    this.verifying = aborter;
    try {
      const { config, aws } = this.options;
      return await runVerify({ config, aws, hosts: this.fleet, signal: aborter.signal, outputsOf: (id) => this.engine.knownOutputs(id), emit: (e) => this.emit(e) }, select);
    } finally {
      if (this.verifying === aborter) this.verifying = undefined;
    }
  }

  hostAccess(): HostAccessInfo | undefined {
    return hostAccessInfo(this.options.config, (stepId) => this.engine.knownOutputs(stepId));
  }

  async revealCredentials(): Promise<HostCredential[]> {
    return readHostCredentials(this.fleet);
  }

  async topology(): Promise<TopologyView> {
    return loadTopology({
      config: this.options.config,
      aws: this.options.aws,
      project: this.info.project,
      recorded: { status: (id) => this.state?.steps[id]?.status, outputsOf: (id) => this.engine.knownOutputs(id) },
      offline: false,
    });
  }

  estimate(): RunbookEstimate {
    this.estimated ??= estimateRunbook(this.runbook, (stepId) => this.engine.context(stepId));
    return this.estimated;
  }

  stripeKeysMissing(): boolean {
    return stripeKeyProblems(process.env).length > 0;
  }

  /** This process only (the host steps read them from its environment, as `up`'s masked prompt leaves them); never written anywhere. */
  provideStripeKeys(keys: StripeKeyPair): void {
    process.env[STRIPE_ENV.publishable] = keys.publishableKey;
    process.env[STRIPE_ENV.secret] = keys.secretKey;
    this.redactor.add(keys.secretKey);
  }

  /** What `down` would remove, everything selected: the steps whose resource is there and ours. */
  async planTeardown(): Promise<PlannedStep[]> {
    await this.loadIdentity();
    const entries = await this.planDown([...SECTION_IDS]);
    this.teardown = entries;
    return entries.filter((entry) => entry.found.kind === 'present' && entry.found.ours && entry.step.destroy).map((entry) => entry.planned);
  }

  /** `down` of every section, with the entries planTeardown found (planned again when there are none). */
  async tearDown(): Promise<RunOutcome> {
    const entries = this.teardown;
    this.teardown = undefined;
    return this.down([...SECTION_IDS], entries);
  }

  /** `aws-runbook backup` for the assistant: every application database, as the backup account, into the bucket. */
  async backupNow(): Promise<BackupSummary> {
    this.renewIfStopped();
    const run = await runOnDemandBackup(this.engine.context('backup.on-demand'));
    return {
      dumped: run.results.map((result) => ({ database: result.database, url: `s3://${result.bucket}/${result.key}`, bytes: result.bytes })),
      failures: run.failures.map(({ database, error }) => `${database}: ${error instanceof Error ? error.message : String(error)}`),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.log?.write('session-closed');
    await this.log?.close();
    await this.fleet.close();
    await this.store?.close();
    this.options.aws.destroy();
    await this.options.onClose?.();
  }
}
