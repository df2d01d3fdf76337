import { canonicalCidr, isCanonical, parseIpv4Cidr } from './cidr.js';
import { AWS_REGIONS, isKnownRegion } from './regions.js';
import { closestMatch } from './suggest.js';

/**
 * Checks of one config value on its own. Each returns what is wrong (quoting the bad value) and
 * how to fix it, or undefined when the value is fine. `schema.ts` attaches them to the fields.
 */
export interface RuleProblem {
  message: string;
  fix: string;
}

export type FieldRule<T> = (value: T) => RuleProblem | undefined;

const q = (value: string): string => JSON.stringify(value);

/** AWS accepts VPC and subnet blocks from /16 to /28. */
export const AWS_MIN_PREFIX = 16;
export const AWS_MAX_PREFIX = 28;

function blockRule(kind: 'VPC' | 'subnet', examplePrefix: number, exampleDefault: string): FieldRule<string> {
  return (text) => {
    const block = parseIpv4Cidr(text);
    if (!block) {
      const address = text.split('/')[0] ?? '';
      const guess = parseIpv4Cidr(`${address}/${examplePrefix}`);
      const example = guess ? canonicalCidr(guess) : exampleDefault;
      return { message: `${q(text)} is not a valid IPv4 CIDR`, fix: `use a block like ${example}` };
    }
    if (block.prefix < AWS_MIN_PREFIX || block.prefix > AWS_MAX_PREFIX) {
      return {
        message: `${q(text)} is a /${block.prefix}; AWS allows ${kind} blocks from /${AWS_MIN_PREFIX} to /${AWS_MAX_PREFIX}`,
        fix: `use a prefix between /${AWS_MIN_PREFIX} and /${AWS_MAX_PREFIX}, e.g. ${exampleDefault}`,
      };
    }
    return canonicalProblem(text);
  };
}

function canonicalProblem(text: string): RuleProblem | undefined {
  const block = parseIpv4Cidr(text);
  if (!block || isCanonical(block)) return undefined;
  const canonical = canonicalCidr(block);
  return { message: `${q(text)} has host bits set (the block starts at ${canonical})`, fix: `use ${canonical}` };
}

export const vpcCidrRule = blockRule('VPC', 16, '10.1.0.0/16');
export const subnetCidrRule = blockRule('subnet', 24, '10.1.1.0/24');

export const adminCidrRule: FieldRule<string> = (text) => {
  if (parseIpv4Cidr(`${text}/32`)) {
    return { message: `${q(text)} is an address without a prefix length`, fix: `use ${text}/32 for that single address` };
  }
  if (!parseIpv4Cidr(text)) {
    return {
      message: `${q(text)} is not a valid IPv4 CIDR`,
      fix: 'use your own address range, e.g. 203.0.113.7/32 (curl https://checkip.amazonaws.com shows your address)',
    };
  }
  return canonicalProblem(text);
};

export const regionRule: FieldRule<string> = (region) => {
  if (isKnownRegion(region)) return undefined;
  const suggestion = closestMatch(region, AWS_REGIONS);
  return {
    message: `${q(region)} is not an AWS region`,
    fix: suggestion
      ? `did you mean ${suggestion}?`
      : `use a region name such as us-east-2 or eu-west-3 (aws ec2 describe-regions lists them)`,
  };
};

export const suffixRule: FieldRule<string> = (suffix) => {
  const badCharacters = [...new Set(suffix.replace(/[A-Za-z0-9]/g, ''))];
  if (badCharacters.length > 0) {
    const cleaned = suffix.replace(/[^A-Za-z0-9]/g, '');
    const example = cleaned.length >= 2 && cleaned.length <= 12 ? cleaned : 'BFHK';
    return {
      message: `${q(suffix)} contains ${badCharacters.map((c) => q(c)).join(', ')}; it goes into Name tags and bucket names`,
      fix: `use letters and digits only, e.g. ${example}`,
    };
  }
  if (suffix.length < 2 || suffix.length > 12) {
    return {
      message: `${q(suffix)} is ${suffix.length} characters long`,
      fix: 'use 2 to 12 letters or digits, e.g. BFHK',
    };
  }
  return undefined;
};

/** Sizes EC2 and RDS use after the family ("t3.small"); numbered xlarge sizes are matched by pattern. */
const KNOWN_SIZES = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '48xlarge', 'metal'];
const FAMILY = /^[a-z][a-z0-9]*\d[a-z0-9-]*$/;
const SIZE = /^(nano|micro|small|medium|large|\d*xlarge|metal(-\d+xl)?)$/;

function isInstanceType(value: string): boolean {
  const [family, size, ...rest] = value.split('.');
  return rest.length === 0 && family !== undefined && size !== undefined && FAMILY.test(family) && SIZE.test(size);
}

/** A likely intended instance type for a typo ("t3.smal", "T3.Small", "t3small", "t3-small"), if one is evident. */
function likelyInstanceType(value: string): string | undefined {
  const lower = value.toLowerCase().trim();
  const joined = /^([a-z][a-z0-9]*\d[a-z0-9]*?)[-_ ]?(nano|micro|small|medium|large|\d*xlarge)$/.exec(lower);
  if (!lower.includes('.') && joined) return `${joined[1]}.${joined[2]}`;
  const [family, size, ...rest] = lower.split('.');
  if (rest.length > 0 || !family || !FAMILY.test(family) || size === undefined) return undefined;
  const fixedSize = SIZE.test(size) ? size : closestMatch(size, KNOWN_SIZES);
  return fixedSize ? `${family}.${fixedSize}` : undefined;
}

export const instanceTypeRule: FieldRule<string> = (type) => {
  if (isInstanceType(type)) return undefined;
  const suggestion = likelyInstanceType(type);
  return {
    message: `${q(type)} is not an EC2 instance type (family.size, like t3.small)`,
    fix: suggestion ? `did you mean ${suggestion}?` : 'use a type such as t3.micro, t3.small or t3.large',
  };
};

export const dbInstanceClassRule: FieldRule<string> = (dbClass) => {
  if (dbClass.startsWith('db.') && isInstanceType(dbClass.slice(3))) return undefined;
  const bare = dbClass.startsWith('db.') ? dbClass.slice(3) : dbClass;
  const suggestion = isInstanceType(bare) ? bare : likelyInstanceType(bare);
  return {
    message: `${q(dbClass)} is not an RDS instance class (db.family.size)`,
    fix: suggestion ? `did you mean db.${suggestion}?` : 'use a class such as db.m7g.large (the runbook\'s) or db.t4g.medium',
  };
};

/** MariaDB on gp3 storage: 20 GiB to 64 TiB. */
export const MIN_STORAGE_GB = 20;
export const MAX_STORAGE_GB = 65536;

export const allocatedStorageRule: FieldRule<number> = (gb) => {
  if (gb < MIN_STORAGE_GB) {
    return { message: `${gb} GB is below the MariaDB minimum of ${MIN_STORAGE_GB} GB`, fix: `use ${MIN_STORAGE_GB} or more (the runbook uses 400)` };
  }
  if (gb > MAX_STORAGE_GB) {
    return { message: `${gb} GB is above the MariaDB maximum of ${MAX_STORAGE_GB} GB (64 TiB)`, fix: `use at most ${MAX_STORAGE_GB}` };
  }
  return undefined;
};

/** AWS keeps automated backups 1 to 35 days; the design asks for at least a week. */
export const MIN_RETENTION_DAYS = 7;
export const MAX_RETENTION_DAYS = 35;

export const backupRetentionRule: FieldRule<number> = (days) => {
  if (days < MIN_RETENTION_DAYS) {
    const what = days <= 0 ? `${days} turns automated backups off` : `${days} day${days === 1 ? '' : 's'} is less than the week the design requires`;
    return {
      message: what,
      fix: `use ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS} (AWS allows 1 to 35; aws-runbook keeps at least ${MIN_RETENTION_DAYS} days of point-in-time restore)`,
    };
  }
  if (days > MAX_RETENTION_DAYS) {
    return {
      message: `${days} days is more than the ${MAX_RETENTION_DAYS} days RDS keeps automated backups`,
      fix: `use ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}; for longer keep the S3 dumps (aws-runbook backup)`,
    };
  }
  return undefined;
};

export const engineVersionRule: FieldRule<string> = (version) => {
  if (/^\d+\.\d+\.\d+$/.test(version)) return undefined;
  return {
    message: `${q(version)} is not a full MariaDB version (major.minor.patch)`,
    fix: 'pin a version such as "10.11.9" (aws rds describe-db-engine-versions --engine mariadb lists them)',
  };
};
