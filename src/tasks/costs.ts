/**
 * What things cost per month, for previews and `plan` (us-east-2, on-demand list prices, USD).
 * A small table on purpose: it tells the operator the order of magnitude before they say yes; the
 * AWS Pricing Calculator is the reference. Usage-based charges (data processed, requests, storage
 * that grows) are not included and the previews say so.
 */
export const PRICES_AS_OF = 'us-east-2 on-demand list prices of 2026-11';

/** Hours in the month AWS bills by (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

const HOURLY_USD = {
  natGateway: 0.045,
  publicIpv4: 0.005,
  't3.micro': 0.0104,
  't3.small': 0.0208,
  't3.medium': 0.0416,
  't3.large': 0.0832,
  't3.xlarge': 0.1664,
  /** RDS for MariaDB, Multi-AZ (two instances billed). */
  'db.m7g.large/multi-az': 0.336,
  'db.m7g.large/single-az': 0.168,
  'db.t4g.micro/multi-az': 0.032,
  'db.t4g.micro/single-az': 0.016,
} as const;

const MONTHLY_USD = {
  /** EBS gp3 for instance root volumes, per GB-month. */
  ebsGp3GbMonth: 0.08,
  /** RDS gp3 storage per GB-month; Multi-AZ stores twice. */
  rdsGp3GbMonthSingleAz: 0.115,
  /** A Secrets Manager secret (the RDS-managed master password). */
  secretsManagerSecret: 0.4,
  /** S3 Standard per GB-month. */
  s3StandardGbMonth: 0.023,
} as const;

const round = (usd: number) => Math.round(usd * 100) / 100;

export type InstanceType = string;

/** A NAT gateway's hourly charge (data processing excluded). */
export function natGatewayMonthly(): number {
  return round(HOURLY_USD.natGateway * HOURS_PER_MONTH);
}

/** One public IPv4 address (Elastic IP or auto-assigned), charged whether attached or not. */
export function publicIpv4Monthly(): number {
  return round(HOURLY_USD.publicIpv4 * HOURS_PER_MONTH);
}

/** An EC2 instance with its root volume; undefined when the type is not in the table. */
export function ec2InstanceMonthly(type: InstanceType, rootVolumeGb = 8): number | undefined {
  const hourly = (HOURLY_USD as Record<string, number>)[type];
  if (hourly === undefined) return undefined;
  return round(hourly * HOURS_PER_MONTH + rootVolumeGb * MONTHLY_USD.ebsGp3GbMonth);
}

/** An RDS instance with its storage (and the managed-password secret); undefined when the class is not in the table. */
export function rdsInstanceMonthly(instanceClass: string, storageGb: number, multiAz: boolean): number | undefined {
  const hourly = (HOURLY_USD as Record<string, number>)[`${instanceClass}/${multiAz ? 'multi-az' : 'single-az'}`];
  if (hourly === undefined) return undefined;
  const storage = storageGb * MONTHLY_USD.rdsGp3GbMonthSingleAz * (multiAz ? 2 : 1);
  return round(hourly * HOURS_PER_MONTH + storage + MONTHLY_USD.secretsManagerSecret);
}

/** S3 storage for a given size (an empty bucket costs nothing). */
export function s3StandardMonthly(gb: number): number {
  return round(gb * MONTHLY_USD.s3StandardGbMonth);
}

/** "$32.85/month" */
export function formatMonthly(usd: number): string {
  return `$${usd.toFixed(2)}/month`;
}
