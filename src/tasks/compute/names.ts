import type { Config, VpcKey } from '../../config/schema.js';
import { networkPlaceholders, networkStepIds, networkNames } from '../network/names.js';

/** Step ids of the compute section. Names are a contract (state, --only). */
export const COMPUTE_STEP_IDS = {
  keyPair: 'compute.key-pair',
  ami: 'compute.ami',
  ecommerce: 'compute.ecommerce',
  wordpress: 'compute.wordpress',
  gitlab: 'compute.gitlab',
  monitoring: 'compute.monitoring',
  ia: 'compute.ia',
} as const;

/**
 * The public hosts' Elastic IPs: an address each that survives a stop/start (an auto-assigned public IPv4
 * changes on every start). `address` allocates it (outputs `allocationId`, `publicIp`), `association`
 * attaches it to the instance (outputs `associationId`, `publicIp`: the address the host answers on).
 */
export const ELASTIC_IP_HOSTS = ['ecommerce', 'wordpress', 'gitlab'] as const;
export type ElasticIpHost = (typeof ELASTIC_IP_HOSTS)[number];

export function elasticIpStepIds(host: ElasticIpHost): { address: string; association: string } {
  return { address: `compute.${host}.eip`, association: `compute.${host}.eip-association` };
}

export function hasElasticIp(host: string): host is ElasticIpHost {
  return (ELASTIC_IP_HOSTS as readonly string[]).includes(host);
}

/** The security section's steps (written elsewhere); each outputs `groupId`. */
export const SECURITY_GROUP_STEP_IDS = { web: 'security.web', cyber: 'security.cyber', ia: 'security.ia' } as const;
export type SecurityGroupKey = keyof typeof SECURITY_GROUP_STEP_IDS;

export type InstanceKey = keyof Config['instances'];

/** One of the five instances: where it goes and what it is called. */
export interface InstanceSpec {
  key: InstanceKey;
  id: string;
  /** Seed-style Name tag. */
  name: string;
  /** What runs on it, for the preview. */
  role: string;
  vpc: VpcKey;
  subnetStepId: string;
  subnetName: string;
  subnetPlaceholder: string;
  /** Public subnet: the instance gets an (auto-assigned, billed) public IPv4 address. */
  public: boolean;
  securityStepId: string;
  securityGroup: SecurityGroupKey;
  securityPlaceholder: string;
  /** `$ECOMMERCE_INSTANCE_ID` */
  placeholder: string;
}

export const KEY_PAIR_PLACEHOLDER = '$KEY_NAME';
export const AMI_PLACEHOLDER = '$UBUNTU_AMI_ID';

/** KeyVM-S: the seed's key pair name. */
export function keyPairName(config: Config): string {
  return `KeyVM-${config.suffix}`;
}

function placement(config: Config, vpc: VpcKey, where: 'public' | 'private-1') {
  const ids = networkStepIds(vpc);
  const names = networkNames(config.suffix, vpc);
  const ph = networkPlaceholders(vpc);
  return where === 'public'
    ? { vpc, subnetStepId: ids.subnetPublic, subnetName: names.subnetPublic, subnetPlaceholder: ph.subnetPublicId, public: true }
    : { vpc, subnetStepId: ids.subnetPrivate(1), subnetName: names.subnetPrivate(1), subnetPlaceholder: ph.subnetPrivateId(1), public: false };
}

function group(key: SecurityGroupKey) {
  return { securityStepId: SECURITY_GROUP_STEP_IDS[key], securityGroup: key, securityPlaceholder: `$${key.toUpperCase()}_SG_ID` };
}

/** The five instances of docs/design.md#compute, in launch order. */
export function instanceSpecs(config: Config): InstanceSpec[] {
  const S = config.suffix;
  return [
    {
      key: 'ecommerce',
      id: COMPUTE_STEP_IDS.ecommerce,
      name: `VM-Ecommerce-${S}`,
      role: 'the shop (Rocket eCommerce)',
      ...placement(config, 'mvp', 'public'),
      ...group('web'),
      placeholder: '$ECOMMERCE_INSTANCE_ID',
    },
    {
      key: 'wordpress',
      id: COMPUTE_STEP_IDS.wordpress,
      name: `VM-WordPress-${S}`,
      role: 'WordPress',
      ...placement(config, 'mvp', 'public'),
      ...group('web'),
      placeholder: '$WORDPRESS_INSTANCE_ID',
    },
    {
      key: 'gitlab',
      id: COMPUTE_STEP_IDS.gitlab,
      name: `VMCyber-Gitlab-${S}`,
      role: 'GitLab CE, also the SSH bastion',
      ...placement(config, 'cyber', 'public'),
      ...group('cyber'),
      placeholder: '$GITLAB_INSTANCE_ID',
    },
    {
      key: 'monitoring',
      id: COMPUTE_STEP_IDS.monitoring,
      name: `VMCyber-Monitoring-${S}`,
      role: 'Uptime Kuma monitoring',
      ...placement(config, 'cyber', 'private-1'),
      ...group('cyber'),
      placeholder: '$MONITORING_INSTANCE_ID',
    },
    {
      key: 'ia',
      id: COMPUTE_STEP_IDS.ia,
      name: `VMIA-Workstation-${S}`,
      role: 'the IA workstation',
      ...placement(config, 'ia', 'private-1'),
      ...group('ia'),
      placeholder: '$IA_INSTANCE_ID',
    },
  ];
}
