import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { NO_HOSTS, createStepContext } from '../../src/engine/context.js';
import type { AwsClients } from '../../src/aws/clients.js';
import {
  ec2InstanceMonthly,
  formatMonthly,
  formatMonthlyOrUnknown,
  natGatewayMonthly,
  pricesFor,
  pricesNote,
  publicIpv4Monthly,
  rdsInstanceMonthly,
  s3StandardMonthly,
  usePrices,
  type RegionPrices,
} from '../../src/tasks/costs.js';
import { natSteps } from '../../src/tasks/nat.js';
import { stepById } from '../helpers/step-by-id.js';

describe('the price table', () => {
  it('bills hourly resources for 730 hours', () => {
    expect(natGatewayMonthly('us-east-2')).toBe(32.85);
    expect(publicIpv4Monthly('us-east-2')).toBe(3.65);
  });

  it('prices instances with their root volume, and says nothing for an unknown type', () => {
    expect(ec2InstanceMonthly('us-east-2', 't3.small')).toBe(15.82); // 0.0208 × 730 + 8 × 0.08
    expect(ec2InstanceMonthly('us-east-2', 't3.large', 20)).toBe(62.34);
    expect(ec2InstanceMonthly('us-east-2', 'x9.huge')).toBeUndefined();
  });

  it('prices the runbook database: db.m7g.large Multi-AZ with 400 GB and its secret', () => {
    // 0.336 × 730 + 400 × 0.115 × 2 + 0.40
    expect(rdsInstanceMonthly('us-east-2', 'db.m7g.large', 400, true)).toBe(337.68);
    expect(rdsInstanceMonthly('us-east-2', 'db.m7g.large', 400, false)).toBe(169.04);
    expect(rdsInstanceMonthly('us-east-2', 'db.z9.mega', 20, true)).toBeUndefined();
  });

  it('formats', () => {
    expect(s3StandardMonthly('us-east-2', 0)).toBe(0);
    expect(formatMonthly(32.85)).toBe('$32.85/month');
    expect(formatMonthlyOrUnknown(undefined, 'ap-south-2')).toBe('an unknown amount (no price for ap-south-2)');
  });
});

describe('prices per region', () => {
  it("the table covers the regions whose list prices it holds; another region has no price, never us-east-2's", () => {
    expect(pricesFor('us-east-1')?.region).toBe('us-east-1');
    expect(natGatewayMonthly('us-west-2')).toBe(32.85);
    for (const region of ['eu-west-3', 'ap-southeast-2', 'sa-east-1']) {
      expect(pricesFor(region)).toBeUndefined();
      expect([natGatewayMonthly(region), publicIpv4Monthly(region), ec2InstanceMonthly(region, 't3.small'), rdsInstanceMonthly(region, 'db.m7g.large', 400, true), s3StandardMonthly(region, 0)]).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
      expect(pricesNote(region)).toBe(`no prices known for ${region}: the cost is unknown (not shown in another region's prices)`);
    }
    expect(pricesNote('us-east-2')).toBe("us-east-2 prices from the tool's table of 2026-11 on-demand list prices");
  });

  it('a step in a region without prices says the cost is unknown and adds nothing to the total', () => {
    const config = configSchema.parse({ region: 'eu-west-3' });
    const ctx = createStepContext({ config, aws: {} as AwsClients, hosts: NO_HOSTS, signal: new AbortController().signal, outputsOf: () => undefined, beginOperation: async () => undefined, recordOutputs: async () => undefined, progress: () => undefined }, 'test');
    const nat = stepById(natSteps(config, 'ia'), 'network.ia.nat-gateway');
    const preview = nat.preview(ctx, { kind: 'absent' });
    expect(preview.monthlyCostUsd).toBeUndefined();
    expect(preview.notes?.join('\n')).toContain('Cost: unknown: no prices known for eu-west-3');
  });

  it("prices read from the Price List API win over the table, for their region only", () => {
    const paris: RegionPrices = {
      region: 'eu-west-3',
      source: 'the AWS Price List API on 2026-12-07',
      hourly: { natGateway: 0.05, publicIpv4: 0.005, instances: { 't3.small': 0.0236 }, rds: {} },
      monthly: { ebsGp3GbMonth: 0.0928, rdsGp3GbMonth: 0.133, secretsManagerSecret: 0.4, s3StandardGbMonth: 0.024 },
    };
    usePrices(paris);
    expect(natGatewayMonthly('eu-west-3')).toBe(36.5);
    expect(ec2InstanceMonthly('eu-west-3', 't3.small')).toBe(17.97); // 0.0236 × 730 + 8 × 0.0928
    expect(rdsInstanceMonthly('eu-west-3', 'db.m7g.large', 400, true)).toBeUndefined();
    expect(pricesNote('eu-west-3')).toBe('eu-west-3 prices from the AWS Price List API on 2026-12-07');
    expect(natGatewayMonthly('us-east-2')).toBe(32.85);
  });
});
