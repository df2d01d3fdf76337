import type { AwsClients } from '../../aws/clients.js';
import type { Config } from '../../config/schema.js';
import { projectKey } from '../../engine/context.js';
import { LiveInventory } from '../../tasks/checks/inventory.js';
import { databaseNames } from '../../tasks/database/names.js';
import { liveReachabilityModel, liveVpcKey, loadLiveNetwork } from '../../tasks/reachability/live-model.js';
import type { CloudNetwork } from './network.js';

/**
 * The rehearsal's network as the cloud (moto) holds it, read the way `verify` reads the live account:
 * LiveInventory's describes (selected by the project tag) and `loadLiveNetwork` (each subnet's route
 * table, the main one where it has none of its own), turned into `verify`'s reachability model. Plus
 * what only the simulation needs: the RDS instance's subnets and groups, which instances have a public
 * address, and the NAT gateways' addresses. Only running (or starting) instances answer.
 *
 * The simulated hosts ask about the network on every command they run (pings, HTTP between hosts, the
 * database, each SSH hop): `CachedCloudNetwork` keeps the last reading until a mutating call through
 * the sandbox's gateway lands (start.ts subscribes it), so a rehearsal describes the cloud once per
 * change, not once per packet.
 */

/** Something that answers the cloud's network as it is now. */
export interface CloudNetworkSource {
  read(): Promise<CloudNetwork>;
}

const ANSWERING = new Set(['running', 'pending']);
const DATABASE_GONE = new Set(['deleting', 'deleted', 'failed']);

/** Read the project's network from `aws` (moto's own endpoint in a rehearsal). */
export async function loadCloudNetwork(aws: AwsClients, config: Config): Promise<CloudNetwork> {
  const inventory = new LiveInventory(aws, projectKey(config));
  const [live, database, nats] = await Promise.all([
    loadLiveNetwork(inventory, aws.ec2),
    inventory.dbInstance(databaseNames(config).instance),
    inventory.natGateways(),
  ]);
  const instances = live.instances.filter((i) => ANSWERING.has(i.State?.Name ?? ''));
  const model = liveReachabilityModel({ ...live, instances });
  const withPublicAddress = instances.filter((i) => i.PublicIpAddress);
  const publicHosts = model.hosts.filter((h) => withPublicAddress.some((i) => i.SubnetId === h.subnet && i.PrivateIpAddress === h.ip)).map((h) => h.name);
  const vpcKey = new Map(live.vpcs.flatMap((v) => (v.VpcId ? [[v.VpcId, liveVpcKey(v) ?? v.VpcId] as const] : [])));
  const natAddresses: Record<string, string> = {};
  for (const nat of nats) {
    const key = nat.VpcId ? vpcKey.get(nat.VpcId) : undefined;
    const address = nat.NatGatewayAddresses?.find((a) => a.PublicIp)?.PublicIp;
    if (key && address && nat.State === 'available') natAddresses[key] ??= address;
  }
  const present = database && !DATABASE_GONE.has(database.DBInstanceStatus ?? '');
  return {
    model,
    ...(present
      ? {
          database: {
            subnets: (database.DBSubnetGroup?.Subnets ?? []).flatMap((s) => (s.SubnetIdentifier ? [s.SubnetIdentifier] : [])),
            securityGroups: (database.VpcSecurityGroups ?? []).flatMap((g) => (g.VpcSecurityGroupId && g.Status !== 'inactive' ? [g.VpcSecurityGroupId] : [])),
          },
        }
      : {}),
    publicHosts,
    natAddresses,
  };
}

/** The last reading, kept until `invalidate` (the cloud changed); a reading in flight when it changes is read again. */
export class CachedCloudNetwork implements CloudNetworkSource {
  private current: Promise<CloudNetwork> | undefined;
  private generation = 0;
  /** How many times the cloud was read, and how long those readings took in all, ms (the benchmark's figures). */
  loads = 0;
  loadMs = 0;

  constructor(private readonly load: () => Promise<CloudNetwork>) {}

  invalidate(): void {
    this.generation += 1;
    this.current = undefined;
  }

  async read(): Promise<CloudNetwork> {
    for (;;) {
      const generation = this.generation;
      if (!this.current) {
        this.loads += 1;
        const started = performance.now();
        this.current = this.load().finally(() => (this.loadMs += performance.now() - started));
      }
      const reading = this.current;
      try {
        const network = await reading;
        if (generation === this.generation) return network;
      } catch (error) {
        if (this.current === reading) this.current = undefined; // the next command tries again
        throw error;
      }
    }
  }
}
