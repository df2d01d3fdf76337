import type { AwsClients } from '../../../src/aws/clients.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { createStepContext, NO_HOSTS } from '../../../src/engine/context.js';
import type { Outputs, StepContext } from '../../../src/engine/types.js';

/** A step context for previews and pure parts: known outputs by step id, no AWS, no hosts. */
export function previewContext(known: Record<string, Outputs> = {}, config: Config = configSchema.parse({})): StepContext {
  return createStepContext(
    {
      config,
      aws: {} as AwsClients,
      hosts: NO_HOSTS,
      signal: new AbortController().signal,
      outputsOf: (id) => known[id],
      beginOperation: async () => undefined,
      recordOutputs: async () => undefined,
      progress: () => undefined,
    },
    'test',
  );
}

/** Outputs of the compute steps as the lab's addresses would give them (a public host's address: its Elastic IP's association). */
export const KNOWN_INSTANCES: Record<string, Outputs> = {
  'compute.gitlab': { instanceId: 'i-gitlab', privateIp: '10.3.1.10' },
  'compute.gitlab.eip-association': { associationId: 'eipassoc-gitlab', publicIp: '198.51.100.10' },
  'compute.ecommerce': { instanceId: 'i-shop', privateIp: '10.1.1.10' },
  'compute.ecommerce.eip-association': { associationId: 'eipassoc-shop', publicIp: '198.51.100.11' },
  'compute.monitoring': { instanceId: 'i-mon', privateIp: '10.3.2.10' },
  'compute.ia': { instanceId: 'i-ia', privateIp: '10.2.2.10' },
};
