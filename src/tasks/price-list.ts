import { GetProductsCommand, type Filter, type PricingClient } from '@aws-sdk/client-pricing';
import type { Config } from '../config/schema.js';
import { usePrices, type RegionPrices } from './costs.js';

/**
 * The region's prices from the AWS Price List API (`pricing:GetProducts`, served from us-east-1): one
 * query per thing the runbook bills — the instance types and the RDS class of the config, NAT gateway
 * hours, public IPv4 hours, EBS and RDS gp3 storage, S3 Standard, a Secrets Manager secret — each reduced
 * to its on-demand USD unit price. All or nothing: a query that finds no price (an attribute renamed, a
 * type the region lacks) fails the read, and the caller keeps the tool's table, or no price.
 */

export class PriceListError extends Error {
  override readonly name = 'PriceListError';
}

const match = (fields: Record<string, string>): Filter[] => Object.entries(fields).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value }));

interface PriceListProduct {
  product?: { attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { beginRange?: string; pricePerUnit?: { USD?: string } }> }> };
}

/** The on-demand USD price of the products a query found (the first tier, for tiered prices). */
export function onDemandUsd(priceList: readonly string[], what: string, pick: (attributes: Record<string, string>) => boolean = () => true): number {
  for (const text of priceList) {
    const product = JSON.parse(text) as PriceListProduct;
    if (!pick(product.product?.attributes ?? {})) continue;
    for (const term of Object.values(product.terms?.OnDemand ?? {})) {
      const dimensions = Object.values(term.priceDimensions ?? {});
      const first = dimensions.find((d) => (d.beginRange ?? '0') === '0') ?? dimensions[0];
      const usd = Number(first?.pricePerUnit?.USD);
      if (Number.isFinite(usd) && usd > 0) return usd;
    }
  }
  throw new PriceListError(`the Price List API has no on-demand price for ${what}`);
}

async function query(client: PricingClient, serviceCode: string, fields: Record<string, string>, signal?: AbortSignal): Promise<string[]> {
  const out = await client.send(new GetProductsCommand({ ServiceCode: serviceCode, Filters: match(fields), FormatVersion: 'aws_v1', MaxResults: 100 }), signal ? { abortSignal: signal } : {});
  return out.PriceList ?? [];
}

export async function readPriceList(client: PricingClient, config: Config, today: Date, signal?: AbortSignal): Promise<RegionPrices> {
  const regionCode = config.region;
  const ec2 = (fields: Record<string, string>) => query(client, 'AmazonEC2', { regionCode, ...fields }, signal);
  const types = [...new Set(Object.values(config.instances).map((i) => i.type))];
  const instanceClass = config.database.instanceClass;
  const rds = (deploymentOption: string) =>
    query(client, 'AmazonRDS', { regionCode, instanceType: instanceClass, databaseEngine: 'MariaDB', deploymentOption }, signal).then((list) =>
      onDemandUsd(list, `${instanceClass} MariaDB ${deploymentOption} in ${regionCode}`),
    );
  const [instances, natGateway, publicIpv4, ebsGp3, multiAz, singleAz, rdsGp3, s3Standard, secret] = await Promise.all([
    Promise.all(
      types.map(async (type) => [type, onDemandUsd(await ec2({ instanceType: type, operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' }), `${type} in ${regionCode}`)] as const),
    ),
    ec2({ productFamily: 'NAT Gateway' }).then((list) => onDemandUsd(list, `NAT gateway hours in ${regionCode}`, (a) => /NatGateway-Hours$/.test(a['usagetype'] ?? ''))),
    query(client, 'AmazonVPC', { regionCode, group: 'VPCPublicIPv4Address' }, signal).then((list) =>
      onDemandUsd(list, `public IPv4 addresses in ${regionCode}`, (a) => /PublicIPv4:InUseAddress$/.test(a['usagetype'] ?? '')),
    ),
    ec2({ productFamily: 'Storage', volumeApiName: 'gp3' }).then((list) => onDemandUsd(list, `EBS gp3 storage in ${regionCode}`)),
    rds('Multi-AZ'),
    rds('Single-AZ'),
    query(client, 'AmazonRDS', { regionCode, productFamily: 'Database Storage', volumeType: 'General Purpose-GP3', databaseEngine: 'MariaDB', deploymentOption: 'Single-AZ' }, signal).then((list) =>
      onDemandUsd(list, `RDS gp3 storage in ${regionCode}`),
    ),
    query(client, 'AmazonS3', { regionCode, storageClass: 'General Purpose', volumeType: 'Standard' }, signal).then((list) => onDemandUsd(list, `S3 Standard storage in ${regionCode}`)),
    query(client, 'AWSSecretsManager', { regionCode }, signal).then((list) => onDemandUsd(list, `a Secrets Manager secret in ${regionCode}`, (a) => /Secret/i.test(a['usagetype'] ?? ''))),
  ]);
  return {
    region: regionCode,
    source: `the AWS Price List API on ${today.toISOString().slice(0, 10)}`,
    hourly: {
      natGateway,
      publicIpv4,
      instances: Object.fromEntries(instances),
      rds: { [`${instanceClass}/multi-az`]: multiAz, [`${instanceClass}/single-az`]: singleAz },
    },
    monthly: { ebsGp3GbMonth: ebsGp3, rdsGp3GbMonth: rdsGp3, secretsManagerSecret: secret, s3StandardGbMonth: s3Standard },
  };
}

/** How long previews wait for the Price List API before the table (or "unknown") stands in. */
const PRICE_LIST_WAIT_MS = 8_000;
const loading = new Map<string, Promise<void>>();

/**
 * Reads the region's prices from the Price List API once per process, against real AWS only (an emulator
 * endpoint has no Price List: the table stands in there), and hands them to costs.ts. Never fails: a
 * refusal (no pricing:GetProducts), a timeout or a missing price leaves the table, or no price.
 */
export function loadRegionPrices(aws: { endpoint?: string; pricing: PricingClient }, config: Config): Promise<void> {
  if (aws.endpoint) return Promise.resolve();
  const key = JSON.stringify([config.region, config.instances, config.database.instanceClass]);
  let found = loading.get(key);
  if (!found) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), PRICE_LIST_WAIT_MS);
    found = readPriceList(aws.pricing, config, new Date(), abort.signal)
      .then(usePrices, () => undefined)
      .finally(() => clearTimeout(timer));
    loading.set(key, found);
  }
  return found;
}
