import { configSchema, type Config } from '../../../src/config/schema.js';
import { buildRemoteCommand, secretLines, type SudoOptions } from '../../../src/ssh/remote-command.js';
import type { CloudNetworkSource } from '../../../src/sandbox/simulated/cloud-network.js';
import type { SimulatedHost } from '../../../src/sandbox/simulated/host.js';
import type { CloudNetwork } from '../../../src/sandbox/simulated/network.js';
import { SimulatedWorld } from '../../../src/sandbox/simulated/world.js';
import { PLANNED_HOSTS, designReachabilityModel } from '../../../src/tasks/reachability/design-model.js';

/**
 * The cloud's network as the runbook designs it, standing in for moto in the hosts' unit tests (no
 * sandbox): the design's reachability model, the RDS instance in MVP's private subnets wearing SG-RDS,
 * the public subnets' hosts with public addresses, a NAT gateway each in IA and Cyber. A rehearsal reads
 * moto instead (test/sandbox/simulated/cloud-network.test.ts, test/screens/rehearsal-walk.test.tsx).
 */
export function designedNetwork(config: Config): CloudNetworkSource & { network: CloudNetwork } {
  const model = designReachabilityModel(config);
  const network: CloudNetwork = {
    model,
    database: { subnets: model.subnets.filter((s) => s.key.startsWith('mvp-private')).map((s) => s.key), securityGroups: ['rds'] },
    publicHosts: PLANNED_HOSTS.filter((h) => h.subnet === 'public').map((h) => h.name),
    natAddresses: { ia: '198.51.100.201', cyber: '198.51.100.202' },
  };
  return { network, read: async () => network };
}

/** A simulated world for unit tests (no SSH): the designed network, a fixed master password. */
export async function testWorld(config: Config = configSchema.parse({})): Promise<SimulatedWorld> {
  return SimulatedWorld.create({ config, masterPassword: 'master-password-123', authorizedKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO0 test', network: designedNetwork(config) });
}

export interface RunOptions {
  sudo?: boolean | SudoOptions;
  env?: Record<string, string>;
  secretEnv?: Record<string, string>;
  stdin?: string;
  cwd?: string;
}

/** Run a command on a host exactly as the SSH layer sends it (the same wrapper, secrets on stdin). */
export async function runOn(host: SimulatedHost, command: string, options: RunOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const secrets = options.secretEnv ?? {};
  const line = buildRemoteCommand({ command, sudo: options.sudo, env: options.env, cwd: options.cwd, secretNames: Object.keys(secrets) });
  const stdin = Buffer.from(secretLines(secrets) + (options.stdin ?? ''));
  const result = await host.run(line, { user: 'ubuntu', stdin, signal: new AbortController().signal });
  return { code: result.code, stdout: result.stdout.toString('utf8'), stderr: result.stderr.toString('utf8') };
}
