import type { Config } from '../config/schema.js';
import type { Step } from '../engine/types.js';
import { amiStep } from './compute/ami-step.js';
import { instanceStep } from './compute/instance-step.js';
import { keyPairStep } from './compute/key-pair-step.js';
import { elasticIpAssociationStep } from './compute/elastic-ip-association-step.js';
import { elasticIpStepIds, hasElasticIp, instanceSpecs, type ElasticIpHost, type InstanceSpec } from './compute/names.js';
import { formatMonthlyOrUnknown, publicIpv4Monthly } from './costs.js';
import { eipStep } from './nat/eip-step.js';

export { COMPUTE_STEP_IDS, ELASTIC_IP_HOSTS, SECURITY_GROUP_STEP_IDS, elasticIpStepIds, instanceSpecs, keyPairName, type InstanceKey, type InstanceSpec } from './compute/names.js';
export { CANONICAL_OWNER_ID, UBUNTU_IMAGE } from './compute/ubuntu-image.js';
export { PublicKeyFileError, parsePublicKey, readOperatorPublicKey, type OperatorPublicKey } from './compute/public-key.js';

/**
 * The compute section: the key pair, the Ubuntu image lookup and the five instances (docs/design.md#compute).
 *
 * | step id             | needs                                                                | outputs |
 * | ------------------- | -------------------------------------------------------------------- | ------- |
 * | compute.key-pair    | —                                                                    | keyName, keyPairId |
 * | compute.ami         | — (read-only lookup, no destroy)                                     | imageId, name, creationDate, rootDeviceName, rootVolumeSizeGb |
 * | compute.ecommerce   | ami, key-pair, network.mvp.subnet-public, security.web               | instanceId, privateIp, publicIp, availabilityZone |
 * | compute.wordpress   | ami, key-pair, network.mvp.subnet-public, security.web               | same |
 * | compute.gitlab      | ami, key-pair, network.cyber.subnet-public, security.cyber           | same (the SSH bastion) |
 * | compute.monitoring  | ami, key-pair, network.cyber.subnet-private-1, security.cyber        | instanceId, privateIp, availabilityZone |
 * | compute.ia          | ami, key-pair, network.ia.subnet-private-1, security.ia              | instanceId, privateIp, availabilityZone |
 * | compute.<public host>.eip             | —                                                  | allocationId, publicIp |
 * | compute.<public host>.eip-association | compute.<host>.eip, compute.<host>                 | associationId, publicIp (the host's address) |
 *
 * Names (S = config.suffix): KeyVM-S, VM-Ecommerce-S, VM-WordPress-S, VMCyber-Gitlab-S,
 * VMCyber-Monitoring-S, VMIA-Workstation-S. Types from config.instances. Every instance: IMDSv2
 * required, encrypted gp3 root volume, tags on the instance and its volume, a ClientToken series
 * (instance-launch.ts). The addresses in the outputs are never connected to by these steps (an
 * emulator invents them); the hosts section reaches the hosts through the GitLab bastion.
 */
export function computeSteps(config: Config): Step[] {
  return [
    keyPairStep(config),
    amiStep(instanceSpecs(config).map((spec) => spec.id)),
    ...instanceSpecs(config).flatMap((spec) => [instanceStep(config, spec), ...(hasElasticIp(spec.key) ? elasticIpSteps(config, { ...spec, key: spec.key }) : [])]),
  ];
}

/** A public host's Elastic IP (allocated, tagged) and its association with the instance. */
function elasticIpSteps(config: Config, spec: InstanceSpec & { key: ElasticIpHost }): Step[] {
  const ids = elasticIpStepIds(spec.key);
  const label = spec.name.replace(new RegExp(`-${config.suffix}$`), '').replace(/^VM(Cyber)?-/, '');
  return [
    eipStep({
      id: ids.address,
      name: `EIP-${label}-${config.suffix}`,
      placeholder: `$${spec.key.toUpperCase()}_EIP_ALLOCATION_ID`,
      section: 'compute',
      purpose: `for ${spec.name}`,
      instanceStepId: spec.id,
      notes: [
        `Cost: ${formatMonthlyOrUnknown(publicIpv4Monthly(config.region), config.region)}, as every public IPv4 address; it replaces the address the instance got at launch (released when this one is associated), so the host's public address costs the same and no longer changes.`,
      ],
    }),
    elasticIpAssociationStep(spec),
  ];
}
