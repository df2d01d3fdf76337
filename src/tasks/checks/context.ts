import type { AwsClients } from '../../aws/clients.js';
import type { Config } from '../../config/schema.js';
import { projectKey } from '../../engine/context.js';
import type { HostAccess, Outputs } from '../../engine/types.js';
import { LiveInventory } from './inventory.js';
import type { CheckContext } from './types.js';

export interface CheckContextSource {
  config: Config;
  aws: AwsClients;
  hosts: HostAccess;
  signal: AbortSignal;
  /** Outputs recorded in the state file for a step. */
  outputsOf(stepId: string): Outputs | undefined;
}

/** A fresh context for one verify run: a new LiveInventory, so every run reads AWS anew. */
export function createCheckContext(source: CheckContextSource): CheckContext {
  const project = projectKey(source.config);
  return {
    config: source.config,
    project,
    aws: source.aws,
    hosts: source.hosts,
    signal: source.signal,
    live: new LiveInventory(source.aws, project, source.signal),
    output: (stepId, key) => source.outputsOf(stepId)?.[key],
  };
}
