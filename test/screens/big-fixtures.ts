import type { SectionSummary } from '../../src/app/controller.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { PlannedStep, SectionId } from '../../src/engine/types.js';
import { SECTION_IDS } from '../../src/engine/types.js';
import type { CheckOutcome } from '../../src/tasks/checks/types.js';
import { CHECK_GROUPS } from '../../src/tasks/checks/types.js';

/**
 * A runbook as big as the real one, with text as long as the real one's: what the screens must fit into
 * 80x24 (a section of 40 steps with notes of several lines, 70 checks, 16 steps at work at once).
 */
const TITLES: Record<SectionId, string> = {
  network: 'Network',
  peering: 'Peering',
  security: 'Security groups',
  database: 'Database',
  storage: 'Storage',
  compute: 'Compute',
  hosts: 'Hosts',
  backup: 'Backups',
};

export function bigStepId(section: SectionId, i: number): string {
  return `${section}.step-${String(i).padStart(2, '0')}`;
}

export function bigSections(count = 40): SectionSummary[] {
  return SECTION_IDS.map((id) => ({
    id,
    title: TITLES[id],
    description: `${TITLES[id]} of the runbook`,
    stepIds: Array.from({ length: count }, (_, i) => bigStepId(id, i)),
    recorded: 'not-started' as const,
    available: true,
  }));
}

const LONG_NOTE =
  'The runbook creates this resource untagged, hard-codes its id (vpc-02b34098f121dd272) in every later command and never waits for it to be available; the tool tags it in the create call, passes the real id along and waits until AWS says it is ready.';

export function bigPlan(section: SectionId, count = 40): PlannedStep[] {
  return Array.from({ length: count }, (_, i) => ({
    stepId: bigStepId(section, i),
    section,
    title: `Route ${i} 0.0.0.0/0 → NAT-Cyber-BFHK in RouteCyberPriv-BFHK, associated with Subnet-Cyber-Private${i}-BFHK`,
    ...(section === 'hosts' ? { host: (['gitlab', 'ecommerce', 'wordpress', 'monitoring', 'ia'] as const)[i % 5] } : {}),
    action: i % 7 === 3 ? ('adopt' as const) : ('create' as const),
    preview: {
      summary: `Create route ${i} 0.0.0.0/0 → NAT-Cyber-BFHK in RouteCyberPriv-BFHK (table rtb-0c109bc902995016f, gateway nat-03f168f72156ff941)`,
      cli: [
        `aws ec2 create-route --route-table-id $CYBER_RT_PRIVATE_ID --destination-cidr-block 0.0.0.0/0 --nat-gateway-id $CYBER_NAT_ID --tag-specifications 'ResourceType=route,Tags=[{Key=Name,Value=R${i}}]'`,
        'aws ec2 describe-route-tables --route-table-ids $CYBER_RT_PRIVATE_ID --query RouteTables[0].Routes',
      ],
      notes: i % 3 === 0 ? [LONG_NOTE, LONG_NOTE, `Step ${i}: ${LONG_NOTE}`] : [LONG_NOTE],
      ...(i % 5 === 0 ? { monthlyCostUsd: 32.85 + i } : {}),
    },
  }));
}

/** 70 checks over the groups; some fail or warn with long evidence, details and fixes. */
export function bigChecks(count = 70): CheckOutcome[] {
  return Array.from({ length: count }, (_, i) => {
    const status = i % 17 === 5 ? 'fail' : i % 13 === 7 ? 'warn' : 'pass';
    return {
      id: `check.${String(i).padStart(2, '0')}`,
      group: CHECK_GROUPS[Math.floor((i * CHECK_GROUPS.length) / count)] ?? 'network',
      title: `Check ${i}: route table RouteCyberPriv-BFHK: 0.0.0.0/0 → NAT, 10.1.0.0/16 → Peering-Cyber-MVP-BFHK, 10.2.0.0/16 → Peering-Cyber-IA-BFHK`,
      required: i % 9 !== 4,
      status,
      evidence: `evidence ${i}: ${LONG_NOTE}`,
      details: i % 4 === 0 ? Array.from({ length: 12 }, (_, d) => `detail ${d} of check ${i}: ${LONG_NOTE.slice(0, 90)}`) : undefined,
      hint: status === 'pass' ? undefined : `run \`aws-runbook up --only network\`, or: aws ec2 create-route --route-table-id rtb-${i} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-${i}`,
      elapsedMs: 3,
    } satisfies CheckOutcome;
  });
}

/** Events of a run of `plan`: `finished` steps done (with long ids), then `running` at work, streaming remote output. */
export function bigRunEvents(plan: readonly PlannedStep[], finished: number, running: number): EngineEvent[] {
  const events: EngineEvent[] = plan.map((step) => ({ type: 'step-planned' as const, step }));
  plan.slice(0, finished).forEach((step, i) => {
    events.push({ type: 'step-started', stepId: step.stepId, action: 'create', at: i });
    events.push({
      type: 'step-done',
      stepId: step.stepId,
      action: 'create',
      outputs: { associationId: `rtbassoc-${i}ad75eb2ce7cb3169b`, routeTableId: 'rtb-9bf9f812635b0dd70', subnetId: `subnet-${i}ca69b4f83f32bb914`, natGatewayId: 'nat-03f168f72156ff941' },
      at: i + 1,
    });
  });
  plan.slice(finished, finished + running).forEach((step, i) => {
    events.push({ type: 'step-started', stepId: step.stepId, action: 'create', at: 100 + i });
    for (const line of ['Reading package lists...', 'Unpacking docker.io (24.0.7-0ubuntu4.1) over (24.0.7-0ubuntu4) and a long line that goes on', 'Setting up docker.io'])
      events.push({ type: 'step-progress', stepId: step.stepId, message: line, at: 101 + i });
  });
  return events;
}
