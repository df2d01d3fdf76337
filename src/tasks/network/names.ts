import type { VpcKey } from '../../config/schema.js';

/** How each VPC is spelled in Name tags (seed style: VPC-IA-BFHK, RouteIAPub-BFHK). */
export const VPC_LABELS: Record<VpcKey, string> = { mvp: 'MVP', ia: 'IA', cyber: 'Cyber' };

/** Step ids of one VPC's base network: `network.<vpc>.<part>`. Names are a contract (state, --only). */
export function networkStepIds(vpc: VpcKey) {
  const prefix = `network.${vpc}`;
  return {
    vpc: `${prefix}.vpc`,
    subnetPublic: `${prefix}.subnet-public`,
    /** n = 1, 2, ... in the order of config.network.<vpc>.private */
    subnetPrivate: (n: number) => `${prefix}.subnet-private-${n}`,
    igw: `${prefix}.igw`,
    igwAttachment: `${prefix}.igw-attachment`,
    rtPublic: `${prefix}.rt-public`,
    routePublicDefault: `${prefix}.route-public-default`,
    rtPublicAssoc: `${prefix}.rt-public-assoc`,
    rtPrivate: `${prefix}.rt-private`,
    /** 0.0.0.0/0 → NAT gateway in the private table: only when a NAT target is given (IA, Cyber). */
    routePrivateDefault: `${prefix}.route-private-default`,
    rtPrivateAssoc: (n: number) => `${prefix}.rt-private-assoc-${n}`,
  };
}

export type NetworkStepIds = ReturnType<typeof networkStepIds>;

/** Seed-style Name tags, S = config.suffix. */
export function networkNames(suffix: string, vpc: VpcKey) {
  const label = VPC_LABELS[vpc];
  return {
    vpc: `VPC-${label}-${suffix}`,
    subnetPublic: `Subnet-${label}-Public-${suffix}`,
    subnetPrivate: (n: number) => `Subnet-${label}-Private${n}-${suffix}`,
    igw: `IGW-${label}-${suffix}`,
    rtPublic: `Route${label}Pub-${suffix}`,
    rtPrivate: `Route${label}Priv-${suffix}`,
  };
}

/** Shell variables the previews use where an id is not known yet ($MVP_VPC_ID, ...). */
export function networkPlaceholders(vpc: VpcKey) {
  const p = `$${vpc.toUpperCase()}`;
  return {
    vpcId: `${p}_VPC_ID`,
    subnetPublicId: `${p}_SUBNET_PUBLIC_ID`,
    subnetPrivateId: (n: number) => `${p}_SUBNET_PRIVATE${n}_ID`,
    igwId: `${p}_IGW_ID`,
    rtPublicId: `${p}_RT_PUBLIC_ID`,
    rtPrivateId: `${p}_RT_PRIVATE_ID`,
  };
}

/** `$MVP_VPC_ID` → `MVP_VPC_ID`, for `VAR=$(aws ...)` lines. */
export function shellVariable(placeholder: string): string {
  return placeholder.replace(/^\$/, '');
}
