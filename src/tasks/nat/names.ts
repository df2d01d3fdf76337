import type { VpcKey } from '../../config/schema.js';
import { VPC_LABELS } from '../network/names.js';

/** The VPCs that get an Elastic IP and a NAT gateway (docs/design.md#network): not the MVP. */
export type NatVpc = Extract<VpcKey, 'ia' | 'cyber'>;

/** Step ids, in the `network` section next to the VPC's other steps. Names are a contract. */
export function natStepIds(vpc: NatVpc) {
  return { eip: `network.${vpc}.nat-eip`, natGateway: `network.${vpc}.nat-gateway` };
}

/** Seed-style Name tags (S = config.suffix): EIP-NAT-IA-S, NAT-IA-S. */
export function natNames(suffix: string, vpc: NatVpc) {
  const label = VPC_LABELS[vpc];
  return { eip: `EIP-NAT-${label}-${suffix}`, natGateway: `NAT-${label}-${suffix}` };
}

/** Shell variables for ids not known yet: $IA_EIP_ALLOCATION_ID, $IA_NAT_ID. */
export function natPlaceholders(vpc: NatVpc) {
  const p = `$${vpc.toUpperCase()}`;
  return { allocationId: `${p}_EIP_ALLOCATION_ID`, natGatewayId: `${p}_NAT_ID` };
}
