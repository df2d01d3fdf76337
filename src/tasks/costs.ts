/**
 * What things cost per month in the configured region, for previews and `plan` (on-demand list prices,
 * USD). It tells the operator the order of magnitude before they say yes; the AWS Pricing Calculator is the
 * reference. Usage-based charges (data processed, requests, storage that grows) are not included and the
 * previews say so.
 *
 * Where prices come from, per region: the AWS Price List API when a run could read it (price-list.ts puts
 * them here with `usePrices`), otherwise the dated table below. A region with neither has NO price: the
 * functions answer undefined and the previews say the cost is unknown, never another region's.
 */

/** Hours in the month AWS bills by (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

export interface RegionPrices {
  region: string;
  /** Where they come from, for the previews: "the tool's table of 2026-11 list prices", "the AWS Price List API on 2026-12-07". */
  source: string;
  hourly: {
    natGateway: number;
    publicIpv4: number;
    /** EC2 Linux on-demand, shared tenancy, by instance type. */
    instances: Readonly<Record<string, number>>;
    /** RDS for MariaDB by `class/multi-az` or `class/single-az` (Multi-AZ: two instances billed). */
    rds: Readonly<Record<string, number>>;
  };
  monthly: {
    /** EBS gp3 for instance root volumes, per GB-month. */
    ebsGp3GbMonth: number;
    /** RDS gp3 storage per GB-month, one copy (Multi-AZ stores two). */
    rdsGp3GbMonth: number;
    /** A Secrets Manager secret (the RDS-managed master password). */
    secretsManagerSecret: number;
    /** S3 Standard per GB-month (first 50 TB). */
    s3StandardGbMonth: number;
  };
}

/**
 * us-east-1, us-east-2 and us-west-2 share these list prices for everything the runbook builds (2026-11).
 * Other regions are priced differently (most of Europe and Asia 5–25 % higher): they get prices from the
 * Price List API, or none.
 */
const US_LIST_PRICES: Omit<RegionPrices, 'region'> = {
  source: "the tool's table of 2026-11 on-demand list prices",
  hourly: {
    natGateway: 0.045,
    publicIpv4: 0.005,
    instances: { 't3.micro': 0.0104, 't3.small': 0.0208, 't3.medium': 0.0416, 't3.large': 0.0832, 't3.xlarge': 0.1664 },
    rds: { 'db.m7g.large/multi-az': 0.336, 'db.m7g.large/single-az': 0.168, 'db.t4g.micro/multi-az': 0.032, 'db.t4g.micro/single-az': 0.016 },
  },
  monthly: { ebsGp3GbMonth: 0.08, rdsGp3GbMonth: 0.115, secretsManagerSecret: 0.4, s3StandardGbMonth: 0.023 },
};

const TABLE: Readonly<Record<string, RegionPrices>> = Object.fromEntries(
  ['us-east-1', 'us-east-2', 'us-west-2'].map((region) => [region, { ...US_LIST_PRICES, region }]),
);

/** Prices read from the Price List API in this process, by region (they win over the table). */
const fromPriceList = new Map<string, RegionPrices>();

export function usePrices(prices: RegionPrices): void {
  fromPriceList.set(prices.region, prices);
}

/** The prices of a region, or undefined when neither the Price List API nor the table knows it. */
export function pricesFor(region: string): RegionPrices | undefined {
  return fromPriceList.get(region) ?? TABLE[region];
}

/** Whether the tool's own table covers the region (without the Price List API). */
export function tablePricesRegion(region: string): boolean {
  return region in TABLE;
}

/** What previews say about prices: where they come from, or that they are unknown. */
export function pricesNote(region: string): string {
  const prices = pricesFor(region);
  return prices ? `${region} prices from ${prices.source}` : `no prices known for ${region}: the cost is unknown (not shown in another region's prices)`;
}

const round = (usd: number) => Math.round(usd * 100) / 100;

/** A NAT gateway's hourly charge (data processing excluded). */
export function natGatewayMonthly(region: string): number | undefined {
  const prices = pricesFor(region);
  return prices && round(prices.hourly.natGateway * HOURS_PER_MONTH);
}

/** One public IPv4 address (Elastic IP or auto-assigned), charged whether attached or not. */
export function publicIpv4Monthly(region: string): number | undefined {
  const prices = pricesFor(region);
  return prices && round(prices.hourly.publicIpv4 * HOURS_PER_MONTH);
}

/** An EC2 instance with its root volume; undefined when the region or the type has no price. */
export function ec2InstanceMonthly(region: string, type: string, rootVolumeGb = 8): number | undefined {
  const prices = pricesFor(region);
  const hourly = prices?.hourly.instances[type];
  if (!prices || hourly === undefined) return undefined;
  return round(hourly * HOURS_PER_MONTH + rootVolumeGb * prices.monthly.ebsGp3GbMonth);
}

/** An RDS instance with its storage (and the managed-password secret); undefined when the region or the class has no price. */
export function rdsInstanceMonthly(region: string, instanceClass: string, storageGb: number, multiAz: boolean): number | undefined {
  const prices = pricesFor(region);
  const hourly = prices?.hourly.rds[`${instanceClass}/${multiAz ? 'multi-az' : 'single-az'}`];
  if (!prices || hourly === undefined) return undefined;
  const storage = storageGb * prices.monthly.rdsGp3GbMonth * (multiAz ? 2 : 1);
  return round(hourly * HOURS_PER_MONTH + storage + prices.monthly.secretsManagerSecret);
}

/** S3 storage for a given size (an empty bucket costs nothing, in any region). */
export function s3StandardMonthly(region: string, gb: number): number | undefined {
  const prices = pricesFor(region);
  return prices && round(gb * prices.monthly.s3StandardGbMonth);
}

/** "$32.85/month" */
export function formatMonthly(usd: number): string {
  return `$${usd.toFixed(2)}/month`;
}

/** "$32.85/month", or "an unknown amount" when the region has no price. */
export function formatMonthlyOrUnknown(usd: number | undefined, region: string): string {
  return usd === undefined ? `an unknown amount (no price for ${region})` : formatMonthly(usd);
}
