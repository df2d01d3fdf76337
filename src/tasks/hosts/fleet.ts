import { readFile } from 'node:fs/promises';
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../aws/clients.js';
import { expandHome } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import type { HostAccess, HostName, Outputs } from '../../engine/types.js';
import { addressPolicyFor, UnreachableAddressError, type AddressPolicy } from '../../ssh/address-policy.js';
import type { SshConnection } from '../../ssh/connect.js';
import { SshPool } from '../../ssh/connections.js';
import { fingerprintsFromOutput } from './fingerprint-output.js';
import { BASTION, hostKeyStepId, instanceStepId, LOGIN_USER, privateKeyPathOf } from './names.js';

/** A host step ran before what it needs: a bug in `needs`, or a state edited by hand. */
export class HostNotReadyError extends Error {
  override readonly name = 'HostNotReadyError';
  readonly hint: string;
  constructor(host: HostName, missing: string) {
    super(`${host} cannot be reached yet: ${missing}`);
    this.hint = 'run `aws-runbook up --only compute,hosts` so the instance and its host keys are recorded first';
  }
}

export class PrivateKeyError extends Error {
  override readonly name = 'PrivateKeyError';
  readonly hint: string;
  constructor(path: string, problem: string) {
    super(`The SSH private key ${path} ${problem}.`);
    this.hint = 'point access.privateKeyPath in the config at the private half of access.publicKeyPath (the key the instances were launched with)';
  }
}

export interface FleetOptions {
  config: Config;
  aws: AwsClients;
  /** Outputs of other steps (instance ids, host key fingerprints), as the engine knows them now. */
  outputsOf(stepId: string): Outputs | undefined;
  /** Where connections may go (AWS: anywhere; an emulator: its lab's addresses only). */
  policy: AddressPolicy;
}

/**
 * The runbook's hosts over SSH: each host registered once per run from its instance (address) and its
 * host-key step (fingerprints), the bastion by its public address, every other host by its private
 * address through the bastion. Connections are pooled (src/ssh/connections.ts).
 */
export class Fleet implements HostAccess {
  private readonly pool: SshPool;
  private readonly registered = new Map<HostName, Promise<void>>();
  private privateKey: Promise<string> | undefined;

  constructor(private readonly options: FleetOptions) {
    // Simulated hosts (--sandbox): every connection goes to the policy's in-process connector, none to the network.
    const connector = options.policy.connect;
    this.pool = new SshPool([], connector ? { connector } : {});
  }

  /** Whether the hosts are simulated in this process (`--sandbox`). */
  get simulated(): boolean {
    return this.options.policy.connect !== undefined;
  }

  /** A fleet for a run against `aws` (asks an emulator endpoint for its lab's addresses first). */
  static async open(options: Omit<FleetOptions, 'policy'>): Promise<Fleet> {
    return new Fleet({ ...options, policy: await addressPolicyFor(options.aws.endpoint) });
  }

  get reachable(): boolean {
    return this.options.policy.reachable;
  }

  async connect(host: HostName, signal?: AbortSignal): Promise<SshConnection> {
    await this.register(host, signal);
    return this.pool.get(host, signal ? { signal } : {});
  }

  async close(): Promise<void> {
    await this.pool.closeAll();
  }

  private register(host: HostName, signal?: AbortSignal): Promise<void> {
    let registering = this.registered.get(host);
    if (!registering) {
      registering = this.describe(host, signal);
      this.registered.set(host, registering);
      registering.catch(() => this.registered.delete(host)); // a failed lookup is tried again next time
    }
    return registering;
  }

  private async describe(host: HostName, signal?: AbortSignal): Promise<void> {
    const bastion = host === BASTION;
    if (!bastion) await this.register(BASTION, signal);
    const instanceId = this.options.outputsOf(instanceStepId(host))?.['instanceId'];
    if (!instanceId) throw new HostNotReadyError(host, `no instance is recorded for it (step ${instanceStepId(host)})`);
    const fingerprints = fingerprintsFromOutput(this.options.outputsOf(hostKeyStepId(host))?.['fingerprints']);
    if (fingerprints.length === 0) throw new HostNotReadyError(host, `its host keys are not known yet (step ${hostKeyStepId(host)})`);
    const answer = await this.options.aws.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }), signal ? { abortSignal: signal } : {});
    const instance = answer.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === instanceId);
    const address = bastion ? instance?.PublicIpAddress : instance?.PrivateIpAddress;
    if (!address) {
      throw new HostNotReadyError(host, `instance ${instanceId} has no ${bastion ? 'public' : 'private'} address (state ${instance?.State?.Name ?? 'unknown'})`);
    }
    if (!this.options.policy.allows(address)) throw new UnreachableAddressError(host, address, this.options.policy.where);
    this.pool.add({
      name: host,
      address,
      username: LOGIN_USER,
      privateKey: await this.readPrivateKey(),
      fingerprints,
      ...(bastion ? {} : { via: BASTION }),
      ...(this.simulated ? { simulated: true } : {}),
    });
  }

  private readPrivateKey(): Promise<string> {
    const path = expandHome(privateKeyPathOf(this.options.config));
    this.privateKey ??= readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new PrivateKeyError(path, error.code === 'ENOENT' ? 'does not exist' : `cannot be read (${error.code ?? error.message})`);
    });
    return this.privateKey;
  }
}
