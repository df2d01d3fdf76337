import { z } from 'zod';
import { closestMatch } from './suggest.js';

/** One problem in a config file, in the operator's terms. */
export interface ConfigIssue {
  /** Dotted path of the field, e.g. `network.mvp.public.cidr` (list items: `network.mvp.private[1].cidr`); '' for the file itself. */
  field: string;
  /** What is wrong, quoting the bad value. */
  message: string;
  /** How to fix it. */
  fix: string;
  /** Where in the file, when known (1-based). */
  line?: number;
  column?: number;
}

function location(issue: ConfigIssue): string {
  if (issue.line === undefined) return '';
  return issue.column === undefined ? `line ${issue.line}` : `line ${issue.line}, column ${issue.column}`;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = location(issue);
  const label = issue.field ? (where ? `${issue.field} (${where})` : issue.field) : where || '(file)';
  return `  ${label}: ${issue.message} — fix: ${issue.fix}`;
}

/** A config file (or init answers) that cannot be used; `.issues` lists every problem found. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: ConfigIssue[],
  ) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super([`${source}: invalid configuration (${count}):`, ...issues.map(formatIssue)].join('\n'));
    this.name = 'ConfigError';
  }
}

export type FieldPath = readonly PropertyKey[];

export function formatPath(path: FieldPath): string {
  return path
    .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

/** What each field holds, for fixes of type errors (keyed by the field's own name). */
const FIELD_HINTS: Record<string, string> = {
  suffix: 'write 2 to 12 letters or digits, e.g. suffix: BFHK',
  region: 'write an AWS region name, e.g. region: us-east-2',
  network: 'write a mapping with mvp, ia and cyber (or leave it out for the runbook layout)',
  mvp: 'write a VPC: cidr, public (cidr, az) and private (a list of cidr, az)',
  ia: 'write a VPC: cidr, public (cidr, az) and private (a list of cidr, az)',
  cyber: 'write a VPC: cidr, public (cidr, az) and private (a list of cidr, az)',
  cidr: 'write an IPv4 block, e.g. cidr: 10.1.0.0/16',
  public: 'write a subnet with cidr and az, e.g. { cidr: 10.1.1.0/24, az: a }',
  private: 'write a list of subnets, e.g. [{ cidr: 10.1.2.0/24, az: b }, { cidr: 10.1.3.0/24, az: a }]',
  az: 'write one letter, a to f, e.g. az: a',
  access: 'write a mapping with adminCidr, allowOpenAdminCidr and publicKeyPath',
  adminCidr: 'write your address range, e.g. adminCidr: 203.0.113.7/32',
  allowOpenAdminCidr: 'write true or false',
  publicKeyPath: 'write the path of your OpenSSH public key, e.g. ~/.ssh/id_ed25519.pub',
  database: 'write a mapping with instanceClass, allocatedStorageGb, engineVersion and backupRetentionDays',
  instanceClass: 'write an RDS class, e.g. db.m7g.large',
  allocatedStorageGb: 'write a whole number of GB from 20 to 65536, e.g. 400',
  engineVersion: 'write a MariaDB version in quotes, e.g. "10.11.9"',
  backupRetentionDays: 'write a whole number of days from 7 to 35, e.g. 7',
  instances: 'write a mapping with ecommerce, wordpress, gitlab, monitoring and ia',
  type: 'write an EC2 instance type, e.g. type: t3.small',
  shop: 'write a mapping with source',
  source: 'write the path of the Rocket eCommerce archive or folder',
};

function hintFor(path: FieldPath): string {
  const name = [...path].reverse().find((part) => typeof part === 'string');
  if (name === undefined) return 'write a mapping of the settings (key: value lines)';
  const hint = FIELD_HINTS[name];
  if (hint) return hint;
  return ['ecommerce', 'wordpress', 'gitlab', 'monitoring'].includes(name) ? 'write the host with its type, e.g. { type: t3.small }' : 'see the comments in a file written by `aws-runbook init`';
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
};

/** The keys a mapping at `path` may hold, walking the schema (for unknown-key suggestions). */
function knownKeysAt(schema: z.ZodType, path: FieldPath): string[] {
  let current: z.ZodType | undefined = schema;
  for (const part of [...path, undefined]) {
    while (current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodOptional) {
      current = current.unwrap() as z.ZodType;
    }
    if (part === undefined) break;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(part)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape as object) : [];
}

function fromZodIssue(issue: z.core.$ZodIssue, schema: z.ZodType): ConfigIssue[] {
  const field = formatPath(issue.path);
  const input: unknown = issue.input;
  switch (issue.code) {
    case 'custom': {
      const fix = (issue.params as { fix?: string } | undefined)?.fix ?? hintFor(issue.path);
      return [{ field, message: issue.message, fix }];
    }
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, issue.path);
      return issue.keys.map((key) => {
        const suggestion = closestMatch(key, known);
        return {
          field: formatPath([...issue.path, key]),
          message: `unknown key ${JSON.stringify(key)}`,
          fix: suggestion
            ? `did you mean ${suggestion}?`
            : `remove it${known.length > 0 ? `; the keys here are ${known.join(', ')}` : ''}`,
        };
      });
    }
    case 'invalid_type': {
      if (input === undefined) return [{ field, message: 'is missing', fix: hintFor(issue.path) }];
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const quoteIt = issue.expected === 'string' && (typeof input === 'number' || typeof input === 'boolean');
      return [
        {
          field,
          message: `expected ${expected}, got ${describeValue(input)}`,
          fix: quoteIt ? `put it in quotes: "${String(input)}"` : hintFor(issue.path),
        },
      ];
    }
    case 'invalid_format':
      return [{ field, message: `${describeValue(input)} is not ${issue.message}`, fix: hintFor(issue.path) }];
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
      const what = issue.origin === 'array' ? `items (has ${Array.isArray(input) ? input.length : 0})` : issue.origin === 'string' ? 'characters' : '';
      return [{ field, message: `${describeValue(input)} is too ${issue.code === 'too_small' ? 'small' : 'big'}: needs ${bound} ${what}`.trim(), fix: hintFor(issue.path) }];
    }
    default:
      return [{ field, message: `${describeValue(input)}: ${issue.message}`, fix: hintFor(issue.path) }];
  }
}

/** Every zod issue in the operator's format (field path + what + fix), never zod's raw text alone. */
export function issuesFromZod(error: z.ZodError, schema: z.ZodType): ConfigIssue[] {
  return error.issues.flatMap((issue) => fromZodIssue(issue, schema));
}
