import ipaddr from 'ipaddr.js';
import type { Config } from '../../config/schema.js';
import type { HostName } from '../../engine/types.js';
import { instanceSpecs } from '../../tasks/compute/names.js';
import { MASTER_USERNAME } from '../../tasks/database/names.js';
import { GITLAB_KEY_URL } from '../../tasks/hosts/gitlab/repository.js';
import { simulatedGitlabKey } from '../emulation/gpg.js';
import { preinstall } from '../emulation/packages.js';
import { SimulatedDatabase } from './database/server.js';
import { SimulatedHost, type HttpAnswer, type SimulatedHostSpec } from './host.js';
import type { CloudNetworkSource } from './cloud-network.js';
import { SimulatedNetwork, type CloudNetwork, type Protocol, type Reach } from './network.js';

/**
 * Everything the simulated hosts share: the runbook's five hosts at addresses from the config's
 * subnets (public ones from RFC 5737's documentation range), the RDS server, the network between them
 * (as the cloud holds it: network.ts), and the package mirror. Built once per `--sandbox` run, in this process.
 */

export interface WorldOptions {
  config: Config;
  /** The RDS master user's password (what the sandbox answers for the RDS-managed secret). */
  masterPassword: string;
  /** What the cloud holds about the network (moto, in a rehearsal): who reaches whom is decided from it. */
  network: CloudNetworkSource;
}

export type HttpResult = { kind: 'answer'; answer: HttpAnswer } | { kind: 'error'; code: number; message: string };

/** Where the RDS endpoint is in the simulation: MVP's first private subnet. */
export const DATABASE_PORT = 3306;

function nthAddress(cidr: string, n: number): string {
  const [base] = ipaddr.IPv4.parseCIDR(cidr);
  const bytes = base.toByteArray();
  bytes[3] = (bytes[3] ?? 0) + n;
  return ipaddr.fromByteArray(bytes).toString();
}

/** The hosts' specs: private address the 10th, 11th… of its subnet; public ones in 198.51.100.0/24. */
export function simulatedHostSpecs(config: Config): SimulatedHostSpec[] {
  const used = new Map<string, number>();
  let publicNext = 10;
  return instanceSpecs(config).map((spec) => {
    const subnet = spec.public ? config.network[spec.vpc].public.cidr : (config.network[spec.vpc].private[0] as { cidr: string }).cidr;
    const n = used.get(subnet) ?? 10;
    used.set(subnet, n + 1);
    return {
      name: spec.key,
      privateIp: nthAddress(subnet, n),
      ...(spec.public ? { publicIp: `198.51.100.${publicNext++}` } : {}),
      vpc: spec.vpc,
    };
  });
}

export class SimulatedWorld {
  readonly hosts = new Map<HostName, SimulatedHost>();
  readonly database: SimulatedDatabase;
  readonly databaseEndpoint: { address: string; port: number };
  /** The network as last read from the cloud, and the cloud reading it was made from. */
  private network: { from: CloudNetwork; view: SimulatedNetwork } | undefined;

  private constructor(
    readonly config: Config,
    masterPassword: string,
    private readonly cloud: CloudNetworkSource,
  ) {
    this.database = new SimulatedDatabase({ user: MASTER_USERNAME, password: masterPassword });
    this.databaseEndpoint = { address: nthAddress((config.network.mvp.private[0] as { cidr: string }).cidr, 20), port: DATABASE_PORT };
  }

  static async create(options: WorldOptions & { authorizedKey: string }): Promise<SimulatedWorld> {
    const world = new SimulatedWorld(options.config, options.masterPassword, options.network);
    for (const spec of simulatedHostSpecs(options.config)) {
      const host = new SimulatedHost(spec, world);
      await world.prepare(host, options.authorizedKey);
      world.hosts.set(spec.name, host);
    }
    return world;
  }

  /** A fresh Ubuntu 24.04 image: os-release, the login user's authorized key, apt's directories, the image's packages. */
  private async prepare(host: SimulatedHost, authorizedKey: string): Promise<void> {
    const fs = host.fs;
    for (const dir of ['/tmp', '/root', '/opt', '/run', '/etc/apt/sources.list.d', '/etc/apt/keyrings', '/var/lib/apt/lists', '/etc/systemd/system', '/usr/local/bin', '/home/ubuntu/.ssh']) {
      await fs.mkdir(dir, { recursive: true });
    }
    await fs.chmod('/tmp', 0o1777);
    await fs.writeFile('/etc/os-release', 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\n');
    await fs.writeFile('/etc/hostname', `${host.hostname}\n`);
    await fs.writeFile('/home/ubuntu/.ssh/authorized_keys', `${authorizedKey.trim()}\n`);
    await fs.chmod('/home/ubuntu/.ssh/authorized_keys', 0o600);
    await preinstall(host.emulated);
  }

  host(name: HostName): SimulatedHost {
    const host = this.hosts.get(name);
    if (!host) throw new Error(`no simulated host named ${name}`);
    return host;
  }

  /** The simulated host with this address (private or public), if any. */
  hostAt(address: string): SimulatedHost | undefined {
    return [...this.hosts.values()].find((host) => host.addresses.includes(address));
  }

  /**
   * Bring the network up to date with the cloud (a cached reading while nothing changed there). Every
   * command a host runs, and every SSH connection, waits for this first: what they ask of the network
   * (`reach`, `ping`, `http`, `reachDatabase`) is answered from this reading.
   */
  async refreshNetwork(): Promise<void> {
    const cloud = await this.cloud.read();
    if (this.network?.from === cloud) return;
    const hosts = new Map([...this.hosts.values()].map((host) => [host.name, { privateIp: host.privateIp, publicIp: host.publicIp }] as const));
    this.network = { from: cloud, view: new SimulatedNetwork(cloud, { hosts, database: this.databaseEndpoint.address }) };
  }

  private get currentNetwork(): SimulatedNetwork {
    if (!this.network) throw new Error('the simulated network has not been read from the cloud yet (SimulatedWorld.refreshNetwork)');
    return this.network.view;
  }

  /** Where the operator (this process) comes from: the admin CIDR's first address (none when it is not set). */
  private get operator(): string | undefined {
    const cidr = this.config.access.adminCidr;
    return cidr ? ipaddr.parseCIDR(cidr)[0].toString() : undefined;
  }

  /**
   * From a host (or, without one, the operator: this process, from the admin CIDR) to an address:
   * private addresses through the VPCs' routes and groups, public ones through the internet.
   */
  reach(from: SimulatedHost | undefined, address: string, protocol: Protocol): Reach | 'unknown' {
    const target = this.hostAt(address);
    if (from && target === from) return 'ok';
    const network = this.currentNetwork;
    if (address === this.databaseEndpoint.address) return from ? network.toPrivate(from.name, undefined, protocol) : 'no-route';
    if (!target) return 'unknown';
    if (address === target.publicIp) {
      const operator = this.operator;
      if (!from && !operator) return 'blocked';
      return network.toPublic(from ? { host: from.name } : { address: operator as string }, target.name, protocol);
    }
    if (!from) return 'no-route';
    return network.toPrivate(from.name, target.name, protocol);
  }

  reachDatabase(from: SimulatedHost): Reach | 'unknown' {
    return this.reach(from, this.databaseEndpoint.address, { kind: 'tcp', port: this.databaseEndpoint.port });
  }

  ping(from: SimulatedHost, address: string): Reach | 'unknown' {
    if (address === '127.0.0.1' || address === 'localhost') return 'ok';
    return this.reach(from, address, { kind: 'icmp' });
  }

  /** An HTTP request from a host: its own ports, another host's (if reachable), the package mirror. */
  async http(from: SimulatedHost, url: URL): Promise<HttpResult> {
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (url.href === GITLAB_KEY_URL) return { kind: 'answer', answer: { status: 200, body: simulatedGitlabKey() } };
    const local = hostname === 'localhost' || hostname === '127.0.0.1' || hostname === from.hostname;
    const target = local ? from : this.hostAt(hostname);
    if (!target) return { kind: 'error', code: 6, message: `Could not resolve host: ${hostname} (the simulated hosts reach only each other)` };
    if (!local) {
      const reach = this.reach(from, hostname, { kind: 'tcp', port });
      if (reach === 'blocked') return { kind: 'error', code: 28, message: `Failed to connect to ${hostname} port ${port} after 10000 ms: Timeout was reached` };
      if (reach === 'no-route') return { kind: 'error', code: 7, message: `Failed to connect to ${hostname} port ${port} after 0 ms: No route to host` };
    }
    const listener = target.listeners.get(port);
    // A port published on 127.0.0.1 only refuses other hosts (and the host's own other addresses).
    const bound = listener && !(listener.loopbackOnly && hostname !== 'localhost' && hostname !== '127.0.0.1');
    if (!bound || url.protocol !== 'http:') return { kind: 'error', code: 7, message: `Failed to connect to ${hostname} port ${port} after 0 ms: Couldn't connect to server` };
    return { kind: 'answer', answer: await listener.answer({ path: `${url.pathname}${url.search}`, from }) };
  }
}
