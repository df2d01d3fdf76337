import type { ClassifiedError } from '../../src/errors/error-kinds.js';
import type { SectionSummary } from '../../src/app/controller.js';
import type { PlannedStep } from '../../src/engine/types.js';

export const SECTIONS: SectionSummary[] = [
  {
    id: 'network',
    title: 'Network',
    description: 'VPCs, subnets, gateways',
    stepIds: ['network.mvp.vpc', 'network.mvp.igw'],
    recorded: 'not-started',
    available: true,
  },
  {
    id: 'peering',
    title: 'Peering',
    description: 'Cyber to MVP and IA',
    stepIds: ['peering.cyber-mvp'],
    recorded: 'not-started',
    available: true,
  },
  { id: 'hosts', title: 'Hosts', description: 'over SSH', stepIds: [], recorded: 'not-started', available: false },
];

export const NETWORK_PLAN: PlannedStep[] = [
  {
    stepId: 'network.mvp.vpc',
    section: 'network',
    title: 'MVP VPC',
    action: 'create',
    preview: {
      summary: 'VPC-MVP-BFHK 10.1.0.0/16, DNS hostnames on',
      cli: ['aws ec2 create-vpc --cidr-block 10.1.0.0/16'],
      notes: ['the runbook forgets DNS hostnames'],
    },
  },
  {
    stepId: 'network.mvp.igw',
    section: 'network',
    title: 'MVP internet gateway',
    action: 'adopt',
    preview: {
      summary: 'IGW-MVP-BFHK attached to the MVP VPC',
      cli: ['aws ec2 create-internet-gateway', 'aws ec2 attach-internet-gateway --vpc-id $VPC_ID'],
    },
  },
];

export const PEERING_PLAN: PlannedStep[] = [
  {
    stepId: 'peering.cyber-mvp',
    section: 'peering',
    title: 'Cyber to MVP peering',
    action: 'create',
    preview: {
      summary: 'pcx Cyber to MVP, accepted',
      cli: ['aws ec2 create-vpc-peering-connection'],
      monthlyCostUsd: 32.85,
    },
  },
];

export const NAT_PLAN_WITH_COST: PlannedStep[] = [
  { ...NETWORK_PLAN[0]!, preview: { ...NETWORK_PLAN[0]!.preview, monthlyCostUsd: 10 } },
  { ...NETWORK_PLAN[1]!, action: 'create', preview: { ...NETWORK_PLAN[1]!.preview, monthlyCostUsd: 22.85 } },
];

export const THROTTLED: ClassifiedError = {
  kind: 'throttled',
  code: 'RequestLimitExceeded',
  message: 'Request limit exceeded.',
  hint: 'wait a minute, then retry',
  retryable: true,
};
