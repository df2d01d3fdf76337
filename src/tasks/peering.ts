import type { Config, VpcKey } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import { networkNames, networkPlaceholders, networkStepIds } from './network/names.js';
import { connectionStep } from './peering/connection-step.js';
import { PEER_VPCS, peeringName, peeringPlaceholder, peeringStepIds, TABLE_ROLES, type PeerVpc, type TableRole } from './peering/names.js';
import { peeringRouteStep } from './peering/route-step.js';
import { CONNECTION_NOTES, routeNotes } from './peering/seed-notes.js';

export { PEER_VPCS, peeringName, peeringPlaceholder, peeringStepIds, type PeerVpc, type TableRole } from './peering/names.js';

/**
 * The `peering` section: Cyber↔MVP and Cyber↔IA (requester Cyber, accepted, active), and the peer
 * CIDR routed in every route table on both sides. No MVP↔IA route: peering is not transitive.
 *
 * | step id                                 | needs                                         | outputs                                              |
 * | --------------------------------------- | --------------------------------------------- | ---------------------------------------------------- |
 * | peering.cyber-<p>                       | network.cyber.vpc, network.<p>.vpc            | vpcPeeringConnectionId                               |
 * | peering.route.cyber-<role>-to-<p>       | network.cyber.rt-<role>, peering.cyber-<p>    | routeTableId, destinationCidrBlock, vpcPeeringConnectionId |
 * | peering.route.<p>-<role>-to-cyber       | network.<p>.rt-<role>, peering.cyber-<p>      | (same)                                               |
 *
 * `<p>` = mvp | ia, `<role>` = public | private.
 */
export function peeringSteps(config: Config): Step[] {
  const connections = PEER_VPCS.map((peer) => connection(config, peer));
  const routes = PEER_VPCS.flatMap((peer) => {
    const sides: [VpcKey, VpcKey][] = [
      ['cyber', peer],
      [peer, 'cyber'],
    ];
    return sides.flatMap(([from, to]) => TABLE_ROLES.map((role) => route(config, peer, from, role, to)));
  });
  return [...connections, ...routes];
}

function connection(config: Config, peer: PeerVpc): Step {
  return connectionStep({
    id: peeringStepIds.connection(peer),
    name: peeringName(config.suffix, peer),
    requesterVpcStepId: networkStepIds('cyber').vpc,
    accepterVpcStepId: networkStepIds(peer).vpc,
    requesterName: networkNames(config.suffix, 'cyber').vpc,
    accepterName: networkNames(config.suffix, peer).vpc,
    placeholder: peeringPlaceholder(peer),
    requesterPlaceholder: networkPlaceholders('cyber').vpcId,
    accepterPlaceholder: networkPlaceholders(peer).vpcId,
    notes: CONNECTION_NOTES,
  });
}

/** The route in `from`'s `role` table to `to`'s CIDR, through the Cyber↔`peer` peering. */
function route(config: Config, peer: PeerVpc, from: VpcKey, role: TableRole, to: VpcKey): Step {
  const table = networkStepIds(from);
  const names = networkNames(config.suffix, from);
  const placeholders = networkPlaceholders(from);
  return peeringRouteStep({
    id: peeringStepIds.route(from, role, to),
    routeTableStepId: role === 'public' ? table.rtPublic : table.rtPrivate,
    routeTableName: role === 'public' ? names.rtPublic : names.rtPrivate,
    routeTablePlaceholder: role === 'public' ? placeholders.rtPublicId : placeholders.rtPrivateId,
    destination: config.network[to].cidr,
    peeringStepId: peeringStepIds.connection(peer),
    peeringName: peeringName(config.suffix, peer),
    peeringPlaceholder: peeringPlaceholder(peer),
    notes: routeNotes(from, to),
  });
}
