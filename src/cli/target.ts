import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { createAwsClients, type AwsClients } from '../aws/clients.js';
import type { Config } from '../config/schema.js';
import { THROWAWAY_STATE_PREFIX } from '../app/run-log.js';
import { startSandbox, SANDBOX_CREDENTIALS, SANDBOX_REHEARSAL_LATENCY, type Sandbox } from '../sandbox/sandbox.js';
import { rehearsalConfig, rehearsalHostInputs } from '../sandbox/rehearsal-config.js';
import type { StartedSimulatedHosts } from '../sandbox/simulated/start.js';
import type { SimulatedHosts } from '../sandbox/simulated/simulated-hosts.js';
import type { AddressPolicy } from '../ssh/address-policy.js';
import { withShopFacts } from '../tasks/hosts/shop/shop-facts.js';
import { isLoopback, loadTargetConfig, type GlobalOptions } from './target-config.js';

export type { GlobalOptions } from './target-config.js';

export interface Target {
  config: Config;
  configPath: string;
  configFound: boolean;
  stateDir: string;
  aws: AwsClients;
  sandbox?: Sandbox;
  /** `--sandbox`: the hosts simulated in this process, and the policy that routes SSH to them (never to the network). */
  simulatedHosts?: SimulatedHosts;
  addressPolicy?: AddressPolicy;
  /** Stops what the target started (the sandbox) and removes its throwaway state. */
  release(): Promise<void>;
}

/**
 * Config + where AWS is for this run. `--sandbox` starts moto + the gateway on loopback and uses
 * static fake credentials, so nothing real is reachable; it keeps its state apart from real runs.
 */
export async function resolveTarget(options: GlobalOptions, write: (line: string) => void): Promise<Target> {
  // Bad flags, a bad config or --region: refused here, before moto starts or AWS is asked anything.
  const { config, configPath, configFound, stateDir: baseStateDir, endpoint } = await loadTargetConfig(options);
  const loaded = { path: configPath, found: configFound };

  if (options.sandbox) {
    // An AWS_ENDPOINT_URL in the environment is ignored: the sandbox is the endpoint.
    delete process.env.AWS_ENDPOINT_URL;
    // Real AWS's waits (RDS, NAT, instances, peering) at 1/50 of their length: progress is visible, a rehearsal stays short.
    const sandbox = await startSandbox({ latency: SANDBOX_REHEARSAL_LATENCY });
    // The SDK must never fall back to real credentials or the instance metadata service here.
    process.env.AWS_EC2_METADATA_DISABLED = 'true';
    process.env.AWS_ACCESS_KEY_ID = SANDBOX_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = SANDBOX_CREDENTIALS.secretAccessKey;
    delete process.env.AWS_SESSION_TOKEN;
    delete process.env.AWS_PROFILE;
    // The emulator starts empty every time, so by default a rehearsal keeps its state in a throwaway
    // directory: a real run's state is never mixed with emulated resources.
    const throwaway = options.state ? undefined : await mkdtemp(join(tmpdir(), THROWAWAY_STATE_PREFIX));
    // Removed by release(); and on any exit without it (a signal, process.exit), by this hook.
    const removeOnExit = () => {
      if (throwaway) rmSync(throwaway, { recursive: true, force: true });
    };
    if (throwaway) process.once('exit', removeOnExit);
    const removeThrowaway = async () => {
      process.removeListener('exit', removeOnExit);
      if (throwaway) await rm(throwaway, { recursive: true, force: true });
    };
    write(`SANDBOX — nothing real is created: AWS is emulated by moto behind the gateway at ${sandbox.endpoint}.`);
    let simulated: StartedSimulatedHosts;
    let rehearsed: Config;
    try {
      const dir = throwaway ?? baseStateDir;
      // The shop's facts first: the simulated network opens the ports its compose file publishes.
      rehearsed = await withShopFacts(await rehearsalHostInputs(await rehearsalConfig(config, dir, write), dir, write));
      // The simulated hosts (just-bash, ssh2: about a second to load) only for a rehearsal.
      const { startSimulatedHosts, SIMULATED_HOSTS_NOTICE } = await import('../sandbox/simulated/start.js');
      simulated = await startSimulatedHosts(rehearsed, sandbox);
      write(SIMULATED_HOSTS_NOTICE);
    } catch (error) {
      await sandbox.stop();
      await removeThrowaway();
      throw error;
    }
    const aws = createAwsClients({ region: config.region, endpoint: sandbox.endpoint });
    // moto builds its EC2 backend on the first EC2 call (about two seconds): start that now, while the
    // operator reads the welcome screen, rather than during the first preview. A read; errors surface later.
    aws.ec2.send(new DescribeAvailabilityZonesCommand({})).catch(() => undefined);
    return {
      config: rehearsed,
      configPath: loaded.path,
      configFound: loaded.found,
      stateDir: throwaway ?? baseStateDir,
      aws,
      sandbox,
      simulatedHosts: simulated.hosts,
      addressPolicy: simulated.policy,
      async release() {
        simulated.hosts.close();
        await sandbox.stop();
        await removeThrowaway();
      },
    };
  }

  if (endpoint !== undefined && !isLoopback(endpoint)) write(`note: AWS calls go to ${endpoint} (custom endpoint).`);
  return {
    config: await withShopFacts(config),
    configPath: loaded.path,
    configFound: loaded.found,
    stateDir: baseStateDir,
    aws: createAwsClients({
      region: config.region,
      ...(options.profile ? { profile: options.profile } : {}),
      ...(endpoint ? { endpoint } : {}),
    }),
    async release() {},
  };
}
