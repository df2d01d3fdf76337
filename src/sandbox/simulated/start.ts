import { readFile } from 'node:fs/promises';
import { expandHome } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { simulatedAddressPolicy, type AddressPolicy } from '../../ssh/address-policy.js';
import type { Sandbox } from '../sandbox.js';
import { SimulatedHosts } from './simulated-hosts.js';

/** Said at the start of every `--sandbox` run. */
export const SIMULATED_HOSTS_NOTICE = 'SANDBOX — hosts are simulated in this process: nothing connects anywhere (SSH goes to in-memory servers, not the network).';

export interface StartedSimulatedHosts {
  hosts: SimulatedHosts;
  /** Routes every SSH connection of the run to the simulated hosts; refuses any other address. */
  policy: AddressPolicy;
}

/**
 * Start the simulated hosts for a rehearsal and show them through the sandbox's gateway: instance
 * addresses, console output with each host's real key fingerprints, the RDS endpoint and its master
 * secret. The hosts accept the config's public key (the key pair the compute section imports).
 */
export async function startSimulatedHosts(config: Config, sandbox: Pick<Sandbox, 'gateway'>): Promise<StartedSimulatedHosts> {
  const authorizedKey = await readFile(expandHome(config.access.publicKeyPath), 'utf8');
  const hosts = await SimulatedHosts.start({ config, authorizedKey });
  sandbox.gateway.setLab(hosts.labMap());
  return { hosts, policy: simulatedAddressPolicy(hosts.addresses(), (address, port) => hosts.connect(address, port)) };
}
