import type { Config, VpcKey } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import { associationStep } from './network/association-step.js';
import { defaultRouteStep, type RouteTarget } from './network/default-route-step.js';
import { igwAttachmentStep } from './network/igw-attachment-step.js';
import { internetGatewayStep } from './network/internet-gateway-step.js';
import { networkNames, networkPlaceholders, networkStepIds } from './network/names.js';
import { routeTableStep } from './network/route-table-step.js';
import { seedNotes } from './network/seed-notes.js';
import { subnetStep } from './network/subnet-step.js';
import { vpcStep } from './network/vpc-step.js';

export { networkNames, networkPlaceholders, networkStepIds, VPC_LABELS } from './network/names.js';
export { defaultRouteStep, type RouteTarget } from './network/default-route-step.js';

/**
 * The base network of one VPC, one step per resource or relation (section `network`).
 * Step ids (`<v>` = mvp | ia | cyber, `<n>` = 1.. in the order of config.network.<v>.private) and
 * the outputs later steps consume:
 *
 * | step id                              | outputs                                          |
 * | ------------------------------------ | ------------------------------------------------ |
 * | network.<v>.vpc                      | vpcId                                            |
 * | network.<v>.subnet-public            | subnetId, availabilityZone                       |
 * | network.<v>.subnet-private-<n>       | subnetId, availabilityZone                       |
 * | network.<v>.igw                      | internetGatewayId                                |
 * | network.<v>.igw-attachment           | internetGatewayId, vpcId                         |
 * | network.<v>.rt-public                | routeTableId                                     |
 * | network.<v>.route-public-default     | routeTableId, destinationCidrBlock, targetId     |
 * | network.<v>.rt-public-assoc          | associationId, routeTableId, subnetId            |
 * | network.<v>.rt-private               | routeTableId                                     |
 * | network.<v>.route-private-default    | routeTableId, destinationCidrBlock, targetId (only with `privateDefaultRoute`) |
 * | network.<v>.rt-private-assoc-<n>     | associationId, routeTableId, subnetId            |
 *
 * Names (S = config.suffix): VPC-MVP-S, Subnet-MVP-Public-S, Subnet-MVP-Private1-S, IGW-MVP-S,
 * RouteMVPPub-S, RouteMVPPriv-S (IA and Cyber alike).
 */
export interface VpcNetworkOptions {
  /**
   * The private table's default route, e.g. a NAT gateway for IA and Cyber:
   * `{ kind: 'nat-gateway', stepId: 'network.ia.nat-gateway', outputKey: 'natGatewayId', ... }`.
   * Without it (the MVP) the private subnets have no route to the internet.
   */
  privateDefaultRoute?: RouteTarget;
}

export function vpcNetworkSteps(config: Config, vpc: VpcKey, options: VpcNetworkOptions = {}): Step[] {
  const net = config.network[vpc];
  const ids = networkStepIds(vpc);
  const names = networkNames(config.suffix, vpc);
  const ph = networkPlaceholders(vpc);
  const notes = seedNotes(vpc);
  const privates = net.private.map((subnet, index) => ({ subnet, n: index + 1 }));

  const steps: Step[] = [
    vpcStep({ id: ids.vpc, name: names.vpc, cidr: net.cidr, placeholder: ph.vpcId, notes: notes.vpc }),
    subnetStep({
      id: ids.subnetPublic,
      vpcStepId: ids.vpc,
      name: names.subnetPublic,
      cidr: net.public.cidr,
      az: net.public.az,
      public: true,
      placeholder: ph.subnetPublicId,
      vpcPlaceholder: ph.vpcId,
      notes: notes.subnetPublic,
    }),
    ...privates.map(({ subnet, n }) =>
      subnetStep({
        id: ids.subnetPrivate(n),
        vpcStepId: ids.vpc,
        name: names.subnetPrivate(n),
        cidr: subnet.cidr,
        az: subnet.az,
        public: false,
        placeholder: ph.subnetPrivateId(n),
        vpcPlaceholder: ph.vpcId,
        notes: notes.subnetPrivate(n, `${config.region}${subnet.az}`),
      }),
    ),
    internetGatewayStep({ id: ids.igw, name: names.igw, placeholder: ph.igwId, notes: notes.igw }),
    igwAttachmentStep({
      id: ids.igwAttachment,
      igwStepId: ids.igw,
      vpcStepId: ids.vpc,
      igwName: names.igw,
      vpcName: names.vpc,
      igwPlaceholder: ph.igwId,
      vpcPlaceholder: ph.vpcId,
    }),
    routeTableStep({
      id: ids.rtPublic,
      vpcStepId: ids.vpc,
      name: names.rtPublic,
      role: 'public',
      placeholder: ph.rtPublicId,
      vpcPlaceholder: ph.vpcId,
      notes: notes.rtPublic,
    }),
    defaultRouteStep({
      id: ids.routePublicDefault,
      routeTableStepId: ids.rtPublic,
      routeTableName: names.rtPublic,
      routeTablePlaceholder: ph.rtPublicId,
      target: { kind: 'internet-gateway', stepId: ids.igw, outputKey: 'internetGatewayId', placeholder: ph.igwId, label: names.igw },
      // AWS refuses a route to a gateway that is not attached to the table's VPC.
      extraNeeds: [ids.igwAttachment],
      notes: notes.routePublicDefault,
    }),
    associationStep({
      id: ids.rtPublicAssoc,
      routeTableStepId: ids.rtPublic,
      subnetStepId: ids.subnetPublic,
      routeTableName: names.rtPublic,
      subnetName: names.subnetPublic,
      routeTablePlaceholder: ph.rtPublicId,
      subnetPlaceholder: ph.subnetPublicId,
      notes: notes.rtPublicAssoc,
    }),
    routeTableStep({
      id: ids.rtPrivate,
      vpcStepId: ids.vpc,
      name: names.rtPrivate,
      role: 'private',
      placeholder: ph.rtPrivateId,
      vpcPlaceholder: ph.vpcId,
      notes: notes.rtPrivate,
    }),
    ...(options.privateDefaultRoute
      ? [
          defaultRouteStep({
            id: ids.routePrivateDefault,
            routeTableStepId: ids.rtPrivate,
            routeTableName: names.rtPrivate,
            routeTablePlaceholder: ph.rtPrivateId,
            target: options.privateDefaultRoute,
          }),
        ]
      : []),
    ...privates.map(({ n }) =>
      associationStep({
        id: ids.rtPrivateAssoc(n),
        routeTableStepId: ids.rtPrivate,
        subnetStepId: ids.subnetPrivate(n),
        routeTableName: names.rtPrivate,
        subnetName: names.subnetPrivate(n),
        routeTablePlaceholder: ph.rtPrivateId,
        subnetPlaceholder: ph.subnetPrivateId(n),
        notes: notes.rtPrivateAssoc(n),
      }),
    ),
  ];
  return steps;
}
