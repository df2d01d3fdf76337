import type { AwsClients } from '../../aws/clients.js';
import { classifyAwsError } from '../../aws/errors.js';
import type { Config } from '../../config/schema.js';
import type { Outputs } from '../../engine/types.js';
import { LiveInventory } from '../checks/inventory.js';
import { liveTopology } from './live-topology.js';
import { offlineTopology, type TopologyView } from './view.js';

export interface TopologyInputs {
  config: Config;
  aws: AwsClients;
  project: string;
  /** What the state file records per step: its status and outputs. */
  recorded: { status(stepId: string): string | undefined; outputsOf(stepId: string): Outputs | undefined };
  /** Never ask AWS (`map --offline`). */
  offline: boolean;
  signal?: AbortSignal;
}

/**
 * The topology live from AWS when it answers; otherwise (or with `offline`) from the config and the
 * state file, saying why. Only an unreachable AWS or refused credentials fall back: any other error is the
 * caller's to show.
 */
export async function loadTopology(inputs: TopologyInputs): Promise<TopologyView> {
  const view = { project: inputs.project, region: inputs.config.region };
  if (inputs.offline) return offlineTopology(inputs.config, inputs.recorded, { ...view, why: '--offline' });
  try {
    const live = new LiveInventory(inputs.aws, inputs.project, inputs.signal);
    return await liveTopology(inputs.config, live, inputs.aws.ec2, (id) => inputs.recorded.status(id), view, inputs.signal);
  } catch (error) {
    if (inputs.signal?.aborted) throw error;
    const classified = classifyAwsError(error);
    if (classified.kind !== 'auth' && classified.kind !== 'transient') throw error;
    return offlineTopology(inputs.config, inputs.recorded, { ...view, why: `AWS did not answer: ${classified.message}` });
  }
}
