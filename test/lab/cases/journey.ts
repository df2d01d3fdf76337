import { readFileSync, statSync, type Stats } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnvFile } from '../../../src/tasks/hosts/shop/env-file.js';
import { packShopZip, testStripeKeys } from '../../fixtures/shop/index.js';
import type { LabCall, LabHostKey } from '../lab.js';
import { startLabRun, type LabRun } from '../lab-run.js';

/**
 * The lab journey (test/lab/journey.test.ts): ONE lab run and ONE project (suffix LabJourney) for every
 * case module of test/lab/cases, ONE full `up --yes` of every section (backup included) and ONE no-op
 * rerun, both instrumented here once for all the modules' assertions.
 *
 * The shop source: this project hands over the fixture as the vendor ships it (a .zip holding one top-level
 * folder); the kill -9 project of e2e.ts uses the fixture folder (shopTestInput()), so both kinds of source
 * stay covered end to end (the .tar.gz shapes are covered by test/tasks/hosts/shop-source.test.ts).
 */

export const SUFFIX = 'LabJourney';
export const HOSTS = ['gitlab', 'ecommerce', 'wordpress', 'monitoring', 'ia'] as const satisfies readonly LabHostKey[];
export const DB_HOST = '10.1.2.10';
/** Every section but backup (the shop's refusals and the Docker failure run these, as they always did). */
export const UP_TO_HOSTS = 'network,peering,security,database,storage,compute,hosts';

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface UpRecord {
  /** `up --yes --verbose`, every section. */
  result: ToolResult;
  /** Per host, the host-changing stand-in calls (see `changing`) right after the up. */
  changingCalls: Record<LabHostKey, string[]>;
  /** What the up created or used that must never be printed or stored on the operator's side (secrets.ts). */
  secrets: Record<string, string>;
}

export interface RerunRecord {
  /** The same `up --yes --verbose`, again. */
  result: ToolResult;
  /** How many stand-in calls each host had just before the rerun. */
  callsBefore: Record<LabHostKey, number>;
  /** /opt/shop/.env on ecommerce just before the rerun. */
  envBefore: Stats;
  /** The gateway log was emptied just before the rerun; entries of the rerun have a greater seq. */
  since: number;
  /** The gateway log of the rerun (everything after the reset, read right after the rerun). */
  gatewayLog: GatewayLogEntry[];
  /** MariaDB's general log during the rerun (`command_type<TAB>argument` of Connect and Query). */
  generalLog: string[];
}

export interface Journey {
  run: LabRun;
  /** The Stripe keys of every run (fresh, so they can be searched for anywhere). */
  keys: Record<'STRIPE_PUBLISHABLE_KEY' | 'STRIPE_SECRET_KEY', string>;
  /** Everything any tool run of the journey printed, stdout and stderr. */
  printed: string[];
  /** `run.tool` with the Stripe keys (unless `env` is given), its output kept in `printed`. */
  tool(args: string[], options?: { env?: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<ToolResult>;
  /** SQL as an app user from its host (the password in the environment, the SQL on stdin). */
  sqlAs(host: LabHostKey, user: string, password: string, sql: string): Promise<{ code: number; lines: string[] }>;
  /** Runs the one up (once); throws with the tool's output unless it succeeded. */
  runUp(): Promise<UpRecord>;
  up(): UpRecord;
  /** Runs the one rerun (once), watched by host calls, the gateway log and MariaDB's general log. */
  runRerun(): Promise<RerunRecord>;
  rerun(): RerunRecord;
  stop(): Promise<void>;
}

/** The shared run, for the case modules (set by journey.test.ts's beforeAll). */
export type GetJourney = () => Journey;

/** Calls that change a host (installs, service changes, containers, reconfigures); probes are left out. */
export function changing(call: LabCall): boolean {
  const [command = '', ...args] = call.argv;
  const words = args.filter((a) => !a.startsWith('-'));
  if (command === 'apt-get' || command === 'apt') return ['install', 'update', 'remove', 'purge', 'upgrade'].includes(words[0] ?? '');
  if (command === 'systemctl') return ['enable', 'start', 'restart', 'disable', 'stop'].includes(words[0] ?? '');
  // `compose run` (WP-CLI's one-off containers) counts too: a rerun must not even check with one.
  if (command === 'docker') return ['run', 'rm', 'stop', 'pull', 'volume'].includes(words[0] ?? '') || (words[0] === 'compose' && (words[1] === 'run' || words.some((w) => ['up', 'down', 'restart'].includes(w))));
  if (command === 'gitlab-ctl') return ['reconfigure', 'restart', 'start'].includes(words[0] ?? '');
  return false;
}

export const argvs = (calls: LabCall[]) => calls.map((call) => call.argv.join(' '));

/** Gateway log entries as the control API returns them. */
export interface GatewayLogEntry {
  seq: number;
  service: string;
  action: string;
  mutating: boolean;
}
export async function gatewayLog(run: LabRun): Promise<GatewayLogEntry[]> {
  return ((await run.control('GET', 'log')) as { log: GatewayLogEntry[] }).log;
}

export async function startJourney(): Promise<Journey> {
  const archiveDir = await mkdtemp(join(tmpdir(), 'lab-journey-'));
  const archive = await packShopZip(archiveDir);
  let run: LabRun;
  try {
    run = await startLabRun({ suffix: SUFFIX, configYaml: `shop:\n  source: ${archive}\n` });
  } catch (error) {
    await rm(archiveDir, { recursive: true, force: true });
    throw error;
  }
  const keys = testStripeKeys();
  const printed: string[] = [];
  let upRecord: Promise<UpRecord> | undefined;
  let upDone: UpRecord | undefined;
  let rerunRecord: Promise<RerunRecord> | undefined;
  let rerunDone: RerunRecord | undefined;

  const tool: Journey['tool'] = async (args, options = {}) => {
    const result = await run.tool(args, { ...options, env: options.env ?? keys });
    printed.push(result.stdout, result.stderr);
    return result;
  };
  const sqlAs: Journey['sqlAs'] = async (host, user, password, sql) => {
    const result = await run.lab.exec(host, `mariadb -h ${DB_HOST} -u ${user} -N -B`, { input: sql, env: { MYSQL_PWD: password } });
    return { code: result.exitCode, lines: result.stdout.split('\n').filter(Boolean) };
  };
  const adminSql = (sql: string) => sqlAs('ecommerce', run.lab.db.adminUser, run.lab.db.adminPassword(), sql);
  const callCounts = async () => Object.fromEntries(await Promise.all(HOSTS.map(async (host) => [host, (await run.lab.calls(host)).length] as const))) as Record<LabHostKey, number>;

  const doUp = async (): Promise<UpRecord> => {
    const result = await tool(['up', '--yes', '--verbose'], { timeoutMs: 240_000 });
    if (result.code !== 0) throw new Error(`up --yes failed (${result.code}):\n${result.stdout}\n${result.stderr}`);
    const changingCalls = Object.fromEntries(await Promise.all(HOSTS.map(async (host) => [host, argvs((await run.lab.calls(host)).filter(changing))] as const)));
    // A file missing here fails the secrets case (its secret reads 'missing!'), not the whole journey.
    const read = (host: LabHostKey, path: string) => {
      try {
        return readFileSync(run.lab.hostPath(host, path), 'utf8');
      } catch {
        return '';
      }
    };
    const shopEnv = parseEnvFile(read('ecommerce', '/opt/shop/.env'));
    const wpEnv = parseEnvFile(read('wordpress', '/opt/wordpress/wordpress.env'));
    const secrets = {
      stripeSecret: keys.STRIPE_SECRET_KEY,
      masterPassword: run.lab.db.adminPassword(),
      shopDbPassword: shopEnv.get('DB_PASS') ?? 'missing!',
      shopAdminPassword: read('ecommerce', '/etc/aws-runbook/admin/shop.password').trim() || 'missing!',
      shopSecretKey: shopEnv.get('SECRET_KEY') ?? 'missing!',
      wordpressDbPassword: wpEnv.get('WORDPRESS_DB_PASSWORD') ?? 'missing!',
      gitlabRootPassword: /^Password: (.+)$/m.exec(read('gitlab', '/etc/gitlab/initial_root_password'))?.[1] ?? 'missing!',
      backupAccountPassword: /password="([^"]+)"/.exec(read('ecommerce', '/etc/aws-runbook/db-backup.cnf'))?.[1] ?? 'missing!',
      // The admin accounts the tool created (src/tasks/hosts/admin-credentials.ts), kept on their hosts only.
      wordpressAdminPassword: read('wordpress', '/etc/aws-runbook/admin/wordpress.password').trim() || 'missing!',
      kumaAdminPassword: read('monitoring', '/etc/aws-runbook/admin/uptime-kuma.password').trim() || 'missing!',
    };
    return { result, changingCalls: changingCalls as Record<LabHostKey, string[]>, secrets };
  };

  const doRerun = async (): Promise<RerunRecord> => {
    const envBefore = statSync(run.lab.hostPath('ecommerce', '/opt/shop/.env'));
    const callsBefore = await callCounts();
    const since = (await gatewayLog(run)).at(-1)?.seq ?? 0;
    await run.control('POST', 'reset-log');
    const logOn = await adminSql("SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 'ON';");
    if (logOn.code !== 0) throw new Error("could not turn MariaDB's general log on");
    const result = await tool(['up', '--yes', '--verbose'], { timeoutMs: 180_000 });
    await adminSql("SET GLOBAL general_log = 'OFF';");
    const log = await gatewayLog(run);
    const generalLog = (await adminSql("SELECT command_type, argument FROM mysql.general_log WHERE command_type IN ('Connect', 'Query');")).lines;
    return { result, callsBefore, envBefore, since, gatewayLog: log, generalLog };
  };

  return {
    run,
    keys,
    printed,
    tool,
    sqlAs,
    runUp: () => (upRecord ??= doUp().then((record) => (upDone = record))),
    up: () => {
      if (!upDone) throw new Error('the journey has not run its up (or it failed: see the first failure above)');
      return upDone;
    },
    runRerun: () => (rerunRecord ??= doRerun().then((record) => (rerunDone = record))),
    rerun: () => {
      if (!rerunDone) throw new Error('the journey has not run its rerun (or it failed: see the first failure above)');
      return rerunDone;
    },
    stop: async () => {
      await run.stop();
      await rm(archiveDir, { recursive: true, force: true });
    },
  };
}
