import { stringify } from 'yaml';
import { configSchema, type Config, type ConfigInput } from './schema.js';

/**
 * The config file as `aws-runbook init` writes it: the given values, and every other setting shown
 * commented out with its seed value, each section under a comment that explains it.
 */

const HEADER = [
  '# aws-runbook configuration.',
  "# Every setting is optional: one that is left out (or commented out, as below) takes the runbook's value.",
  '# Check the result with `aws-runbook plan` (it works offline).',
];

/** The file's sections (what the tool derives after loading, such as shopFacts, is not written). */
type TopKey = Exclude<keyof Config, 'shopFacts'>;

const SECTION_COMMENTS: Record<TopKey, string[]> = {
  suffix: ['Short project name (2-12 letters/digits): in every Name tag (VPC-MVP-BFHK) and, lower-cased, in resource names.'],
  region: ['The AWS region everything is built in.'],
  network: [
    'The three VPCs: MVP (shop, WordPress, RDS), IA and Cyber (GitLab bastion, monitoring).',
    'Their blocks must not overlap (Cyber is peered with both); each subnet lies inside its VPC; az is a zone letter.',
    'MVP needs private subnets in two zones for the Multi-AZ database.',
  ],
  access: [
    'How you reach the hosts: adminCidr is your own address range (SSH to the bastion, GitLab, Uptime Kuma):',
    'at most a /16 and outside the VPCs; 0.0.0.0/0 only with allowOpenAdminCidr: true.',
    'publicKeyPath is imported as the EC2 key pair.',
  ],
  database: [
    'RDS MariaDB, Multi-AZ, encrypted, master password kept by RDS in Secrets Manager.',
    'Storage 20-65536 GB; automated backups kept 7-35 days; the engine version is pinned.',
  ],
  instances: ['EC2 instance types per host (Ubuntu LTS, looked up at run time).'],
  shop: [
    "source: the licensed Rocket eCommerce code as the vendor ships it (its .zip), or a .tar.gz or folder (asked before the hosts section).",
    'port and service are read from its docker-compose.yml; set them only when the tool asks (several candidates).',
  ],
};

/** Shown for settings that have no default. */
const EXAMPLES: Partial<Record<TopKey, Record<string, unknown>>> = {
  access: { adminCidr: '203.0.113.7/32' },
  shop: { source: '~/rocket-ecommerce.zip' },
};

const SEED: Config = configSchema.parse({});

function yamlLines(key: string, value: unknown): string[] {
  return stringify({ [key]: value }).trimEnd().split('\n');
}

const commented = (lines: string[]): string[] => lines.map((line) => `# ${line}`);
const indented = (lines: string[]): string[] => lines.map((line) => `  ${line}`);

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function renderSection(key: TopKey, given: unknown): string[] {
  const seed: unknown = SEED[key];
  if (!isMapping(seed)) return given === undefined ? commented(yamlLines(key, seed)) : yamlLines(key, given);
  const known = { ...EXAMPLES[key], ...seed };
  const givenEntries = isMapping(given) ? given : {};
  const subKeys = [...new Set([...Object.keys(known), ...Object.keys(givenEntries)])];
  const anyGiven = Object.values(givenEntries).some((value) => value !== undefined);
  if (!anyGiven) return commented([`${key}:`, ...indented(subKeys.flatMap((subKey) => yamlLines(subKey, known[subKey])))]);
  const body = subKeys.flatMap((subKey) =>
    givenEntries[subKey] === undefined
      ? commented(yamlLines(subKey, known[subKey]))
      : yamlLines(subKey, givenEntries[subKey]),
  );
  return [`${key}:`, ...indented(body)];
}

export function renderConfigYaml(input: ConfigInput): string {
  const given = input as Record<string, unknown>;
  const topKeys = [...new Set([...(Object.keys(SEED) as TopKey[]), ...(Object.keys(given) as TopKey[])])];
  const sections = topKeys.map((key) => [...commented(SECTION_COMMENTS[key] ?? []), ...renderSection(key, given[key])].join('\n'));
  return `${HEADER.join('\n')}\n\n${sections.join('\n\n')}\n`;
}
