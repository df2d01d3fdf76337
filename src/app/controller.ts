import type { HostCredential } from '../tasks/hosts/credentials.js';
import type { TopologyView } from '../tasks/topology/view.js';
import type { EngineEvent, RunOutcome } from '../engine/events.js';
import type { Identity, PlannedStep, SectionId } from '../engine/types.js';
import type { ClassifiedError } from '../errors/error-kinds.js';
import type { HostAccessInfo } from '../tasks/hosts/access-info.js';
import type { CheckReport } from '../tasks/checks/run-checks.js';
import type { VerifySelect } from './verify-run.js';
import type { Estimate, RunbookEstimate } from '../engine/estimate.js';

export type { Estimate, RunbookEstimate };

/** A section as the overview lists it. */
export interface SectionSummary {
  id: SectionId;
  title: string;
  description: string;
  stepIds: string[];
  /**
   * What the state file says of this section: `stopped` when a run was stopped in it (Ctrl-C, a signal: its
   * steps in flight recorded as aborted) and nothing in it failed otherwise.
   */
  recorded: 'not-started' | 'partial' | 'done' | 'stopped' | 'failed';
  /** False when the section cannot run here: no step yet in this version, or no host to reach. */
  available: boolean;
  /** Why it is not available ("coming later", "needs hosts to reach over SSH: …"). */
  unavailable?: string;
}

/** What an earlier, unfinished run left behind (read from the state file). */
export interface ResumeInfo {
  command: 'up' | 'down';
  startedAt: string;
  /** The step that was running or failed when it stopped. */
  stepId?: string;
  stepTitle?: string;
  /** The operation that was in flight, with its ClientToken, if any. */
  pendingOperation?: string;
  error?: ClassifiedError;
  /** ok | failed | interrupted (no finish recorded: killed, Ctrl-C, crash) */
  outcome: 'failed' | 'interrupted';
}

export interface SessionInfo {
  project: string;
  configPath: string;
  configFound: boolean;
  stateDir: string;
  region: string;
  sandbox: boolean;
  endpoint?: string;
  /** The hosts are simulated in this process (`--sandbox`): screens say so next to what they show of them. */
  simulatedHosts?: boolean;
  /** This run's log file (JSON lines, secrets redacted), when the command writes one. */
  logPath?: string;
}

export interface PlanOptions {
  /**
   * Sections already confirmed in this run that will be applied together with the planned ones: their
   * steps satisfy the prerequisite check (their outputs are not known yet, so dependants plan as "create").
   */
  alongWith?: readonly SectionId[];
}

/** One database dumped by the on-demand backup. */
export interface DumpResult {
  database: string;
  /** s3://bucket/key */
  url: string;
  bytes: number;
}

export interface BackupSummary {
  dumped: DumpResult[];
  /** What did not go: `database: why`. */
  failures: string[];
}

/** The shop's Stripe keys, typed in the assistant (never stored by the tool). */
export interface StripeKeyPair {
  publishableKey: string;
  secretKey: string;
}

/** How a run asks for confirmation of a step when in step-by-step mode. */
export type StepConfirm = (step: PlannedStep) => Promise<boolean>;

/**
 * What screens may ask of the engine: intents in, events out. Screens get one of these as a prop
 * and never touch AWS, SSH or the state file themselves.
 */
export interface RunbookController {
  readonly info: SessionInfo;
  subscribe(listener: (event: EngineEvent) => void): () => void;
  /** STS identity; also emitted as an `identity` event. */
  loadIdentity(): Promise<Identity>;
  /** The unfinished run the state file records, if any. */
  resumeInfo(): ResumeInfo | undefined;
  sections(): SectionSummary[];
  /** Read-only plan of sections (find + preview); also emitted as step-planned events. */
  plan(sections: SectionId[], options?: PlanOptions): Promise<PlannedStep[]>;
  /** Apply sections (already confirmed by the screen); `confirmStep` for step-by-step mode. */
  apply(sections: SectionId[], options?: { confirmStep?: StepConfirm }): Promise<RunOutcome>;
  /** URLs and SSH commands of the hosts, from the recorded addresses (undefined before the instances exist). */
  hostAccess?(): HostAccessInfo | undefined;
  /**
   * The hosts' admin credentials (GitLab's initial root password, the shop's, WordPress's and Uptime Kuma's
   * admins), read over SSH on request, for the Summary only: they never go through the event stream, the
   * state or a log.
   */
  revealCredentials?(): Promise<HostCredential[]>;
  /** The topology (VPCs, subnets, hosts, gateways, peerings, ping matrix): live from AWS when it answers, else from the config and the state. */
  topology?(): Promise<TopologyView>;
  /** Run the checklist (all, some groups, or some check ids) against live AWS and the hosts; emits check events. */
  verify(select?: VerifySelect): Promise<CheckReport>;
  /** Stop a running checklist only (its unfinished checks are skipped); a later verify or apply is unaffected. */
  stopVerify(): void;
  /** Monthly cost and time on AWS per section, from config alone (no AWS call). */
  estimate?(): RunbookEstimate;
  /** Whether the hosts section would run without the shop's Stripe keys (not in the environment, not typed yet). */
  stripeKeysMissing?(): boolean;
  /** The Stripe keys the operator typed: kept in this process for the run, registered as secrets. */
  provideStripeKeys?(keys: StripeKeyPair): void;
  /** `--sandbox`: what a teardown of everything would remove (ours and present), as planned steps. */
  planTeardown?(): Promise<PlannedStep[]>;
  /** `--sandbox`: remove everything the rehearsal built, last created first (after planTeardown). */
  tearDown?(): Promise<RunOutcome>;
  /** Dump the application databases to the backup bucket now (needs the backup section). */
  backupNow?(): Promise<BackupSummary>;
  /** Stop the running work (Ctrl-C / q): in-flight calls are aborted, state says where it stopped. */
  abort(): void;
  /** Release the lock and stop the sandbox, if any. */
  close(): Promise<void>;
}
