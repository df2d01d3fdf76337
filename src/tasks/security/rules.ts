import type { Config, VpcKey } from '../../config/schema.js';
import { shopPublicPorts } from '../hosts/shop/names.js';
import { networkStepIds, VPC_LABELS } from '../network/names.js';

/**
 * The security groups of docs/design.md#security-groups as data: the one table the steps, their previews, the
 * reachability model and the verification checklist all read.
 */

export const SSH_PORT = 22;
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;
/** Uptime Kuma's web UI (seed Part 2: `-p 3001:3001`). */
export const UPTIME_KUMA_PORT = 3001;
export const MARIADB_PORT = 3306;
/** FromPort/ToPort meaning every ICMP type and code. */
export const ALL_ICMP = -1;

export const SECURITY_GROUP_KEYS = ['web', 'rds', 'cyber', 'ia'] as const;
export type SecurityGroupKey = (typeof SECURITY_GROUP_KEYS)[number];

export type RuleSource =
  /** `label` says what the range is, for previews: "anywhere", "the Cyber public subnet". */
  | { kind: 'cidr'; cidr: string; label: string }
  /** Members of another of our groups (a security-group reference, not a CIDR). */
  | { kind: 'group'; group: SecurityGroupKey };

export interface IngressRule {
  protocol: 'tcp' | 'icmp';
  /** ICMP: ALL_ICMP for every type. */
  fromPort: number;
  toPort: number;
  source: RuleSource;
  /** Also the rule's Description in AWS (letters, digits, spaces and ._-:/()#,@[]+=;{}$* only). */
  description: string;
}

/** A config value the table needs and the config lacks; the rules built from it are left out. */
export interface MissingSetting {
  field: 'access.adminCidr';
  /** What the operator runs to set it. */
  fix: string;
}

export interface SecurityGroupDesign {
  key: SecurityGroupKey;
  vpc: VpcKey;
  /** Name tag and GroupName (GroupName is unique per VPC): SG-Web-BFHK. */
  name: string;
  description: string;
  stepId: string;
  ingressStepId: string;
  /** `$SG_WEB_ID`, for previews before the group exists. */
  placeholder: string;
  /** The VPC's step, whose `vpcId` the group is created in. */
  vpcStepId: string;
  vpcPlaceholder: string;
  ingress: IngressRule[];
  /** Non-empty: the ingress step refuses to run (the rules from that setting would be guessed). */
  missingSettings: MissingSetting[];
}

export const ADMIN_CIDR_MISSING: MissingSetting = {
  field: 'access.adminCidr',
  fix: 'run `aws-runbook init --admin-cidr <your IP>/32`',
};

export function securityGroupStepIds(key: SecurityGroupKey) {
  return { group: `security.${key}`, ingress: `security.${key}.ingress` };
}

const GROUP_LABELS: Record<SecurityGroupKey, string> = { web: 'Web', rds: 'RDS', cyber: 'Cyber', ia: 'IA' };

export function securityGroupName(suffix: string, key: SecurityGroupKey): string {
  return `SG-${GROUP_LABELS[key]}-${suffix}`;
}

const tcp = (port: number, source: RuleSource, description: string): IngressRule => ({
  protocol: 'tcp',
  fromPort: port,
  toPort: port,
  source,
  description,
});

const icmp = (source: RuleSource, description: string): IngressRule => ({
  protocol: 'icmp',
  fromPort: ALL_ICMP,
  toPort: ALL_ICMP,
  source,
  description,
});

function group(config: Config, key: SecurityGroupKey, vpc: VpcKey, description: string, ingress: IngressRule[], missing: MissingSetting[] = []): SecurityGroupDesign {
  const ids = securityGroupStepIds(key);
  return {
    key,
    vpc,
    name: securityGroupName(config.suffix, key),
    description,
    stepId: ids.group,
    ingressStepId: ids.ingress,
    placeholder: `$SG_${key.toUpperCase()}_ID`,
    vpcStepId: networkStepIds(vpc).vpc,
    vpcPlaceholder: `$${vpc.toUpperCase()}_VPC_ID`,
    ingress,
    missingSettings: missing,
  };
}

/** Every group of the design with its inbound rules. Outbound: AWS's default allow-all egress is kept. */
export function securityGroupRules(config: Config): SecurityGroupDesign[] {
  const cyber = config.network.cyber;
  const anywhere: RuleSource = { kind: 'cidr', cidr: '0.0.0.0/0', label: 'anywhere' };
  const cyberPublic: RuleSource = { kind: 'cidr', cidr: cyber.public.cidr, label: `the ${VPC_LABELS.cyber} public subnet` };
  const cyberVpc: RuleSource = { kind: 'cidr', cidr: cyber.cidr, label: `the ${VPC_LABELS.cyber} VPC` };
  // The Monitoring host's subnet (compute launches it in the first private subnet of the Cyber VPC).
  const monitoring: RuleSource = { kind: 'cidr', cidr: (cyber.private[0] as { cidr: string }).cidr, label: `the ${VPC_LABELS.cyber} private subnet (Monitoring)` };
  const adminCidr = config.access.adminCidr;
  const admin: RuleSource | undefined = adminCidr ? { kind: 'cidr', cidr: adminCidr, label: 'the admin CIDR' } : undefined;

  return [
    group(config, 'web', 'mvp', 'Web hosts (Ecommerce, WordPress): HTTP, HTTPS and the shop port from anywhere, SSH from the Cyber public subnet', [
      tcp(HTTP_PORT, anywhere, 'HTTP from anywhere'),
      tcp(HTTPS_PORT, anywhere, 'HTTPS from anywhere'),
      // Exactly what the shop's compose file publishes (Rocket eCommerce: 5085, its nginx), never a guess.
      ...shopPublicPorts(config)
        .filter((port) => port !== HTTP_PORT && port !== HTTPS_PORT)
        .map((port) => tcp(port, anywhere, `Shop (Rocket eCommerce) port ${port} from anywhere`)),
      tcp(SSH_PORT, cyberPublic, 'SSH from the Cyber public subnet (bastion)'),
      icmp(cyberVpc, 'Ping from the Cyber VPC'),
    ]),
    group(config, 'rds', 'mvp', 'RDS MariaDB: 3306 only from the web security group', [
      tcp(MARIADB_PORT, { kind: 'group', group: 'web' }, `MariaDB from ${securityGroupName(config.suffix, 'web')}`),
    ]),
    group(
      config,
      'cyber',
      'cyber',
      'Cyber team hosts (GitLab, Monitoring): admin access from the admin CIDR, SSH and ping inside the Cyber VPC',
      [
        ...(admin
          ? [
              tcp(SSH_PORT, admin, 'SSH from the admin CIDR'),
              tcp(HTTP_PORT, admin, 'HTTP (GitLab) from the admin CIDR'),
              tcp(HTTPS_PORT, admin, 'HTTPS (GitLab) from the admin CIDR'),
            ]
          : []),
        // Uptime Kuma's 3001: no rule. The Monitoring host has no public address (nothing from the admin
        // CIDR is ever routed to it), Kuma is published on the host's loopback only, and the operator and
        // the runbook reach it through an SSH tunnel to the host's own localhost, which crosses no security
        // group. A rule would only open GitLab's 3001 (the group's other member) for nothing.
        // GitLab's HTTP for Uptime Kuma's monitor (http://<gitlab private ip>/users/sign_in), from the
        // Monitoring host's subnet only; Kuma watches HTTP, so HTTPS stays admin-only.
        tcp(HTTP_PORT, monitoring, 'HTTP (GitLab) from the Cyber private subnet (Uptime Kuma)'),
        tcp(SSH_PORT, cyberVpc, 'SSH from inside the Cyber VPC'),
        icmp(cyberVpc, 'Ping from inside the Cyber VPC'),
      ],
      admin ? [] : [ADMIN_CIDR_MISSING],
    ),
    group(config, 'ia', 'ia', 'IA workstations: SSH from the Cyber public subnet, ping from the Cyber VPC', [
      tcp(SSH_PORT, cyberPublic, 'SSH from the Cyber public subnet (bastion)'),
      icmp(cyberVpc, 'Ping from the Cyber VPC'),
    ]),
  ];
}

export function securityGroupDesign(config: Config, key: SecurityGroupKey): SecurityGroupDesign {
  const design = securityGroupRules(config).find((g) => g.key === key);
  if (!design) throw new Error(`no security group ${key} in the design`);
  return design;
}
