import type { Config } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import type { RouteTarget } from './network/default-route-step.js';
import { networkPlaceholders, networkStepIds } from './network/names.js';
import { eipStep } from './nat/eip-step.js';
import { natNames, natPlaceholders, natStepIds, type NatVpc } from './nat/names.js';
import { natGatewayStep } from './nat/nat-gateway-step.js';
import { natSeedNotes } from './nat/seed-notes.js';

export { natNames, natPlaceholders, natStepIds, type NatVpc } from './nat/names.js';

/**
 * The Elastic IP and NAT gateway of the IA or Cyber VPC (section `network`; the MVP has none):
 *
 * | step id                  | needs                                                                   | outputs                 |
 * | ------------------------ | ----------------------------------------------------------------------- | ----------------------- |
 * | network.<v>.nat-eip      | —                                                                       | allocationId, publicIp  |
 * | network.<v>.nat-gateway  | network.<v>.subnet-public, network.<v>.nat-eip, network.<v>.igw-attachment | natGatewayId         |
 *
 * Teardown runs in reverse needs: the NAT gateway is deleted (and waited for) before its address is
 * released. The private table's 0.0.0.0/0 → NAT route is a network step fed by `natRouteTarget`.
 */
export function natSteps(config: Config, vpc: NatVpc): Step[] {
  const ids = natStepIds(vpc);
  const net = networkStepIds(vpc);
  const names = natNames(config.suffix, vpc);
  const ph = natPlaceholders(vpc);
  const notes = natSeedNotes(vpc);
  return [
    eipStep({ id: ids.eip, name: names.eip, placeholder: ph.allocationId, notes: notes.eip }),
    natGatewayStep({
      id: ids.natGateway,
      eipStepId: ids.eip,
      subnetStepId: net.subnetPublic,
      igwAttachmentStepId: net.igwAttachment,
      name: names.natGateway,
      placeholder: ph.natGatewayId,
      subnetPlaceholder: networkPlaceholders(vpc).subnetPublicId,
      allocationPlaceholder: ph.allocationId,
      notes: notes.natGateway,
    }),
  ];
}

/** The private default route's target: `vpcNetworkSteps(config, 'ia', { privateDefaultRoute: natRouteTarget(config, 'ia') })`. */
export function natRouteTarget(config: Config, vpc: NatVpc): RouteTarget {
  return {
    kind: 'nat-gateway',
    stepId: natStepIds(vpc).natGateway,
    outputKey: 'natGatewayId',
    placeholder: natPlaceholders(vpc).natGatewayId,
    label: natNames(config.suffix, vpc).natGateway,
  };
}
