import { execFileSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';
import { RDSClient } from '@aws-sdk/client-rds';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, expect } from 'vitest';
import { createAwsClients, type AwsClients } from '../../../src/aws/clients.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { NO_HOSTS } from '../../../src/engine/context.js';
import type { RunbookSession } from '../../../src/app/session.js';
import type { Sandbox } from '../../../src/sandbox/sandbox.js';
import { backupObjectKey } from '../../../src/tasks/backup/names.js';
import { createCheckContext } from '../../../src/tasks/checks/context.js';
import { allChecks } from '../../../src/tasks/checks/index.js';
import { runChecks, type CheckReport } from '../../../src/tasks/checks/run-checks.js';
import type { Check, CheckOutcome } from '../../../src/tasks/checks/types.js';
import { sandboxSession } from '../../helpers/sandbox-session.js';
import { workerSandbox } from '../../helpers/worker-moto.js';

/**
 * One full `up` of the infrastructure sections against a sandbox (gateway + moto), for the test files
 * of the AWS-side checks: the checks run in-process through the gateway; tests break things with plain
 * SDK calls straight to moto. A dump is put under backups/ first, as `aws-runbook backup` names it,
 * so every check that needs no SSH passes after the up.
 */

export const SECTIONS = ['network', 'peering', 'security', 'database', 'storage', 'compute'] as const;
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface FullUp {
  sandbox: Sandbox;
  session: RunbookSession;
  config: Config;
  ec2: EC2Client;
  rds: RDSClient;
  s3: S3Client;
  /** Every check that needs no SSH (the others skip here: no hosts). */
  checks: Check[];
  /** The key of the dump put under backups/. */
  dumpKey: string;
  /** An output the run recorded (names only: the checks read AWS). */
  out(stepId: string, key: string): string;
  /** A fresh verify run: a new context, so every describe is made again. */
  verify(only?: readonly Check[]): Promise<CheckReport>;
}

/** Registers the hooks of one file; the fields are there from its first test on. */
export function useFullUp(suffix = 'Chk'): FullUp {
  const fixture = {} as FullUp;
  let checkClients: AwsClients | undefined;
  beforeAll(async () => {
    const sandbox = await workerSandbox();
    fixture.sandbox = sandbox;
    const dir = await mkdtemp(join(tmpdir(), 'awsrb-checks-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id')]);
    const config = configSchema.parse({ suffix, region: 'us-east-2', access: { adminCidr: '203.0.113.7/32', publicKeyPath: join(dir, 'id.pub') } });
    const session = await sandboxSession(config, sandbox.endpoint, join(dir, 'state'));
    Object.assign(fixture, { config, session });
    await session.loadIdentity();
    expect(await session.apply([...SECTIONS])).toBe('ok');
    const clients = createAwsClients({ region: config.region, endpoint: sandbox.endpoint });
    checkClients = clients;
    fixture.ec2 = new EC2Client({ region: config.region, endpoint: sandbox.motoEndpoint, credentials });
    fixture.rds = new RDSClient({ region: config.region, endpoint: sandbox.motoEndpoint, credentials });
    fixture.s3 = new S3Client({ region: config.region, endpoint: sandbox.motoEndpoint, credentials, forcePathStyle: true });
    fixture.checks = allChecks(config).filter((c) => !c.needsHosts);
    fixture.out = (stepId, key) => {
      const value = session.state?.steps[stepId]?.outputs?.[key];
      if (!value) throw new Error(`no ${key} recorded for ${stepId}`);
      return value;
    };
    fixture.verify = (only = fixture.checks) =>
      runChecks(only, createCheckContext({ config, aws: clients, hosts: NO_HOSTS, signal: new AbortController().signal, outputsOf: (stepId) => session.state?.steps[stepId]?.outputs }));
    fixture.dumpKey = backupObjectKey('shop', new Date());
    const body = Buffer.alloc(4096, 7); // more than an empty gzip
    await fixture.s3.send(new PutObjectCommand({ Bucket: fixture.out('storage.bucket', 'bucketName'), Key: fixture.dumpKey, Body: body }));
  }, 120_000);
  afterAll(async () => {
    for (const client of [fixture.ec2, fixture.rds, fixture.s3, checkClients]) client?.destroy();
    await fixture.session?.close();
    await fixture.sandbox?.stop();
  });
  return fixture;
}

export const failing = (report: CheckReport) => report.checks.filter((c) => c.status === 'fail').map((c) => c.id).sort();
export const notPassing = (report: CheckReport) => report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status}: ${c.evidence}`);
export function outcome(report: CheckReport, id: string): CheckOutcome {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no outcome for ${id}`);
  return found;
}
