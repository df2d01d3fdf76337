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

/**
 * The targets, in requests of every kind (reads and writes) as a command makes them: the session's
 * identity call (GetCallerIdentity, the wrong-account guard every command makes once) included.
 */
const UP_TARGET = 110;
const PLAN_TARGET = 20;
const DOWN_TARGET = 120;

/**
 * What the runs asked, measured once (beforeAll) and then examined by the cases. Under load, moto's threaded
 * server now and then answers one of many parallel reads with a 500 (a race of the emulator's; the SDK
 * retries it, as it retries AWS's InternalError): such an answer and its retry are one request of the tool's,
 * so the 5xx answers are kept apart (`emulatorErrors`) and the retry is what counts.
 */
interface Calls {
  all: RequestLogEntry[];
  reads: RequestLogEntry[];
  mutating: RequestLogEntry[];
  emulatorErrors: RequestLogEntry[];
}

let sandbox: Sandbox;
const runs: Record<'identity' | 'up' | 'plan' | 'rerun' | 'down', Calls> = {} as never;

function callsSince(before: number): Calls {
  const logged = sandbox.gateway.log.slice(before);
  const all = logged.filter((c) => c.status < 500);
  return { all, reads: all.filter((c) => !c.mutating), mutating: all.filter((c) => c.mutating), emulatorErrors: logged.filter((c) => c.status >= 500) };
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
  // What every command asks before its work: the session's opening (the wrong-account guard) and its identity.
  const opening = sandbox.gateway.log.length;
  const session = await sandboxSession(config, sandbox.endpoint, await mkdtemp(join(tmpdir(), 'awsrb-counts-state-')));
  try {
    const measure = async (run: keyof typeof runs, action: () => Promise<unknown>) => {
      const before = sandbox.gateway.log.length;
      const outcome = await action();
      if (typeof outcome === 'string') expect(outcome, run).toBe('ok');
      runs[run] = callsSince(before);
    };
    await session.loadIdentity();
    runs.identity = callsSince(opening);
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

/**
 * What a plan of the built infrastructure reads, one call each: 11 EC2 kinds, 2 RDS, 6 for the bucket (S3 has
 * one GET per setting). Not read: the VPCs' DNS attributes (their steps are recorded done: `verify` checks
 * them, network.dns.<vpc>), HeadBucket (the bucket's step is recorded done and ListBuckets, filtered to this
 * account's buckets in this region, names it), the bucket's policy, policy status and ACL (Block Public
 * Access is fully on: they cannot make it public), the Ubuntu images (every instance is there: nothing to
 * launch), the DB subnet group's tags (ListTagsForResource: the state records the step made the group).
 */
const PLAN_READS = [
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
  'DescribeDBInstances',
  'DescribeDBSubnetGroups',
  'ListBuckets',
  'GetPublicAccessBlock',
  'GetBucketEncryption',
  'GetBucketVersioning',
  'GetBucketLifecycleConfiguration',
  'GetBucketTagging',
];

/** Groups whose missing rules go in one AuthorizeSecurityGroupIngress, read back after it (moto's answer lists only the last permission's rules): web, cyber, ia. */
const GROUPS_READ_BACK = 3;


describe('requests of the infrastructure sections (network … compute) against moto behind the gateway', () => {
  it('an emulator error (5xx) is only ever a read the SDK sent again, never a write', () => {
    for (const run of Object.values(runs)) {
      for (const error of run.emulatorErrors) {
        expect(error.mutating, error.action).toBe(false);
        expect(run.all.some((c) => c.action === error.action && c.seq > error.seq), `${error.action} sent again`).toBe(true);
      }
    }
  });

  it('a command asks who the caller is once: GetCallerIdentity', () => {
    expect(runs.identity.all.map((c) => c.action)).toEqual(['GetCallerIdentity']);
  });

  it(`a plan reads each resource type once: exactly these 19 reads, nothing written; ${PLAN_TARGET} requests with the identity call`, () => {
    expect(runs.plan.mutating).toEqual([]);
    expect(runs.plan.all.map((c) => c.action).sort()).toEqual([...PLAN_READS].sort());
    expect(runs.identity.all.length + runs.plan.all.length).toBeLessThanOrEqual(PLAN_TARGET);
  });

  it(`a no-op rerun reads what a plan reads, and writes nothing: 19 requests, ${PLAN_TARGET} with the identity call`, () => {
    expect(runs.rerun.mutating.map((c) => c.action)).toEqual([]);
    expect(runs.rerun.all.map((c) => c.action).sort()).toEqual([...PLAN_READS].sort());
    expect(runs.identity.all.length + runs.rerun.all.length).toBeLessThanOrEqual(PLAN_TARGET);
  });

  it('plan and the rerun read the bucket in 6 calls, the VPCs\' DNS attributes in none', () => {
    for (const run of [runs.plan, runs.rerun]) {
      expect(run.all.filter((c) => c.service === 's3')).toHaveLength(6);
      expect(run.all.filter((c) => ['DescribeVpcAttribute', 'HeadBucket', 'GetBucketPolicy', 'GetBucketPolicyStatus', 'GetBucketAcl'].includes(c.action))).toEqual([]);
    }
  });

  it(`a fresh up: 87 writes (one AuthorizeSecurityGroupIngress per group), each type read once but for the waits after a write; ${UP_TARGET} requests at most with the identity call`, () => {
    expect(runs.up.mutating).toHaveLength(87);
    expect(byAction(runs.up.mutating).AuthorizeSecurityGroupIngress).toBe(4);
    const reads = byAction(runs.up.reads);
    expect(reads.DescribeSecurityGroupRules).toBe(1 + GROUPS_READ_BACK);
    // NAT gateways and peerings go in subnets and VPCs this run made: nothing of them to read before the
    // creates, one look after each (a NAT gateway is pending, a new peering initiating-request, on AWS).
    expect(reads.DescribeNatGateways).toBe(2);
    expect(reads.DescribeVpcPeeringConnections).toBe(2);
    // The instances are launched: the image lookup reads the images (nothing is recorded yet).
    expect(reads.DescribeImages).toBe(1);
    for (const [action, count] of Object.entries(reads)) {
      if (!WAITS.has(action) && action !== 'DescribeSecurityGroupRules') expect(count, action).toBe(1);
    }
    // Measured: 21 reads (the waits: the database polled once, the 5 instances in 2 rounds besides the read
    // the launches compare answers with), 108 requests. Polls can merge but never multiply.
    expect(runs.identity.all.length + runs.up.all.length).toBeLessThanOrEqual(UP_TARGET);
  });

  it(`down: 71 writes, each type read once but for the waits; ${DOWN_TARGET} requests at most with the identity call (measured: 97)`, () => {
    expect(runs.down.mutating).toHaveLength(71);
    expect(runs.identity.all.length + runs.down.all.length).toBeLessThanOrEqual(DOWN_TARGET);
    const reads = byAction(runs.down.reads);
    expect(reads.DescribeVpcAttribute).toBeUndefined();
    expect(reads.HeadBucket).toBeUndefined();
    expect(reads.DescribeImages).toBeUndefined();
    expect(reads.ListTagsForResource).toBeUndefined();
    for (const [action, count] of Object.entries(reads)) {
      if (!WAITS.has(action)) expect(count, action).toBe(1);
    }
  });
});
