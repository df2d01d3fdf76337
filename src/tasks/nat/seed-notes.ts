import type { NatVpc } from './names.js';

/** Where the seed runbook (Partie 2 §4) slipped for the Elastic IPs and NAT gateways; shown in the previews. */
export interface NatSeedNotes {
  eip: string[];
  natGateway: string[];
}

interface SeedIds {
  allocationId: string;
  subnetId: string;
  natGatewayId: string;
  privateRoute: string;
}

const SEED: Record<NatVpc, SeedIds> = {
  ia: {
    allocationId: 'eipalloc-06b4437d4faaec0fd',
    subnetId: 'subnet-0ab919f86f672063b',
    natGatewayId: 'nat-02662faf7b9c89505',
    privateRoute:
      'The runbook\'s "Table Privée IA" adds 0.0.0.0/0 → nat-02662faf7b9c89505 to the PUBLIC table rtb-0c109bc902995016f ' +
      '(and passes the NAT id as --gateway-id); the tool adds 0.0.0.0/0 → this NAT to the private table with --nat-gateway-id (step network.ia.route-private-default).',
  },
  cyber: {
    allocationId: 'eipalloc-0b6342740726e0001',
    subnetId: 'subnet-0ffa006ce9b02033d',
    natGatewayId: 'nat-03f168f72156ff941',
    privateRoute:
      'The runbook passes the NAT id (nat-03f168f72156ff941) to its private route as --gateway-id; the tool uses --nat-gateway-id (step network.cyber.route-private-default).',
  },
};

export function natSeedNotes(vpc: NatVpc): NatSeedNotes {
  const seed = SEED[vpc];
  return {
    eip: [
      `The runbook runs allocate-address once, untagged, then hard-codes two allocation ids; this VPC's is ${seed.allocationId}. ` +
        'Here each NAT gets its own address, tagged in the create call so it is found again if the answer is lost.',
      'A public IPv4 address is billed by the hour whether attached or not ($0.005/h).',
    ],
    natGateway: [
      `The runbook creates it untagged, without a ClientToken, with hard-coded ids (${seed.subnetId}, ${seed.allocationId}) and never waits for it; ` +
        'here it is tagged, sent with a ClientToken (a retried call cannot make a second NAT), and the step waits until it is available (minutes on AWS).',
      seed.privateRoute,
      'Hourly charge only: data processed through the NAT gateway ($0.045/GB) is not included.',
    ],
  };
}
