import type { VpcKey } from '../../config/schema.js';

/** Where the seed runbook (Partie 1 §1, Partie 2) slipped, per step part; shown in the previews. */
export interface SeedNotes {
  vpc: string[];
  subnetPublic: string[];
  subnetPrivate: (n: number, zone: string) => string[];
  igw: string[];
  rtPublic: string[];
  routePublicDefault: string[];
  rtPublicAssoc: string[];
  rtPrivate: string[];
  rtPrivateAssoc: (n: number) => string[];
}

const TAGGED = 'Tagged in the create call (Name, aws-runbook:project, aws-runbook:step), so it is found again even if the answer is lost.';

const MVP: SeedNotes = {
  vpc: [
    'The runbook creates this VPC without any tag and then hard-codes its id (vpc-02b34098f121dd272) in every later command; the tool passes the real id along.',
    'DNS hostnames are turned on (the runbook leaves them off), so instances get DNS names.',
    TAGGED,
  ],
  subnetPublic: [
    'The runbook creates this subnet untagged and without auto-assigned public IPv4; here instances launched in it get one.',
  ],
  subnetPrivate: (n, zone) =>
    n === 1
      ? ['The runbook creates this subnet (10.1.2.0/24, us-east-2b) untagged and refers to it as subnet-0e6601b928cbf6996.']
      : [
          `Not in the runbook: its RDS subnet group mixes the public subnet (subnet-05e8caac9f82d6e34) with the private one; the MVP gets this second private subnet in ${zone} instead, so the database stays private across two AZs.`,
        ],
  igw: ['The runbook creates this gateway untagged and hard-codes its id (igw-0a1efe59caa7ac25b).'],
  rtPublic: [
    'The runbook\'s line is garbled ("aws ec2 create-route aws ec2 create-route-table --vpc-id vpc-02b34098f121dd272"): this is the create-route-table it meant, tagged and named.',
  ],
  routePublicDefault: ['The runbook hard-codes rtb-09d0bf2e568cca802 and igw-0a1efe59caa7ac25b here.'],
  rtPublicAssoc: ['The runbook hard-codes rtb-09d0bf2e568cca802 and subnet-05e8caac9f82d6e34 here.'],
  rtPrivate: [
    'No route to the internet: the MVP private subnets (the database) stay without internet access. The runbook leaves this table (rtb-006fc7197f7b28952) untagged.',
  ],
  rtPrivateAssoc: (n) =>
    n === 1 ? ['The runbook hard-codes rtb-006fc7197f7b28952 and subnet-0e6601b928cbf6996 here.'] : ['Not in the runbook (see the second private subnet).'],
};

function teamNotes(label: string, vpcId: string, publicTable: string, privateNote: string): SeedNotes {
  return {
    vpc: [`The runbook names this VPC but hard-codes its id (${vpcId}) in later commands; the tool passes the real id along.`, TAGGED],
    subnetPublic: [`The runbook never shows how the ${label} subnets are created, only their hard-coded ids.`],
    subnetPrivate: () => [`The runbook never shows how the ${label} subnets are created, only their hard-coded ids.`],
    igw: [`The runbook creates IGW_${label.toUpperCase()}_ID untagged.`],
    rtPublic: [`The runbook's table is ${publicTable}, hard-coded in its later commands.`],
    routePublicDefault: ['The runbook hard-codes the table and gateway ids here.'],
    rtPublicAssoc: ['The runbook hard-codes the table and subnet ids here.'],
    rtPrivate: [privateNote],
    rtPrivateAssoc: () => ['The runbook hard-codes the table and subnet ids here.'],
  };
}

export function seedNotes(vpc: VpcKey): SeedNotes {
  switch (vpc) {
    case 'mvp':
      return MVP;
    case 'ia':
      return teamNotes(
        'IA',
        'vpc-08c58a7ebc10f4aeb',
        'rtb-0c109bc902995016f',
        'The runbook\'s "Table Privée IA" writes its 0.0.0.0/0 → NAT route into the public table rtb-0c109bc902995016f; here that route (added with the NAT gateway) goes into this private table.',
      );
    case 'cyber':
      return teamNotes(
        'Cyber',
        'vpc-08babe0c09d5cad59',
        'rtb-091ef9535e0787457',
        'The 0.0.0.0/0 → NAT route of this table is added with the NAT gateway.',
      );
  }
}
