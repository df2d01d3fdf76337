import type { Config } from '../config/schema.js';
import type { AwsClients } from '../aws/clients.js';
import type { SshConnection } from '../ssh/connect.js';
import type { AwsTag } from '../aws/tags.js';
import type { Identity } from '../aws/identity.js';
import type { Outputs, PlanAction, SectionId } from '../state/step-terms.js';

export { SECTION_IDS, type Outputs, type PlanAction, type SectionId } from '../state/step-terms.js';
export type { AwsTag, Identity };

/** The plan's read of the cloud, as the engine sees it: made by the runbook, started when a plan starts. */
export interface PlanInventory {
  /** Starts, all at once, the reads the finds of these sections will make. */
  prefetch(sections: readonly SectionId[]): void;
}

/** What `find` saw in AWS, read-only. */
export type FindResult =
  | { kind: 'absent' }
  | {
      kind: 'present';
      outputs: Outputs;
      /** Tagged as ours (aws-runbook:project matches) — only ours may be adopted or destroyed. */
      ours: boolean;
      /** Ways the live resource differs from the desired one that apply cannot fix: a conflict. */
      differences: string[];
      /** Things apply still has to do on an existing resource (e.g. "enable DNS hostnames"). */
      unfinished: string[];
    };

export interface StepPreview {
  /** One line: what the resource is (names, CIDRs, AZs). */
  summary: string;
  /** The equivalent `aws` CLI lines, with real ids where known and $PLACEHOLDERS where not. */
  cli: string[];
  /** Extra lines: corrections of the seed, notes. */
  notes?: string[];
  /** What this step adds to the monthly bill, USD, when it creates something billable. */
  monthlyCostUsd?: number;
  /** It creates something billable whose price is unknown in this region (no Price List answer, not in the table). */
  costUnknown?: boolean;
}

/** The five instances of the compute section, by config key. */
export type HostName = keyof Config['instances'];

/**
 * SSH to the runbook's hosts for the host-setup steps: one verified connection per host, reused, through
 * the bastion (the GitLab host) for every other host. Addresses come from the instances, host keys from
 * the `hosts.host-key.*` steps' outputs (the instance's console), the key from the config.
 */
export interface HostAccess {
  /** Whether hosts can be reached in this run (false through an emulator without a lab: its addresses are invented). */
  readonly reachable: boolean;
  connect(host: HostName, signal?: AbortSignal): Promise<SshConnection>;
  /** Close every connection (end of a run). */
  close(): Promise<void>;
}

/** Everything a step may use. Built by the engine; tasks never import the engine's internals. */
export interface StepContext {
  readonly config: Config;
  /** Lower-case project key, the value of the aws-runbook:project tag (e.g. "bfhk"). */
  readonly project: string;
  readonly aws: AwsClients;
  /** SSH to the hosts (host-setup steps only). */
  readonly hosts: HostAccess;
  readonly signal: AbortSignal;
  /**
   * What the project has in AWS, read once per plan (one read per resource kind) and kept up to date by
   * this run's writes: finds read it instead of describing their resource one by one. Made by the runbook
   * for each plan (`EngineOptions.newInventory`); absent outside a plan. Tasks reach it with `inventoryOf(ctx)`.
   */
  readonly inventory?: PlanInventory;
  /** A known output of another step (from state or from this run), or undefined. */
  output(stepId: string, key: string): string | undefined;
  /**
   * This step's outputs as the state file records them when it records the step as done (its last apply
   * finished), else undefined: no record, or one left running or failed by a crash. Read-only. A find may
   * trust what that apply set and leave drift after it to `verify` (the VPC's DNS attributes).
   */
  recordedAsDone(): Outputs | undefined;
  /** A known output of another step, or a readable placeholder (`$VPC_ID`) for previews. */
  ref(stepId: string, key: string, placeholder: string): string;
  /** A known output of a needed step; throws when missing (a bug in `needs`). */
  need(stepId: string, key: string): string;
  /** The tags every resource of this step is created with (Name + aws-runbook:project + aws-runbook:step). */
  tags(name: string): AwsTag[];
  /** Deterministic ClientToken for this step's mutating call (same project + step + purpose → same token). */
  clientToken(purpose?: string): string;
  /**
   * Record the mutating call about to be sent (with its ClientToken) in the state file.
   * Resolves once the state is on disk. Every apply/destroy calls it before each mutating AWS call.
   */
  beginOperation(action: string, clientToken?: string): Promise<void>;
  /** Persist outputs learned so far (e.g. the id from a create response) before the next call. */
  recordOutputs(partial: Outputs): Promise<void>;
  /** A line of progress for the renderers (not persisted). */
  progress(message: string): void;
  /** A secret this step handles (a password it read): from now on it is masked in state, events and logs. */
  secret(value: string): void;
}

/** One step of the runbook: one declarative object (docs/design.md#steps). No rendering, no state handling. */
export interface Step {
  readonly id: string;
  readonly section: SectionId;
  readonly title: string;
  /** Ids of steps whose outputs this one uses; they run first. */
  readonly needs: readonly string[];
  /**
   * How long apply usually takes on AWS, waits included (an RDS instance: ~900). Only a scheduling hint:
   * of the steps ready to start, those leading to the longest chains start first. Default 1.
   */
  readonly typicalSeconds?: number;
  /** The host a host-setup step works on (per-host progress in the TUI). */
  readonly host?: HostName;
  /** Read-only: what exists in AWS for this step. Missing needed outputs mean "absent". */
  find(ctx: StepContext): Promise<FindResult>;
  /** Pure: describe the step given what find saw. */
  preview(ctx: StepContext, found: FindResult): StepPreview;
  /** Make it so. Called for create and adopt; must finish a half-done resource, never duplicate it. */
  apply(ctx: StepContext, found: FindResult): Promise<Outputs>;
  /** Remove what apply made. Only called for resources that find says are ours. */
  destroy?(ctx: StepContext, outputs: Outputs): Promise<void>;
  /** Describe the removal (CLI lines) for `down`'s preview. */
  destroyPreview?(ctx: StepContext, outputs: Outputs): StepPreview;
}

export interface Section {
  readonly id: SectionId;
  readonly title: string;
  readonly description: string;
  readonly steps: readonly Step[];
}

/** A step with its plan verdict. */
export interface PlannedStep {
  stepId: string;
  section: SectionId;
  title: string;
  /** The host a host-setup step works on. */
  host?: HostName;
  action: PlanAction;
  preview: StepPreview;
  /** For conflicts: why. */
  reason?: string;
}
