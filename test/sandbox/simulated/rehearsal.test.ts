import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { createAwsClients } from '../../../src/aws/clients.js';
import { configSchema, type Config } from '../../../src/config/schema.js';
import { sandboxSession } from '../../helpers/sandbox-session.js';
import type { RunbookSession } from '../../../src/engine/session.js';
import { SECTION_IDS, type PlanAction } from '../../../src/engine/types.js';
import { rehearsalConfig, rehearsalHostInputs } from '../../../src/sandbox/rehearsal-config.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';
import { startSimulatedHosts, type StartedSimulatedHosts } from '../../../src/sandbox/simulated/start.js';
import { REHEARSAL_STRIPE_KEYS } from '../../../src/sandbox/simulated/shop-stand-in.js';
import { runOnDemandBackup } from '../../../src/tasks/backup/on-demand.js';
import { STRIPE_ENV } from '../../../src/tasks/hosts/shop/stripe-keys.js';
import { destinationOf } from '../../setup/socket-guard.mjs';

/**
 * The rehearsal in-process: moto + gateway (no latency) and the simulated hosts, every section applied
 * through a real session, then again. Every socket the process opens is recorded: loopback only.
 */

const connects: string[] = [];
const originalConnect = net.Socket.prototype.connect;
let sandbox: Sandbox;
let simulated: StartedSimulatedHosts;
let config: Config;
let dir: string;
const savedStripe = { publishable: process.env[STRIPE_ENV.publishable], secret: process.env[STRIPE_ENV.secret] };


beforeAll(async () => {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    connects.push(destinationOf(args).text);
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  delete process.env[STRIPE_ENV.publishable];
  delete process.env[STRIPE_ENV.secret];
  sandbox = await startSandbox();
  dir = await mkdtemp(join(tmpdir(), 'awsrb-simulated-'));
  const base = configSchema.parse({ suffix: 'Sim', access: { publicKeyPath: join(dir, 'no-key.pub') } });
  config = await rehearsalHostInputs(await rehearsalConfig(base, dir, () => undefined), dir, () => undefined);
  simulated = await startSimulatedHosts(config, sandbox);
});

afterAll(async () => {
  net.Socket.prototype.connect = originalConnect;
  simulated?.hosts.close();
  await sandbox?.stop();
  for (const [key, value] of [[STRIPE_ENV.publishable, savedStripe.publishable], [STRIPE_ENV.secret, savedStripe.secret]] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

async function openSession(): Promise<RunbookSession> {
  return sandboxSession(config, sandbox.endpoint, join(dir, 'state'), { configPath: join(dir, 'aws-runbook.yaml'), addressPolicy: simulated.policy });
}

async function applyAll(session: RunbookSession): Promise<{ outcome: string; actions: Map<string, PlanAction | 'destroy'>; failed: string[] }> {
  const actions = new Map<string, PlanAction | 'destroy'>();
  const failed: string[] = [];
  session.subscribe((event) => {
    if (event.type === 'step-done') actions.set(event.stepId, event.action);
    if (event.type === 'step-failed') failed.push(`${event.stepId}: ${event.error.message}`);
  });
  await session.loadIdentity();
  return { outcome: await session.apply([...SECTION_IDS]), actions, failed };
}

describe('the full rehearsal against simulated hosts', () => {
  it('walks every section (hosts and backup included); a rerun changes nothing; an on-demand dump lands in S3; loopback only', async () => {
    expect(process.env[STRIPE_ENV.secret]).toBe(REHEARSAL_STRIPE_KEYS.secretKey);
    const first = await openSession();
    let run: Awaited<ReturnType<typeof applyAll>>;
    try {
      expect(first.hostsReachable).toBe(true);
      expect(first.sections().every((section) => section.available)).toBe(true);
      run = await applyAll(first);
      expect(run.failed).toEqual([]);
      expect(run.outcome).toBe('ok');
      expect(first.runbook.flatMap((s) => s.steps).every((step) => run.actions.has(step.id))).toBe(true);
      expect([...run.actions.keys()].filter((id) => id.startsWith('hosts.') || id.startsWith('backup.')).length).toBeGreaterThan(20);
      const password = await first.revealGitlabRootPassword();
      expect(password).toMatch(/^\S{20,}$/);
      expect(await readFile(join(dir, 'state', 'state.json'), 'utf8')).not.toContain(password as string);
    } finally {
      await first.close();
    }

    const ecommerce = simulated.hosts.world.host('ecommerce');
    const env = await ecommerce.fs.stat('/opt/shop/.env');
    expect([env.mode & 0o777, ecommerce.owners.get('/opt/shop/.env').user]).toEqual([0o600, 'ubuntu']);
    expect(await ecommerce.fs.readFile('/opt/shop/.env')).toContain(`STRIPE_SECRET_KEY=${REHEARSAL_STRIPE_KEYS.secretKey}`);
    expect([...ecommerce.containers.keys()]).toContain('shop-web-1');

    const since = sandbox.gateway.log.length;
    const second = await openSession();
    try {
      const rerun = await applyAll(second);
      expect(rerun.outcome).toBe('ok');
      expect(sandbox.gateway.log.slice(since).filter((entry) => entry.mutating)).toEqual([]);
      expect([...rerun.actions].filter(([, action]) => action !== 'no-change')).toEqual([]);
      expect(rerun.actions.size).toBe(run.actions.size);

      const backup = await runOnDemandBackup(second.engineContext('backup.timer'));
      expect(backup.failures).toEqual([]);
      expect(backup.databases.sort()).toEqual(['shop', 'wordpress']);
      const object = await createAwsClients({ region: config.region, endpoint: sandbox.endpoint }).s3.send(new GetObjectCommand({ Bucket: backup.bucket, Key: backup.results[0]?.key }));
      const dump = gunzipSync(Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())).toString();
      expect(dump).toMatch(new RegExp(`CREATE DATABASE .*\`${backup.results[0]?.database}\``));
    } finally {
      await second.close();
    }
    const outside = connects.filter((to) => !/^(127\.0\.0\.1|localhost):/.test(to));
    expect(connects.length).toBeGreaterThan(0);
    expect(outside).toEqual([]);
  }, 180_000);
});
