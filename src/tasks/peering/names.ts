import type { VpcKey } from '../../config/schema.js';
import { VPC_LABELS } from '../network/names.js';

/** The two peerings (docs/design.md#peering): requester Cyber, accepter MVP or IA. No MVP↔IA peering. */
export type PeerVpc = Extract<VpcKey, 'mvp' | 'ia'>;
export const PEER_VPCS: readonly PeerVpc[] = ['mvp', 'ia'];

export type TableRole = 'public' | 'private';
export const TABLE_ROLES: readonly TableRole[] = ['public', 'private'];

/** Step ids of the `peering` section. Names are a contract (state, --only). */
export const peeringStepIds = {
  /** `peering.cyber-mvp`, `peering.cyber-ia` */
  connection: (peer: PeerVpc) => `peering.cyber-${peer}`,
  /** `peering.route.cyber-public-to-mvp`, `peering.route.mvp-private-to-cyber`, ... */
  route: (from: VpcKey, role: TableRole, to: VpcKey) => `peering.route.${from}-${role}-to-${to}`,
};

/** Seed Name tags: Peering-Cyber-MVP-S, Peering-Cyber-IA-S. */
export function peeringName(suffix: string, peer: PeerVpc): string {
  return `Peering-Cyber-${VPC_LABELS[peer]}-${suffix}`;
}

/** The seed's own shell variables: $PEERING_MVP_ID, $PEERING_IA_ID. */
export function peeringPlaceholder(peer: PeerVpc): string {
  return `$PEERING_${peer.toUpperCase()}_ID`;
}
