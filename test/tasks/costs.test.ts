import { describe, expect, it } from 'vitest';
import { ec2InstanceMonthly, formatMonthly, natGatewayMonthly, publicIpv4Monthly, rdsInstanceMonthly, s3StandardMonthly } from '../../src/tasks/costs.js';

describe('the price table', () => {
  it('bills hourly resources for 730 hours', () => {
    expect(natGatewayMonthly()).toBe(32.85);
    expect(publicIpv4Monthly()).toBe(3.65);
  });

  it('prices instances with their root volume, and says nothing for an unknown type', () => {
    expect(ec2InstanceMonthly('t3.small')).toBe(15.82); // 0.0208 × 730 + 8 × 0.08
    expect(ec2InstanceMonthly('t3.large', 20)).toBe(62.34);
    expect(ec2InstanceMonthly('x9.huge')).toBeUndefined();
  });

  it('prices the seed database: db.m7g.large Multi-AZ with 400 GB and its secret', () => {
    // 0.336 × 730 + 400 × 0.115 × 2 + 0.40
    expect(rdsInstanceMonthly('db.m7g.large', 400, true)).toBe(337.68);
    expect(rdsInstanceMonthly('db.m7g.large', 400, false)).toBe(169.04);
    expect(rdsInstanceMonthly('db.z9.mega', 20, true)).toBeUndefined();
  });

  it('formats', () => {
    expect(s3StandardMonthly(0)).toBe(0);
    expect(formatMonthly(32.85)).toBe('$32.85/month');
  });
});
