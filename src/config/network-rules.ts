import { blocksOverlap, containsBlock, firstFreeBlock, parseIpv4Cidr, type Ipv4Block } from './cidr.js';
import { adminCidrRule, subnetCidrRule, vpcCidrRule, type RuleProblem } from './field-rules.js';

/**
 * Rules across fields: the three VPCs and their subnets (docs/design.md#network), and the admin range.
 * They run on values that passed the field rules, so every CIDR here parses.
 */
export interface PathProblem extends RuleProblem {
  /** Relative to the object the rule was given. */
  path: (string | number)[];
}

interface SubnetLike {
  cidr: string;
  az: string;
}
interface VpcLike {
  cidr: string;
  public: SubnetLike;
  private: SubnetLike[];
}
type NetworkLike = Record<'mvp' | 'ia' | 'cyber', VpcLike>;

interface PlacedBlock {
  block: Ipv4Block;
  path: (string | number)[];
}

/** Blocks that failed their field rule are reported there and left out here (no cascades). */
const usableVpcBlock = (text: string): Ipv4Block | undefined => (vpcCidrRule(text) ? undefined : parseIpv4Cidr(text));
const usableSubnetBlock = (text: string): Ipv4Block | undefined => (subnetCidrRule(text) ? undefined : parseIpv4Cidr(text));

const fieldName = (path: (string | number)[]): string =>
  path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');

/** The VPC blocks may not overlap: peering needs distinct ranges. */
function vpcOverlapProblems(network: NetworkLike): PathProblem[] {
  const problems: PathProblem[] = [];
  const placed: PlacedBlock[] = [];
  const taken = Object.values(network).flatMap((vpc) => usableVpcBlock(vpc.cidr) ?? []);
  for (const [key, vpc] of Object.entries(network)) {
    const block = usableVpcBlock(vpc.cidr);
    if (!block) continue;
    const clash = placed.find((other) => blocksOverlap(other.block, block));
    if (clash) {
      const free = firstFreeBlock(parseIpv4Cidr('10.0.0.0/8') as Ipv4Block, taken, block.prefix);
      problems.push({
        path: [key, 'cidr'],
        message: `${vpc.cidr} overlaps network.${fieldName(clash.path)} (${clash.block.text}); peered VPCs need separate ranges`,
        fix: `use a block no other VPC uses${free ? `, e.g. ${free}` : ''}`,
      });
    }
    placed.push({ block, path: [key, 'cidr'] });
  }
  return problems;
}

/** Each subnet inside its VPC; the subnets of one VPC distinct. */
function subnetLayoutProblems(key: string, vpc: VpcLike): PathProblem[] {
  const vpcBlock = usableVpcBlock(vpc.cidr);
  if (!vpcBlock) return [];
  const subnets: { subnet: SubnetLike; path: (string | number)[] }[] = [
    { subnet: vpc.public, path: [key, 'public', 'cidr'] },
    ...vpc.private.map((subnet, i) => ({ subnet, path: [key, 'private', i, 'cidr'] })),
  ];
  const allBlocks = subnets.flatMap(({ subnet }) => usableSubnetBlock(subnet.cidr) ?? []);
  const problems: PathProblem[] = [];
  const placed: PlacedBlock[] = [];
  for (const { subnet, path } of subnets) {
    const block = usableSubnetBlock(subnet.cidr);
    if (!block) continue;
    const free = (): string | undefined => firstFreeBlock(vpcBlock, allBlocks, Math.max(block.prefix, vpcBlock.prefix));
    if (!containsBlock(vpcBlock, block)) {
      const example = free();
      problems.push({
        path,
        message: `${subnet.cidr} is outside its VPC block ${vpc.cidr} (network.${key}.cidr)`,
        fix: `use a block inside ${vpc.cidr}${example ? `, e.g. ${example}` : ''}`,
      });
      continue;
    }
    const clash = placed.find((other) => blocksOverlap(other.block, block));
    if (clash) {
      const example = free();
      problems.push({
        path,
        message: `${subnet.cidr} overlaps network.${fieldName(clash.path)} (${clash.block.text}) in the same VPC`,
        fix: `give each subnet its own block${example ? `, e.g. ${example}` : ''}`,
      });
    }
    placed.push({ block, path });
  }
  return problems;
}

/** RDS wants a DB subnet group spanning two availability zones, built from the MVP private subnets. */
function mvpAvailabilityZoneProblems(mvp: VpcLike): PathProblem[] {
  const zones = new Set(mvp.private.map((subnet) => subnet.az));
  if (zones.size >= 2) return [];
  const otherZone = ['a', 'b', 'c'].find((letter) => !zones.has(letter)) ?? 'b';
  const vpcBlock = usableVpcBlock(mvp.cidr);
  const taken = [mvp.public, ...mvp.private].flatMap((s) => usableSubnetBlock(s.cidr) ?? []);
  const prefix = Math.max(taken[taken.length - 1]?.prefix ?? 24, vpcBlock?.prefix ?? 16);
  const freeBlock = vpcBlock ? firstFreeBlock(vpcBlock, taken, prefix) : undefined;
  if (mvp.private.length < 2) {
    return [
      {
        path: ['mvp', 'private'],
        message: `has ${mvp.private.length} private subnet; the RDS database needs private subnets in two availability zones`,
        fix: `add a second private subnet in another zone, e.g. { cidr: ${freeBlock ?? '10.1.3.0/24'}, az: ${otherZone} }`,
      },
    ];
  }
  return [
    {
      path: ['mvp', 'private'],
      message: `all ${mvp.private.length} private subnets are in zone ${[...zones].join('')}; the RDS database needs two availability zones`,
      fix: `put one of them in another zone, e.g. az: ${otherZone}`,
    },
  ];
}

export function networkProblems(network: NetworkLike): PathProblem[] {
  return [
    ...vpcOverlapProblems(network),
    ...Object.entries(network).flatMap(([key, vpc]) => subnetLayoutProblems(key, vpc)),
    ...mvpAvailabilityZoneProblems(network.mvp),
  ];
}

/** The widest IPv4 admin range accepted: a /16 (65 536 addresses) already spans a whole organisation's network. */
export const WIDEST_ADMIN_PREFIX = 16;

const ADMIN_FIX = 'use your own public address, e.g. 203.0.113.7/32 (curl https://checkip.amazonaws.com shows it), or your network\'s public range';

/**
 * The admin range means "me": the operator's own address or network, from outside AWS. 0.0.0.0/0 opens SSH
 * and the admin UIs to everyone, only on explicit request (access.allowOpenAdminCidr); any other range
 * wider than a /16 (0.0.0.0/1 is half the internet) is refused outright.
 */
export function accessProblems(access: { adminCidr?: string | undefined; allowOpenAdminCidr: boolean }): PathProblem[] {
  const { adminCidr } = access;
  const block = adminCidr === undefined || adminCidrRule(adminCidr) ? undefined : parseIpv4Cidr(adminCidr);
  if (!block) return [];
  if (block.prefix === 0) {
    if (access.allowOpenAdminCidr) return [];
    return [
      {
        path: ['adminCidr'],
        message: `${JSON.stringify(adminCidr)} would open SSH and the admin UIs (GitLab, Uptime Kuma) to the whole internet`,
        fix: `${ADMIN_FIX}, or set access.allowOpenAdminCidr: true if you really mean it`,
      },
    ];
  }
  if (block.prefix >= WIDEST_ADMIN_PREFIX) return [];
  return [
    {
      path: ['adminCidr'],
      message: `${JSON.stringify(adminCidr)} is a /${block.prefix}, ${(2 ** (32 - block.prefix)).toLocaleString('en-US')} addresses, wider than the /${WIDEST_ADMIN_PREFIX} an admin range may be: SSH and the admin UIs (GitLab, Uptime Kuma) would be open to all of them`,
      fix: `${ADMIN_FIX} (at most a /${WIDEST_ADMIN_PREFIX})`,
    },
  ];
}

/**
 * The admin range may not overlap a VPC: it would let every instance in that range reach SSH and the admin
 * UIs (GitLab, Uptime Kuma) as if it were the operator. Not checked for the explicitly allowed 0.0.0.0/0.
 */
export function adminRangeOverlapProblems(config: { access: { adminCidr?: string | undefined; allowOpenAdminCidr: boolean }; network: NetworkLike }): PathProblem[] {
  const { adminCidr, allowOpenAdminCidr } = config.access;
  const admin = adminCidr === undefined || adminCidrRule(adminCidr) ? undefined : parseIpv4Cidr(adminCidr);
  if (!admin || (admin.prefix === 0 && allowOpenAdminCidr)) return [];
  const clashes = Object.entries(config.network).flatMap(([key, vpc]) => {
    const block = usableVpcBlock(vpc.cidr);
    return block && blocksOverlap(admin, block) ? [`network.${key}.cidr (${vpc.cidr})`] : [];
  });
  if (clashes.length === 0) return [];
  return [
    {
      path: ['access', 'adminCidr'],
      message: `${JSON.stringify(adminCidr)} overlaps ${clashes.join(', ')}: every instance there could reach SSH and the admin UIs (GitLab, Uptime Kuma) as if it were you`,
      fix: `${ADMIN_FIX}, outside the VPCs' ranges`,
    },
  ];
}
