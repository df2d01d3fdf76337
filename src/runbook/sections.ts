import type { Config } from '../config/schema.js';
import { SECTION_IDS, type Section, type SectionId, type Step } from '../engine/types.js';
import { vpcNetworkSteps } from '../tasks/network.js';

interface SectionText {
  title: string;
  description: string;
}

/** The seed runbook's sections, in order (DESIGN.md §2 ids, §5 content). */
const SECTION_TEXT: Record<SectionId, SectionText> = {
  network: {
    title: 'Network',
    description: 'The MVP VPC (10.1.0.0/16): public and private subnets, internet gateway, route tables (seed Part 1 §1).',
  },
  peering: {
    title: 'Peering',
    description: 'Cyber↔MVP and Cyber↔IA peering with routes in every route table (seed Part 2 §2).',
  },
  security: {
    title: 'Security groups',
    description: 'Web, RDS, Cyber and IA security groups with least-privilege rules.',
  },
  database: {
    title: 'Database',
    description: 'MariaDB on RDS, Multi-AZ, private, encrypted, password managed by RDS (seed Part 1 §2).',
  },
  storage: {
    title: 'Storage',
    description: 'The S3 backup bucket: private, encrypted, versioned, with a lifecycle rule (seed Part 1 §4).',
  },
  compute: {
    title: 'Compute',
    description: 'Key pair and the five EC2 instances on the looked-up Ubuntu LTS image (seed Part 1 §3, Part 2 §4).',
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
      return vpcNetworkSteps(config, 'mvp');
    default:
      return [];
  }
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
