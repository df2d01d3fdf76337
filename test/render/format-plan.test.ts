import { describe, expect, it } from 'vitest';
import { formatPlan, formatStatus } from '../../src/render/format-plan.js';
import type { SectionSummary } from '../../src/app/controller.js';
import type { PlannedStep } from '../../src/engine/types.js';

const STEPS: PlannedStep[] = [
  {
    stepId: 'network.mvp.vpc',
    section: 'network',
    title: 'MVP VPC',
    action: 'create',
    preview: {
      summary: 'VPC-MVP-BFHK 10.1.0.0/16, DNS hostnames on',
      cli: ['aws ec2 create-vpc --cidr-block 10.1.0.0/16', 'aws ec2 modify-vpc-attribute --vpc-id $VPC_ID --enable-dns-hostnames'],
      notes: ['the seed leaves DNS hostnames off'],
    },
  },
  {
    stepId: 'network.ia.nat',
    section: 'network',
    title: 'IA NAT gateway',
    action: 'create',
    preview: { summary: 'NAT-IA-BFHK in 10.2.1.0/24', cli: ['aws ec2 create-nat-gateway --subnet-id $SUBNET_ID'], monthlyCostUsd: 32.85 },
  },
  {
    stepId: 'network.cyber.nat',
    section: 'network',
    title: 'Cyber NAT gateway',
    action: 'no-change',
    preview: { summary: 'NAT-CYBER-BFHK nat-0aa', cli: [], monthlyCostUsd: 32.85 },
  },
  {
    stepId: 'peering.cyber-mvp',
    section: 'peering',
    title: 'Cyber to MVP peering',
    action: 'conflict',
    reason: 'pcx-9 joins the Cyber VPC to 10.8.0.0/16',
    preview: { summary: 'pcx Cyber to MVP', cli: ['aws ec2 create-vpc-peering-connection'] },
  },
  {
    stepId: 'peering.cyber-ia',
    section: 'peering',
    title: 'Cyber to IA peering',
    action: 'adopt',
    preview: { summary: 'pcx Cyber to IA (pending acceptance)', cli: ['aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id pcx-1'] },
  },
];

describe('formatPlan', () => {
  it('groups by section and lists action, summary, CLI, notes and cost, then totals', () => {
    expect(formatPlan(STEPS, { color: false }).split('\n')).toEqual([
      'network (3 steps)',
      '  create     network.mvp.vpc — MVP VPC',
      '      VPC-MVP-BFHK 10.1.0.0/16, DNS hostnames on',
      '      $ aws ec2 create-vpc --cidr-block 10.1.0.0/16',
      '      $ aws ec2 modify-vpc-attribute --vpc-id $VPC_ID --enable-dns-hostnames',
      '      note: the seed leaves DNS hostnames off',
      '  create     network.ia.nat — IA NAT gateway',
      '      NAT-IA-BFHK in 10.2.1.0/24',
      '      $ aws ec2 create-nat-gateway --subnet-id $SUBNET_ID',
      '      cost: $32.85/month',
      '  no-change  network.cyber.nat — Cyber NAT gateway',
      '      NAT-CYBER-BFHK nat-0aa',
      '      cost: $32.85/month',
      '',
      'peering (2 steps)',
      '  conflict   peering.cyber-mvp — Cyber to MVP peering',
      '      pcx Cyber to MVP',
      '      conflict: pcx-9 joins the Cyber VPC to 10.8.0.0/16',
      '      $ aws ec2 create-vpc-peering-connection',
      '  adopt      peering.cyber-ia — Cyber to IA peering',
      '      pcx Cyber to IA (pending acceptance)',
      '      $ aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id pcx-1',
      '',
      // Only what is created adds to the bill: the unchanged NAT is already paid for.
      'plan: 2 create, 1 adopt, 1 no-change, 1 conflict; adds $32.85/month',
    ]);
  });

  it('colours only when asked, and says when there is nothing', () => {
    expect(formatPlan(STEPS)).not.toContain('\u001B[');
    const colored = formatPlan(STEPS, { color: true });
    expect(colored).toContain('\u001B[32mcreate');
    expect(colored).toContain('\u001B[31mconflict');
    expect(formatPlan([])).toBe('nothing to plan\n\nplan: 0 create, 0 adopt, 0 no-change, 0 conflict; adds $0.00/month');
  });
});

const SECTIONS: SectionSummary[] = [
  { id: 'network', title: 'Network', description: '', stepIds: ['network.mvp.vpc', 'network.mvp.igw'], recorded: 'failed', available: true },
  { id: 'peering', title: 'Peering', description: '', stepIds: ['peering.cyber-mvp'], recorded: 'not-started', available: true },
  { id: 'hosts', title: 'Hosts', description: '', stepIds: [], recorded: 'not-started', available: false },
];

describe('formatStatus', () => {
  it('lists sections, their steps with ids and errors, and the unfinished run', () => {
    const text = formatStatus({
      sections: SECTIONS,
      steps: [
        { stepId: 'network.mvp.vpc', title: 'MVP VPC', section: 'network', status: 'done', outputs: { vpcId: 'vpc-123' }, at: '2025-01-02T03:04:05Z' },
        { stepId: 'network.mvp.igw', title: 'MVP IGW', section: 'network', status: 'failed', error: 'throttled: Rate exceeded' },
        { stepId: 'peering.cyber-mvp', title: 'Cyber to MVP', section: 'peering', status: 'not started' },
      ],
      resume: {
        command: 'up',
        startedAt: '2025-01-02T03:00:00Z',
        stepId: 'network.mvp.igw',
        stepTitle: 'MVP IGW',
        pendingOperation: 'CreateInternetGateway',
        error: { kind: 'throttled', code: 'Throttling', message: 'Rate exceeded', hint: 'wait, then retry', retryable: true },
        outcome: 'failed',
      },
    });
    expect(text.split('\n')).toEqual([
      'network   ✗ failed       2 steps',
      '  ✓ network.mvp.vpc  MVP VPC  vpcId=vpc-123  (2025-01-02T03:04:05Z)',
      '  ✗ network.mvp.igw  MVP IGW  error: throttled: Rate exceeded',
      'peering   · not started  1 step',
      '  · peering.cyber-mvp  Cyber to MVP  not started',
      'hosts     coming later',
      '',
      'last run: up started 2025-01-02T03:00:00Z — failed at MVP IGW (network.mvp.igw)',
      '  throttled (Throttling): Rate exceeded',
      '  hint: wait, then retry',
      '  pending operation: CreateInternetGateway',
      '  resume with: aws-runbook up',
      '',
      '0/2 sections done; next: aws-runbook up',
    ]);
    expect(text).not.toContain('\u001B[');
  });

  it('suggests verify when every available section is done', () => {
    const done = SECTIONS.map((s) => ({ ...s, recorded: 'done' as const }));
    const text = formatStatus({ sections: done, steps: [] }, { color: true });
    expect(text.split('\n').at(-1)).toBe('2/2 sections done; next: aws-runbook verify');
    expect(text).toContain('\u001B[32m✓ done');
  });
});
