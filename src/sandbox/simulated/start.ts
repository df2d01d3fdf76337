import { readFile } from 'node:fs/promises';
import { createAwsClients } from '../../aws/clients.js';
import { expandHome } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { simulatedAddressPolicy, type AddressPolicy } from '../../ssh/address-policy.js';
import { SANDBOX_CREDENTIALS, type Sandbox } from '../sandbox.js';
import { CachedCloudNetwork, loadCloudNetwork } from './cloud-network.js';
import { SimulatedHosts } from './simulated-hosts.js';

/** Said at the start of every `--sandbox` run. */
export const SIMULATED_HOSTS_NOTICE = 'SANDBOX — hosts are simulated in this process: nothing connects anywhere (SSH goes to in-memory servers, not the network).';

export interface StartedSimulatedHosts {
  hosts: SimulatedHosts;
  /** Routes every SSH connection of the run to the simulated hosts; refuses any other address. */
  policy: AddressPolicy;
  /** The network the hosts answer from: moto's, read again after every mutating call through the gateway. */
  network: CachedCloudNetwork;
}

/**
 * Start the simulated hosts for a rehearsal and show them through the sandbox's gateway: instance
 * addresses, console output with each host's real key fingerprints, the RDS endpoint and its master
 * secret. The hosts accept the config's public key (the key pair the compute section imports). Who
 * reaches whom between them is what moto holds (cloud-network.ts), read at moto's own endpoint: the
 * simulation's reads are not the tool's calls (not logged, never faulted, no added latency).
 */
export async function startSimulatedHosts(config: Config, sandbox: Pick<Sandbox, 'gateway' | 'motoEndpoint'>): Promise<StartedSimulatedHosts> {
  const authorizedKey = await readFile(expandHome(config.access.publicKeyPath), 'utf8');
  const moto = createAwsClients({ region: config.region, endpoint: sandbox.motoEndpoint, credentials: SANDBOX_CREDENTIALS });
  const network = new CachedCloudNetwork(() => loadCloudNetwork(moto, config));
  const unsubscribe = sandbox.gateway.onMutated(() => network.invalidate());
  const release = () => {
    unsubscribe();
    moto.destroy();
  };
  let hosts: SimulatedHosts;
  try {
    hosts = await SimulatedHosts.start({ config, authorizedKey, network, onClose: release });
  } catch (error) {
    release();
    throw error;
  }
  sandbox.gateway.setLab(hosts.labMap());
  return { hosts, network, policy: simulatedAddressPolicy(hosts.addresses(), (address, port) => hosts.connect(address, port)) };
}
