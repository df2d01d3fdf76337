import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { Config } from '../../config/schema.js';
import type { HostName } from '../../engine/types.js';
import { COMPUTE_STEP_IDS } from '../../tasks/compute/names.js';
import { MASTER_USERNAME } from '../../tasks/database/names.js';
import type { LabMap } from '../lab-map.js';
import { consoleOutputFor } from './console-output.js';
import type { SimulatedHost } from './host.js';
import { memorySocketPair } from './memory-socket.js';
import type { CloudNetworkSource } from './cloud-network.js';
import { generateHostKey, SimulatedSshServer, type HostKey } from './ssh-server.js';
import { SimulatedWorld } from './world.js';

/**
 * The simulated hosts of a `--sandbox` rehearsal: the five EC2 hosts (and the RDS server) in this process,
 * each with its own sshd reached over in-memory connections. Nothing here opens a socket. The gateway is
 * told (labMap) to show their addresses, their consoles' real host keys and the RDS endpoint; the tool's
 * SSH pool reaches them through `connect`, which refuses any address they do not have.
 */

/** The tool asked to reach an address no simulated host has, or one it may not reach from outside. */
export class SimulatedAddressError extends Error {
  override readonly name = 'SimulatedAddressError';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

export interface SimulatedHostsOptions {
  config: Config;
  /** The public key the instances are launched with (the key pair): the login user's authorized key. */
  authorizedKey: string;
  /** What the cloud holds about the network (moto, in a rehearsal): who reaches whom. */
  network: CloudNetworkSource;
  /** Called once by `close` (what was started for the hosts and must stop with them). */
  onClose?: () => void;
}

export class SimulatedHosts {
  private readonly servers = new Map<HostName, SimulatedSshServer>();
  private closed = false;

  private constructor(
    readonly world: SimulatedWorld,
    /** The RDS master password (answered for the RDS-managed secret). Never logged. */
    private readonly masterPassword: string,
    /** What the hosts' network is read from (the cloud). */
    readonly network: CloudNetworkSource,
    private readonly onClose: (() => void) | undefined,
  ) {}

  static async start(options: SimulatedHostsOptions): Promise<SimulatedHosts> {
    const masterPassword = randomBytes(24).toString('base64url');
    const world = await SimulatedWorld.create({ config: options.config, masterPassword, authorizedKey: options.authorizedKey, network: options.network });
    const hosts = new SimulatedHosts(world, masterPassword, options.network, options.onClose);
    for (const host of world.hosts.values()) {
      hosts.servers.set(host.name, new SimulatedSshServer(host, generateHostKey(), (from, address, port) => hosts.forward(from, address, port)));
    }
    return hosts;
  }

  /** Every address a simulated host (or the RDS server) answers on. */
  addresses(): string[] {
    return [...[...this.world.hosts.values()].flatMap((host) => host.addresses), this.world.databaseEndpoint.address];
  }

  hostKey(name: HostName): HostKey {
    const server = this.servers.get(name);
    if (!server) throw new Error(`no simulated host named ${name}`);
    return server.hostKey;
  }

  /** What the sandbox gateway shows: each instance's addresses and console, the RDS endpoint and master secret. */
  labMap(): LabMap {
    const instances: LabMap['instances'] = {};
    for (const host of this.world.hosts.values()) {
      instances[COMPUTE_STEP_IDS[host.name]] = {
        privateIp: host.privateIp,
        ...(host.publicIp ? { publicIp: host.publicIp } : {}),
        consoleOutput: consoleOutputFor(host.hostname, [this.hostKey(host.name).publicKey]),
      };
    }
    const { address, port } = this.world.databaseEndpoint;
    return {
      simulated: true,
      instances,
      rds: { address, port, masterUserSecret: JSON.stringify({ username: MASTER_USERNAME, password: this.masterPassword }) },
    };
  }

  /**
   * An SSH connection from this process (the operator) to a host's public address: the server end goes
   * to that host's sshd. Any other address is refused: this never falls back to a network connection.
   */
  async connect(address: string, port: number): Promise<Duplex> {
    if (this.closed) throw new SimulatedAddressError('the simulated hosts were stopped', 'start the sandbox again');
    const host = this.world.hostAt(address);
    if (!host) {
      throw new SimulatedAddressError(
        `refusing to connect to ${address}:${port}: no simulated host has this address, and a sandbox run never connects anywhere else`,
        'the sandbox only reaches its simulated hosts; check the instance addresses the gateway shows',
      );
    }
    await this.world.refreshNetwork();
    const reach = this.world.reach(undefined, address, { kind: 'tcp', port });
    if (reach !== 'ok') {
      const why = address === host.publicIp ? (reach === 'no-route' ? 'no route from the internet to it' : 'its security group drops them') : 'no route: a private address';
      throw new SimulatedAddressError(
        `${host.name} (simulated) does not accept connections from the admin CIDR on ${address}:${port} (${why})`,
        'only the bastion (gitlab) takes SSH from the admin CIDR; every other host is reached through it',
      );
    }
    return this.open(host, port);
  }

  /**
   * A direct-tcpip channel from a host (a jump, or a tunnel as `ssh -L`): to another host's sshd when the
   * network lets it through, or to what listens on a port of the host itself (its loopback: a service
   * published on 127.0.0.1) or of another host it reaches — when that listener takes raw connections.
   */
  private async forward(from: SimulatedHost, address: string, port: number): Promise<Duplex> {
    const local = address === '127.0.0.1' || address === 'localhost' || address === '::1';
    await this.world.refreshNetwork();
    const target = local ? from : this.world.hostAt(address);
    if (!target || (!local && this.world.reach(from, address, { kind: 'tcp', port }) !== 'ok')) throw new Error(`${from.name} cannot reach ${address}:${port}`);
    if (port === 22) return this.open(target, port);
    const listener = target.listeners.get(port);
    if (!listener?.connect || (listener.loopbackOnly && !local)) throw new Error(`connect to ${address} port ${port} failed: Connection refused`);
    return listener.connect();
  }

  private open(host: SimulatedHost, port: number): Duplex {
    const server = this.servers.get(host.name);
    if (!server || port !== 22) throw new SimulatedAddressError(`nothing listens on ${host.name}:${port} for SSH`, 'SSH is on port 22');
    const [client, serverSide] = memorySocketPair();
    server.accept(serverSide);
    return client;
  }

  close(): void {
    if (!this.closed) this.onClose?.();
    this.closed = true;
    for (const server of this.servers.values()) server.close();
  }
}
