import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { AwsClients } from '../aws/clients.js';
import { TAG_PROJECT, TAG_STEP } from '../aws/tags.js';
import type { AwsTag, HostAccess, Outputs, PlanInventory, StepContext } from './types.js';

/** The lower-case project key used in tags and deterministic names. */
export function projectKey(config: Config): string {
  return config.suffix.toLowerCase();
}

/** What a context needs from whoever runs the step (the engine, or a test). */
export interface ContextHost {
  config: Config;
  aws: AwsClients;
  hosts: HostAccess;
  signal: AbortSignal;
  /** Outputs known for a step: recorded in state or produced earlier in this run. */
  outputsOf(stepId: string): Outputs | undefined;
  /** The outputs the state file records for a step it records as done (absent: nothing is taken as done). */
  recordedAsDone?(stepId: string): Outputs | undefined;
  beginOperation(stepId: string, action: string, clientToken?: string): Promise<void>;
  recordOutputs(stepId: string, partial: Outputs): Promise<void>;
  progress(stepId: string, message: string): void;
  /** Registers a secret with the run's redactor (optional: tests without one ignore it). */
  secret?(value: string): void;
  /** Changes the ClientToken series, e.g. after a resource made with the old token was deleted. */
  tokenGeneration?: number;
  /**
   * The plan's inventory, shared by every step of the plan and its apply. Without one (a test's host, a
   * preview outside a plan), the tasks read AWS afresh at every use, as if each were a plan of its own.
   */
  inventory?: PlanInventory;
}

/**
 * A ClientToken that is the same for the same project, step and purpose, so a call repeated after a
 * crash is recognised by AWS (at most 64 ASCII characters).
 */
export function deterministicClientToken(project: string, stepId: string, purpose: string, generation = 0): string {
  const digest = createHash('sha256').update(`${project}\0${stepId}\0${purpose}\0${generation}`).digest('hex');
  return `awsrb-${digest.slice(0, 40)}`;
}

export function createStepContext(host: ContextHost, stepId: string): StepContext {
  const project = projectKey(host.config);
  const output = (id: string, key: string) => host.outputsOf(id)?.[key];
  return {
    config: host.config,
    project,
    aws: host.aws,
    hosts: host.hosts,
    signal: host.signal,
    ...(host.inventory ? { inventory: host.inventory } : {}),
    output,
    recordedAsDone() {
      return host.recordedAsDone?.(stepId);
    },
    ref(id, key, placeholder) {
      return output(id, key) ?? placeholder;
    },
    need(id, key) {
      const value = output(id, key);
      if (value === undefined) {
        throw new Error(`step ${stepId} needs output "${key}" of step ${id}, which is not known yet`);
      }
      return value;
    },
    tags(name: string): AwsTag[] {
      return [
        { Key: 'Name', Value: name },
        { Key: TAG_PROJECT, Value: project },
        { Key: TAG_STEP, Value: stepId },
      ];
    },
    clientToken(purpose = 'create') {
      return deterministicClientToken(project, stepId, purpose, host.tokenGeneration ?? 0);
    },
    beginOperation(action, clientToken) {
      return host.beginOperation(stepId, action, clientToken);
    },
    recordOutputs(partial) {
      return host.recordOutputs(stepId, partial);
    },
    progress(message) {
      host.progress(stepId, message);
    },
    secret(value) {
      host.secret?.(value);
    },
  };
}

/** For runs and tests that reach no host: every connect fails, naming why. */
export const NO_HOSTS: HostAccess = {
  reachable: false,
  connect: async (host) => {
    throw new Error(`no SSH access in this run: ${host} cannot be reached (a read-only plan or a test without hosts)`);
  },
  close: async () => undefined,
};
