import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PricingClient } from '@aws-sdk/client-pricing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { onDemandUsd, readPriceList } from '../../src/tasks/price-list.js';

/**
 * The Price List reader against a stand-in for the AWS Price List API on loopback: it speaks the API's
 * JSON protocol (POST, X-Amz-Target AWSPriceListService.GetProducts) and answers with products in the
 * shape AWS publishes them (`PriceList`: JSON strings with `product.attributes` and `terms.OnDemand…
 * priceDimensions…pricePerUnit.USD`), only when every filter matches, as GetProducts' TERM_MATCH does.
 */

interface Product {
  serviceCode: string;
  attributes: Record<string, string>;
  usd: string;
}

const product = (serviceCode: string, attributes: Record<string, string>, usd: string): Product => ({ serviceCode, attributes, usd });
const PARIS = 'eu-west-3';
const CATALOGUE: Product[] = [
  product('AmazonEC2', { regionCode: PARIS, instanceType: 't3.small', operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' }, '0.0236'),
  product('AmazonEC2', { regionCode: PARIS, instanceType: 't3.large', operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' }, '0.0944'),
  product('AmazonEC2', { regionCode: PARIS, instanceType: 't3.micro', operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' }, '0.0118'),
  product('AmazonEC2', { regionCode: PARIS, productFamily: 'NAT Gateway', usagetype: 'EUW3-NatGateway-Bytes' }, '0.048'),
  product('AmazonEC2', { regionCode: PARIS, productFamily: 'NAT Gateway', usagetype: 'EUW3-NatGateway-Hours' }, '0.05'),
  product('AmazonVPC', { regionCode: PARIS, group: 'VPCPublicIPv4Address', usagetype: 'EUW3-PublicIPv4:InUseAddress' }, '0.005'),
  product('AmazonEC2', { regionCode: PARIS, productFamily: 'Storage', volumeApiName: 'gp3' }, '0.0928'),
  product('AmazonRDS', { regionCode: PARIS, instanceType: 'db.m7g.large', databaseEngine: 'MariaDB', deploymentOption: 'Multi-AZ' }, '0.378'),
  product('AmazonRDS', { regionCode: PARIS, instanceType: 'db.m7g.large', databaseEngine: 'MariaDB', deploymentOption: 'Single-AZ' }, '0.189'),
  product('AmazonRDS', { regionCode: PARIS, productFamily: 'Database Storage', volumeType: 'General Purpose-GP3', databaseEngine: 'MariaDB', deploymentOption: 'Single-AZ' }, '0.133'),
  product('AmazonS3', { regionCode: PARIS, storageClass: 'General Purpose', volumeType: 'Standard' }, '0.024'),
  product('AWSSecretsManager', { regionCode: PARIS, usagetype: 'EUW3-AWSSecretsManager-Secrets' }, '0.4'),
];

function priceListEntry(p: Product): string {
  return JSON.stringify({
    product: { sku: 'SKU', attributes: p.attributes },
    terms: { OnDemand: { 'SKU.JRTCKXETXF': { priceDimensions: { 'SKU.JRTCKXETXF.6YS6EN2CT7': { unit: 'Hrs', beginRange: '0', endRange: 'Inf', pricePerUnit: { USD: p.usd } } } } } },
  });
}

let server: Server;
let endpoint: string;
let removed: string | undefined;
const requests: { target: string; serviceCode: string }[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const input = JSON.parse(body) as { ServiceCode: string; Filters: { Type: string; Field: string; Value: string }[] };
      requests.push({ target: String(request.headers['x-amz-target']), serviceCode: input.ServiceCode });
      const found = CATALOGUE.filter((p) => p.serviceCode === input.ServiceCode && p.usd !== removed && input.Filters.every((f) => f.Type === 'TERM_MATCH' && p.attributes[f.Field] === f.Value));
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ FormatVersion: 'aws_v1', PriceList: found.map(priceListEntry) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const client = () => new PricingClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }, maxAttempts: 1 });

describe('the AWS Price List API, read for the configured region', () => {
  it("prices the runbook's types, the database class, NAT and IPv4 hours, storage and the secret for the region", async () => {
    const config = configSchema.parse({ region: PARIS });
    const prices = await readPriceList(client(), config, new Date('2026-12-07T10:00:00Z'));
    expect(prices).toEqual({
      region: PARIS,
      source: 'the AWS Price List API on 2026-12-07',
      hourly: {
        natGateway: 0.05,
        publicIpv4: 0.005,
        instances: { 't3.small': 0.0236, 't3.large': 0.0944, 't3.micro': 0.0118 },
        rds: { 'db.m7g.large/multi-az': 0.378, 'db.m7g.large/single-az': 0.189 },
      },
      monthly: { ebsGp3GbMonth: 0.0928, rdsGp3GbMonth: 0.133, secretsManagerSecret: 0.4, s3StandardGbMonth: 0.024 },
    });
    expect(new Set(requests.map((r) => r.target))).toEqual(new Set(['AWSPriceListService.GetProducts']));
  });

  it('all or nothing: a price the API does not have fails the read, naming it (the caller keeps the table, or no price)', async () => {
    removed = '0.133';
    try {
      await expect(readPriceList(client(), configSchema.parse({ region: PARIS }), new Date())).rejects.toThrow(/no on-demand price for RDS gp3 storage in eu-west-3/);
    } finally {
      removed = undefined;
    }
    await expect(readPriceList(client(), configSchema.parse({ region: 'ap-south-2' }), new Date())).rejects.toThrow(/no on-demand price for t3\.small in ap-south-2/);
  });

  it('takes the first tier and the product the picker wants', () => {
    const tiered = JSON.stringify({
      product: { attributes: { usagetype: 'X' } },
      terms: { OnDemand: { a: { priceDimensions: { hi: { beginRange: '51200', pricePerUnit: { USD: '0.022' } }, lo: { beginRange: '0', pricePerUnit: { USD: '0.023' } } } } } },
    });
    expect(onDemandUsd([tiered], 'S3')).toBe(0.023);
    expect(() => onDemandUsd([tiered], 'S3 elsewhere', (a) => a['usagetype'] === 'Y')).toThrow(/S3 elsewhere/);
  });
});
