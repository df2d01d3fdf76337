import { containsBlock, parseIpv4Cidr } from '../../config/cidr.js';
import type { ModelHost, ModelTraffic, PingVerdict, ReachabilityModel } from '../../tasks/reachability/model.js';
import { admitsFromAddress, reachVerdict, routeFrom } from '../../tasks/reachability/predict.js';

/**
 * Who may reach whom between the simulated hosts, the RDS server and the operator: what the cloud holds
 * (moto's route tables with their associations, peerings, security groups, subnets, instances and the
 * RDS instance: cloud-network.ts reads them), judged by the very model `verify` predicts its ping matrix
 * with (src/tasks/reachability/predict.ts): a route there, a route back, and a rule of the target's
 * groups letting the traffic in. Nothing here comes from the tool's own design, so a route or a rule
 * removed from the cloud is missing here too. Public addresses are reached through the internet: the
 * sender leaves by its subnet's internet gateway (its own public address) or NAT gateway (the NAT's),
 * the target's subnet routes that address back to its internet gateway, and a rule lets it in.
 */

export type Protocol = ModelTraffic;

/** `ok`: answered; `blocked`: a security group drops it (a timeout); `no-route`: no route table leads there (or back). */
export type Reach = 'ok' | 'blocked' | 'no-route';

/** What the cloud holds that decides reachability, at one moment. */
export interface CloudNetwork {
  /** Hosts are named by their instance's aws-runbook:step tag (`gitlab`), as `verify`'s live model names them. */
  model: ReachabilityModel;
  /** The RDS instance: the subnets of its subnet group and its security groups (model keys); absent while there is none. */
  database?: { subnets: readonly string[]; securityGroups: readonly string[] };
  /** The hosts whose instance has a public address. */
  publicHosts: readonly string[];
  /** The public address each VPC's NAT gateway sends from, by the model's VPC key. */
  natAddresses: Readonly<Record<string, string>>;
}

/** Where the simulation puts each host and the RDS endpoint (its own addresses, as the gateway shows them). */
export interface SimulatedAddresses {
  hosts: ReadonlyMap<string, { privateIp: string; publicIp?: string | undefined }>;
  database: string;
}

/** What a host reached over the internet is reached from: another host, or an address outside every VPC. */
export type InternetSource = { host: string } | { address: string };

const DATABASE = 'RDS';

const reachOf = (verdict: PingVerdict): Reach => (verdict.kind === 'ok' ? 'ok' : verdict.kind === 'blocked-by-sg' ? 'blocked' : 'no-route');

export class SimulatedNetwork {
  private readonly model: ReachabilityModel;
  private readonly hosts = new Map<string, ModelHost>();
  private readonly verdicts = new Map<string, Reach>();

  constructor(
    private readonly cloud: CloudNetwork,
    private readonly addresses: SimulatedAddresses,
  ) {
    // Each host of the model at the address the simulation gives it; instances it does not play are left out.
    for (const host of cloud.model.hosts) {
      const placed = addresses.hosts.get(host.name);
      if (placed && !this.hosts.has(host.name)) this.hosts.set(host.name, { ...host, ip: placed.privateIp });
    }
    const database = this.databaseHost();
    if (database) this.hosts.set(DATABASE, database);
    this.model = { ...cloud.model, hosts: [...this.hosts.values()] };
  }

  /** The RDS endpoint as a host of the model: in the subnet of its group that holds its address, wearing its groups. */
  private databaseHost(): ModelHost | undefined {
    const database = this.cloud.database;
    const address = parseIpv4Cidr(`${this.addresses.database}/32`);
    if (!database || !address) return undefined;
    const subnet = this.cloud.model.subnets.find((s) => {
      const cidr = parseIpv4Cidr(s.cidr);
      return database.subnets.includes(s.key) && cidr !== undefined && containsBlock(cidr, address);
    });
    return subnet ? { name: DATABASE, subnet: subnet.key, securityGroups: [...database.securityGroups], ip: this.addresses.database } : undefined;
  }

  private memo(key: string, decide: () => Reach): Reach {
    let found = this.verdicts.get(key);
    if (found === undefined) {
      found = decide();
      this.verdicts.set(key, found);
    }
    return found;
  }

  /** From a host to another host's private address (or the RDS endpoint: `to` undefined). */
  toPrivate(from: string, to: string | undefined, traffic: Protocol): Reach {
    const target = to ?? DATABASE;
    return this.memo(`${from}>${target}>${JSON.stringify(traffic)}`, () => {
      const source = this.hosts.get(from);
      const destination = this.hosts.get(target);
      if (!source || !destination) return 'no-route';
      return reachOf(reachVerdict(this.model, source, destination, traffic));
    });
  }

  /** To a host's public address, through the internet. */
  toPublic(from: InternetSource, to: string, traffic: Protocol): Reach {
    return this.memo(`${JSON.stringify(from)}>${to}:public>${JSON.stringify(traffic)}`, () => {
      const target = this.hosts.get(to);
      const targetAddress = this.addresses.hosts.get(to)?.publicIp;
      if (!target || !targetAddress || !this.cloud.publicHosts.includes(to)) return 'no-route';
      const source = 'address' in from ? from.address : this.leavingAddress(from.host, targetAddress);
      if (!source) return 'no-route';
      if (routeFrom(this.model, target, source)?.target !== 'igw') return 'no-route';
      return admitsFromAddress(this.model, target, source, traffic) ? 'ok' : 'blocked';
    });
  }

  /** The address a host's packets to the internet carry: its own public one (internet gateway) or its NAT gateway's. */
  private leavingAddress(name: string, destination: string): string | undefined {
    const host = this.hosts.get(name);
    if (!host) return undefined;
    const route = routeFrom(this.model, host, destination);
    if (route?.target === 'igw') return this.cloud.publicHosts.includes(name) ? this.addresses.hosts.get(name)?.publicIp : undefined;
    if (route?.target === 'nat') {
      const vpc = this.model.subnets.find((s) => s.key === host.subnet)?.vpc;
      return vpc === undefined ? undefined : this.cloud.natAddresses[vpc];
    }
    return undefined;
  }
}
