import type { Config } from '../config/schema.js';
import { SECTION_IDS, type Section, type SectionId, type Step } from '../engine/types.js';
import { vpcNetworkSteps } from '../tasks/network.js';
import { natRouteTarget, natSteps } from '../tasks/nat.js';
import { peeringSteps } from '../tasks/peering.js';
import { predictedPingNotes, securitySteps } from '../tasks/security.js';
import { databaseSteps } from '../tasks/database.js';
import { storageSteps } from '../tasks/storage.js';
import { computeSteps } from '../tasks/compute.js';
import { hostSteps } from '../tasks/hosts.js';
import { backupSteps } from '../tasks/backup.js';

interface SectionText {
  title: string;
  description: string;
}

/** The seed runbook's sections, in order (ids: docs/design.md#section-ids; content: docs/design.md#what-gets-built). */
const SECTION_TEXT: Record<SectionId, SectionText> = {
  network: {
    title: 'Network',
    description:
      'The MVP, IA and Cyber VPCs: public and private subnets, internet gateways, NAT gateways for IA and Cyber, route tables (runbook Part 1 §1, Part 2 §1, §3, §4).',
  },
  peering: {
    title: 'Peering',
    description: 'Cyber↔MVP and Cyber↔IA peering with routes in every route table (runbook Part 2 §2).',
  },
  security: {
    title: 'Security groups',
    description: "Web, RDS, Cyber and IA security groups with least-privilege rules; each VPC's default group closed (EC2.2).",
  },
  database: {
    title: 'Database',
    description: 'MariaDB on RDS, Multi-AZ, private, encrypted, password managed by RDS (runbook Part 1 §2).',
  },
  storage: {
    title: 'Storage',
    description: 'The S3 backup bucket: private, encrypted, versioned, with a lifecycle rule (runbook Part 1 §4).',
  },
  compute: {
    title: 'Compute',
    description: 'Key pair and the five EC2 instances on the looked-up Ubuntu LTS image (runbook Part 1 §3, Part 2 §4).',
  },
  hosts: {
    title: 'Hosts',
    description: 'Docker, the shop, WordPress, GitLab and Uptime Kuma over SSH through the bastion.',
  },
  backup: {
    title: 'Backups',
    description: 'Database dumps streamed to S3, on demand and daily.',
  },
};

/** Which steps each section has in this version of the tool. Sections without steps are "coming later". */
function stepsOf(section: SectionId, config: Config): Step[] {
  switch (section) {
    case 'network':
      return [
        ...vpcNetworkSteps(config, 'mvp'),
        ...vpcNetworkSteps(config, 'ia', { privateDefaultRoute: natRouteTarget(config, 'ia') }),
        ...natSteps(config, 'ia'),
        ...vpcNetworkSteps(config, 'cyber', { privateDefaultRoute: natRouteTarget(config, 'cyber') }),
        ...natSteps(config, 'cyber'),
      ];
    case 'peering':
      return withNotesOnLast(peeringSteps(config), predictedPingNotes(config));
    case 'security':
      return securitySteps(config);
    case 'database':
      return databaseSteps(config);
    case 'storage':
      return storageSteps(config);
    case 'compute':
      return computeSteps(config);
    case 'hosts':
      return hostSteps(config);
    case 'backup':
      return backupSteps(config);
    default:
      return [];
  }
}

/** The section's last step also shows `notes` in its preview (e.g. the predicted ping matrix under peering). */
function withNotesOnLast(steps: Step[], notes: string[]): Step[] {
  const last = steps.at(-1);
  if (!last) return steps;
  const decorated: Step = {
    ...last,
    find: last.find.bind(last),
    apply: last.apply.bind(last),
    ...(last.destroy ? { destroy: last.destroy.bind(last) } : {}),
    ...(last.destroyPreview ? { destroyPreview: last.destroyPreview.bind(last) } : {}),
    preview(ctx, found) {
      const preview = last.preview(ctx, found);
      return { ...preview, notes: [...(preview.notes ?? []), ...notes] };
    },
  };
  return [...steps.slice(0, -1), decorated];
}

/**
 * Sections whose steps work over SSH on the hosts: they need hosts the tool may reach — AWS's, a lab's,
 * or the hosts `--sandbox` simulates in its own process.
 */
export const SSH_SECTIONS: readonly SectionId[] = ['hosts', 'backup'];

/** Why a section cannot run in this session, or undefined when it can. */
export function unavailableReason(section: Section, hostsReachable: boolean): string | undefined {
  if (section.steps.length === 0) return 'coming later';
  if (!hostsReachable && SSH_SECTIONS.includes(section.id)) {
    return 'needs hosts to reach over SSH: through an emulator without a lab, instance addresses are invented and never connected to (`aws-runbook --sandbox` simulates the hosts)';
  }
  return undefined;
}

export function buildRunbook(config: Config): Section[] {
  return SECTION_IDS.map((id) => ({ id, ...SECTION_TEXT[id], steps: stepsOf(id, config) }));
}

export function allSteps(runbook: readonly Section[]): Step[] {
  return runbook.flatMap((section) => section.steps);
}

/** An unknown or empty `--only` list (a usage error: exit 2). */
export class SectionListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SectionListError';
  }
}

/** Parse `--only a,b`; throws with the list of valid ids on an unknown one. */
export function parseSectionList(value: string): SectionId[] {
  const ids = value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (ids.length === 0) throw new SectionListError(`--only needs at least one section id (${SECTION_IDS.join(', ')})`);
  for (const id of ids) {
    if (!(SECTION_IDS as readonly string[]).includes(id)) {
      throw new SectionListError(`--only: unknown section "${id}"; the sections are ${SECTION_IDS.join(', ')}`);
    }
  }
  return ids as SectionId[];
}
