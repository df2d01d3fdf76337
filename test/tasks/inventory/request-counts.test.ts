import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import type { SectionId } from '../../../src/engine/types.js';
import type { RequestLogEntry } from '../../../src/sandbox/gateway.js';
import type { Sandbox } from '../../../src/sandbox/sandbox.js';
import { sandboxSession } from '../../helpers/sandbox-session.js';
import { workerSandbox } from '../../helpers/worker-moto.js';

/**
 * What one `up`, `plan`, no-op rerun and `down` of the infrastructure (network … compute, no host step)
 * ask AWS, counted at the sandbox's gateway in front of plain moto. Counts are stable from run to run
 * (times are not, and are never asserted: see bench/).
 */
const INFRASTRUCTURE: SectionId[] = ['network', 'peering', 'security', 'database', 'storage', 'compute'];

/** The target for `down` (requests of every kind, reads and writes). */
const DOWN_TARGET = 120;

/** What the runs asked, measured once (beforeAll) and then examined by the cases. */
interface Calls {
  all: RequestLogEntry[];
  reads: RequestLogEntry[];
  mutating: RequestLogEntry[];
}

let sandbox: Sandbox;
const runs: Record<'up' | 'plan' | 'rerun' | 'down', Calls> = {} as never;

function callsSince(before: number): Calls {
  const all = sandbox.gateway.log.slice(before);
  return { all: [...all], reads: all.filter((c) => !c.mutating), mutating: all.filter((c) => c.mutating) };
}

/** `{ DescribeVpcs: 1, … }` */
function byAction(entries: readonly RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) counts[entry.action] = (counts[entry.action] ?? 0) + 1;
  return counts;
}

beforeAll(async () => {
  sandbox = await workerSandbox();
  const keyDir = await mkdtemp(join(tmpdir(), 'awsrb-counts-key-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(keyDir, 'id')]);
  const config = configSchema.parse({ suffix: 'Counts', access: { adminCidr: '203.0.113.7/32', publicKeyPath: join(keyDir, 'id.pub') } });
  const session = await sandboxSession(config, sandbox.endpoint, await mkdtemp(join(tmpdir(), 'awsrb-counts-state-')));
  try {
    await session.loadIdentity();
    const measure = async (run: keyof typeof runs, action: () => Promise<unknown>) => {
      const before = sandbox.gateway.log.length;
      const outcome = await action();
      if (typeof outcome === 'string') expect(outcome, run).toBe('ok');
      runs[run] = callsSince(before);
    };
    await measure('up', () => session.apply(INFRASTRUCTURE));
    // A rerun plans for itself (apply keeps no plan); `plan` as the command runs it (no prerequisite check).
    await measure('rerun', () => session.apply(INFRASTRUCTURE));
    await measure('plan', () => session.preview(INFRASTRUCTURE));
    await measure('down', () => session.down(INFRASTRUCTURE));
  } finally {
    await session.close();
  }
}, 240_000);

afterAll(async () => {
  await sandbox?.stop();
});

/**
 * Reads that also wait for AWS after a write (a NAT gateway or an instance becoming available, a peering
 * becoming active, the database): the plan's one read, then the polls of the apply or teardown.
 */
const WAITS = new Set(['DescribeNatGateways', 'DescribeVpcPeeringConnections', 'DescribeInstances', 'DescribeDBInstances']);

describe('requests of the infrastructure sections (network … compute) against moto behind the gateway', () => {
  it('a plan reads each resource type once: one call per Describe/Get/List action, no DNS attribute of a VPC recorded done', () => {
    const perType = byAction(runs.plan.reads);
    expect(runs.plan.mutating).toEqual([]);
    // The VPCs' steps are recorded done: their DNS attributes are verify's (network.dns.<vpc>), not the plan's.
    expect(perType.DescribeVpcAttribute).toBeUndefined();
    for (const [action, count] of Object.entries(perType)) expect(count, action).toBe(1);
    // Every kind the issue names, each read once: EC2's, RDS's, the bucket's.
    for (const action of [
      'DescribeVpcs',
      'DescribeSubnets',
      'DescribeRouteTables',
      'DescribeInternetGateways',
      'DescribeNatGateways',
      'DescribeAddresses',
      'DescribeVpcPeeringConnections',
      'DescribeSecurityGroups',
      'DescribeSecurityGroupRules',
      'DescribeInstances',
      'DescribeKeyPairs',
      'DescribeImages',
      'DescribeDBInstances',
      'DescribeDBSubnetGroups',
      'ListBuckets',
    ]) {
      expect(perType[action], action).toBe(1);
    }
  });

  it('a no-op rerun reads what a plan reads, and writes nothing', () => {
    expect(runs.rerun.mutating.map((c) => c.action)).toEqual([]);
    expect(byAction(runs.rerun.reads)).toEqual(byAction(runs.plan.reads));
  });

  it('plan and the no-op rerun: 21 requests each (6 of them the bucket: S3 has one GET per setting)', () => {
    expect(runs.plan.all).toHaveLength(21);
    expect(runs.rerun.all).toHaveLength(21);
    // The bucket recorded done: ListBuckets (this account, this region) stands for HeadBucket; with Block
    // Public Access fully on, its policy and ACL are not read (they cannot make it public).
    const bucket = runs.plan.all.filter((c) => c.service === 's3').map((c) => c.action);
    expect(bucket.sort()).toEqual(
      ['ListBuckets', 'GetPublicAccessBlock', 'GetBucketEncryption', 'GetBucketVersioning', 'GetBucketLifecycleConfiguration', 'GetBucketTagging'].sort(),
    );
  });

  it('a fresh up: 87 writes, and each type read once but for the waits after a write', () => {
    expect(runs.up.mutating).toHaveLength(87);
    const reads = byAction(runs.up.reads);
    // The plan's read, then one read-back per group given several rules in one call (moto's answer lists only the last).
    expect(reads.DescribeSecurityGroupRules).toBe(1 + 3);
    for (const [action, count] of Object.entries(reads)) {
      if (!WAITS.has(action) && action !== 'DescribeSecurityGroupRules') expect(count, action).toBe(1);
    }
    // Measured: 117 (baseline before the inventory: 321). Polls can merge but never multiply.
    expect(runs.up.all.length).toBeLessThanOrEqual(110);
  });

  it(`down: ${DOWN_TARGET} requests at most`, () => {
    expect(runs.down.mutating).toHaveLength(71);
    expect(runs.down.all.length).toBeLessThanOrEqual(DOWN_TARGET);
    const reads = byAction(runs.down.reads);
    expect(reads.DescribeVpcAttribute).toBeUndefined();
    for (const [action, count] of Object.entries(reads)) {
      if (!WAITS.has(action)) expect(count, action).toBe(1);
    }
  });
});
