import { afterAll, describe, expect, it } from 'vitest';
import { cleanup } from './helpers/render-screen.js';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../src/screens/App.js';
import { RunbookSession } from '../../src/app/session.js';
import { resolveTarget, type Target } from '../../src/cli/target.js';
import { createPlainRenderer } from '../../src/render/plain-renderer.js';
import { parseEnvFile } from '../../src/tasks/hosts/shop/env-file.js';
import { STRIPE_ENV } from '../../src/tasks/hosts/shop/stripe-keys.js';
import type { SimulatedHosts } from '../../src/sandbox/simulated/simulated-hosts.js';
import { listContainers } from '../../src/sandbox/emulation/containers.js';
import { wordpressSite } from '../../src/sandbox/emulation/wp-cli.js';
import { renderScreen } from './helpers/render-screen.js';
import { walkWithEnter } from '../helpers/rehearsal-walk.js';
import { gunzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { SECTION_IDS } from '../../src/engine/types.js';
import { allSteps } from '../../src/runbook/sections.js';
import { runOnDemandBackup } from '../../src/tasks/backup/on-demand.js';
import { AuthorizeSecurityGroupIngressCommand, CreateRouteCommand, DeleteRouteCommand, DescribeRouteTablesCommand, DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { networkNames } from '../../src/tasks/network/names.js';
import { securityGroupName } from '../../src/tasks/security/rules.js';
import type { CheckReport } from '../../src/tasks/checks/run-checks.js';

/**
 * A new user's first ten minutes (issue 7): `aws-runbook --sandbox`, driven with Enter alone, walks every
 * section of the runbook — hosts and backup on the simulated hosts — to the Summary and the Checklist.
 * Then nothing that holds a secret of the run (the Stripe keys, the RDS master password, the apps' DB
 * passwords, GitLab's root password, the WordPress and Uptime Kuma admin passwords) is in the state directory, the run's log, the plain renderer's
 * lines or any frame the TUI drew; the remote files holding them are 0600. Then a second session on the
 * same state changes nothing (no mutating call, every step no-change, hosts included) and an on-demand
 * dump lands in S3. Nothing connects outside loopback: the tests' network guard (test/setup) refuses it.
 * (The wall time at the default time scale is a figure of bench/rehearsal-walk.ts, not asserted here.)
 */

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  cleanup();
  for (const done of cleanups.reverse()) await done();
});

async function walkFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Every secret the simulated hosts hold: the values of PASS(WORD), SECRET and KEY settings (by `host:NAME`), GitLab's root password file and the apps' admin password files. */
async function secretsOnHosts(hosts: SimulatedHosts): Promise<{ secrets: Map<string, string>; files: { host: string; path: string; mode: number }[] }> {
  const secrets = new Map<string, string>();
  const files: { host: string; path: string; mode: number }[] = [];
  for (const host of hosts.world.hosts.values()) {
    for (const dir of ['/opt', '/srv', '/etc/gitlab', '/etc/aws-runbook']) {
      const paths = await host.fs.readdir(dir).then(() => host.fs.getAllPaths().filter((p) => p.startsWith(`${dir}/`))).catch(() => []);
      for (const path of paths) {
        const info = await host.fs.stat(path);
        if (!info.isFile) continue;
        const text = await host.fs.readFile(path);
        let found = false;
        for (const match of text.matchAll(/^\s*(?:export\s+)?([A-Z0-9_]*(?:PASS|SECRET|_KEY)[A-Z0-9_]*)\s*[=:]\s*['"]?([^'"\s]{8,})/gm)) {
          // `$VAR` is a reference, `<YOUR_KEY_HERE>` the vendor's env.sample placeholder, `os.getenv(…` code: none is a secret.
          if (!match[1] || !match[2] || match[2].startsWith('$') || match[2].startsWith('<') || match[2].includes('(')) continue;
          secrets.set(`${host.name}:${match[1]}`, match[2]);
          found = true;
        }
        const root = /^Password:\s*(\S+)/m.exec(text)?.[1];
        if (root) secrets.set(`${host.name}:root password`, root);
        // The apps' admin accounts the tool created (src/tasks/hosts/admin-credentials.ts): the password alone.
        const admin = /^\/etc\/aws-runbook\/admin\/([a-z-]+)\.password$/.exec(path)?.[1];
        if (admin && text.trim().length >= 8) secrets.set(`${host.name}:admin ${admin}`, text.trim());
        if (found || root || admin) files.push({ host: host.name, path, mode: info.mode & 0o777 });
      }
    }
  }
  return { secrets, files };
}

let target: Target;
let stateDir: string;
/** The rerun's session, kept open for the network test at the end. */
let second: RunbookSession;

/** A session of the rehearsal's target, on the walk's state directory, as the CLI opens one. */
function openSession(command: string): Promise<RunbookSession> {
  return RunbookSession.open({
    config: target.config,
    configPath: target.configPath,
    configFound: target.configFound,
    stateDir,
    aws: target.aws,
    sandbox: true,
    ...(target.addressPolicy ? { addressPolicy: target.addressPolicy } : {}),
    mode: 'write',
    command,
    log: {},
  });
}

describe('the sandbox rehearsal in the TUI, with Enter only', () => {
  it('reaches the Summary and the Checklist; no secret in state, log, plain lines or any frame; remote secret files 0600', async () => {
    const notices: string[] = [];
    target = await resolveTarget({ sandbox: true }, (line) => notices.push(line));
    cleanups.push(() => target.release());
    // The default time scale makes the RDS instance wait 18 s; the walk itself is what this test is about.
    target.sandbox?.gateway.setLatency(undefined);
    expect(target.simulatedHosts).toBeDefined();
    expect(notices.join('\n')).toMatch(/shop\.source is not set: the rehearsal installs a stand-in shop/);
    stateDir = await mkdtemp(join(tmpdir(), 'awsrb-walk-'));
    const session = await openSession('tui');
    cleanups.push(() => session.close());
    const plain: string[] = [];
    const render = createPlainRenderer({ write: (line) => plain.push(line), verbose: true, color: false });
    session.subscribe((event) => render(event));

    expect(session.sections().every((s) => s.available)).toBe(true);
    const screen = await renderScreen(<App controller={session} onExit={() => undefined} />);
    expect(await walkWithEnter(screen)).toBe(8);
    const summary = await screen.waitForFrame('Summary', 5_000);
    expect(summary).toContain('Hosts (simulated in this process');
    expect(plain.join('\n')).toContain('hosts are simulated in this process: nothing connects anywhere');
    for (const section of session.sections()) expect(section.recorded).toBe('done');

    // The secrets of this run, by where they live: each kind the issue names is there to look for.
    const onHosts = await secretsOnHosts(target.simulatedHosts as SimulatedHosts);
    const names = [...onHosts.secrets.keys()];
    for (const expected of [/^ecommerce:STRIPE_SECRET_KEY$/, /^ecommerce:DB_PASS$/, /^ecommerce:SECRET_KEY$/, /^ecommerce:admin shop$/, /^wordpress:.*PASSWORD$/, /^gitlab:root password$/, /^wordpress:admin wordpress$/, /^monitoring:admin uptime-kuma$/]) {
      expect(names.some((name) => expected.test(name)), `${expected} among ${names.join(', ')}`).toBe(true);
    }
    const rootPassword = onHosts.secrets.get('gitlab:root password') ?? '';
    const master = JSON.parse(target.simulatedHosts?.labMap().rds?.masterUserSecret ?? '{}').password as string;
    const stripe = process.env[STRIPE_ENV.secret] ?? '';
    const secrets = [...new Set([...onHosts.secrets.values(), master, stripe, process.env[STRIPE_ENV.publishable] ?? ''])].filter((s) => s.length >= 8);
    expect(stripe).toMatch(/^sk_test_/);
    expect(master.length).toBeGreaterThanOrEqual(8);

    // The admin passwords, on request only: g shows them (read over SSH now), g hides them again.
    const adminPasswords = ['ecommerce:admin shop', 'wordpress:admin wordpress', 'monitoring:admin uptime-kuma'].map((name) => onHosts.secrets.get(name) ?? `(${name} missing)`);
    const revealFrom = screen.frames().length;
    await screen.press('g');
    const revealed = await screen.waitForFrame((f) => f.includes(rootPassword) && adminPasswords.every((p) => f.includes(p)), 30_000);
    expect(revealed).toContain('never in the state or a log');
    await screen.press('g');
    await screen.waitForFrame((f) => f.includes('press g to show') && !f.includes(rootPassword) && adminPasswords.every((p) => !f.includes(p)));
    const revealTo = screen.frames().length;

    await screen.press('enter');
    const checklist = await screen.waitForFrame(/every required check holds|required checks failed/, 90_000);
    expect(checklist).toContain('every required check holds');
    expect(checklist).toMatch(/\d+ passed, 0 failed/);
    // Every check, a page at a time (the list scrolls): none failed, and the ping Cyber → IA is ok.
    const pages: string[] = [];
    for (let page = 0; page < 12 && !pages.some((f) => f.includes('MVP → IA: ping')); page++) {
      pages.push(screen.frame());
      await screen.press('pageDown');
    }
    pages.push(screen.frame());
    const rows = pages.flatMap((frame) => frame.split('\n'));
    expect(rows.filter((row) => /✗/.test(row))).toEqual([]);
    expect(rows.some((row) => /✓ Cyber → IA: ping ok/.test(row))).toBe(true);

    const paths = onHosts.files.map((f) => `${f.host}:${f.path}`);
    expect(paths).toEqual(expect.arrayContaining(['ecommerce:/opt/shop/.env', 'gitlab:/etc/gitlab/initial_root_password', 'wordpress:/etc/aws-runbook/admin/wordpress.password', 'monitoring:/etc/aws-runbook/admin/uptime-kuma.password']));
    expect(paths.some((p) => p.startsWith('wordpress:/opt/wordpress/'))).toBe(true);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    for (const file of onHosts.files) expect({ ...file, mode: file.mode.toString(8) }).toEqual({ ...file, mode: '600' });

    await session.close();
    const stored = await Promise.all((await walkFiles(stateDir)).map(async (path) => ({ path, text: await readFile(path, 'utf8') })));
    expect(stored.map((f) => f.path).some((p) => p.includes('/logs/'))).toBe(true);
    const places: { where: string; text: string; revealing?: boolean }[] = [
      ...stored.map((f) => ({ where: f.path, text: f.text })),
      { where: 'plain renderer', text: plain.join('\n') },
      { where: 'notices', text: notices.join('\n') },
      ...screen.frames().map((text, i) => ({ where: `frame ${i}`, text, revealing: i >= revealFrom && i < revealTo })),
    ];
    expect(places.length).toBeGreaterThan(50);
    // While the operator asked to see them, the admin passwords (and they alone) are on screen.
    const admins = [...onHosts.secrets].filter(([name]) => name === 'gitlab:root password' || /:admin /.test(name)).map(([, value]) => value);
    const allowed = (place: { revealing?: boolean }, secret: string) => place.revealing === true && admins.includes(secret);
    const leaks = places.flatMap((place) => secrets.filter((s) => place.text.includes(s) && !allowed(place, s)).map((s) => `${place.where}: ${s.slice(0, 4)}…`));
    expect(leaks).toEqual([]);
    expect((await stat(join(stateDir, 'state.json'))).isFile()).toBe(true);
  }, 300_000);

  it('then a rerun changes nothing, hosts included, and an on-demand dump of both databases lands in S3', async () => {
    expect(target?.sandbox, 'the walk above ran').toBeDefined();
    const gateway = target.sandbox!.gateway;
    const since = gateway.log.length;
    second = await openSession('up');
    cleanups.push(() => second.close());
    const actions = new Map<string, string>();
    const failed: string[] = [];
    second.subscribe((event) => {
      if (event.type === 'step-done') actions.set(event.stepId, event.action);
      if (event.type === 'step-failed') failed.push(`${event.stepId}: ${event.error.message}`);
    });
    await second.loadIdentity();
    expect(await second.apply([...SECTION_IDS])).toBe('ok');
    expect(failed).toEqual([]);
    expect(gateway.log.slice(since).filter((entry) => entry.mutating)).toEqual([]);
    expect([...actions].filter(([, action]) => action !== 'no-change')).toEqual([]);
    expect([...actions.keys()].sort()).toEqual(allSteps(second.runbook).map((step) => step.id).sort());
    expect([...actions.keys()].filter((id) => id.startsWith('hosts.') || id.startsWith('backup.')).length).toBeGreaterThan(20);

    // The shop as the hosts section left it: its .env 0600 for ubuntu with the Stripe key, its container up.
    const ecommerce = (target.simulatedHosts as SimulatedHosts).world.host('ecommerce');
    const env = await ecommerce.fs.stat('/opt/shop/.env');
    expect([env.mode & 0o777, ecommerce.owners.get('/opt/shop/.env').user]).toEqual([0o600, 'ubuntu']);
    expect(await ecommerce.fs.readFile('/opt/shop/.env')).toContain(`STRIPE_SECRET_KEY=${process.env[STRIPE_ENV.secret] ?? '(unset)'}`);
    // The vendor's layout, as the stand-in source ships it: the Django service and nginx on 5085, data on RDS.
    expect((await listContainers(ecommerce.emulated)).map((c) => c.name).sort()).toEqual(['appseed_app', 'nginx']);
    expect([...ecommerce.listeners.keys()]).toContain(5085);
    expect(await ecommerce.fs.exists('/opt/shop/db.sqlite3')).toBe(false);
    const world = (target.simulatedHosts as SimulatedHosts).world;
    const shopEnv = parseEnvFile(await ecommerce.fs.readFile('/opt/shop/.env'));
    const asShop = world.database.connect('shop', shopEnv.get('DB_PASS'), ecommerce.privateIp, 'shop');
    expect(world.database.execute(asShop, 'SHOW TABLES').result?.rows.flat()).toEqual(expect.arrayContaining(['django_migrations', 'auth_user']));
    expect(second.state?.steps['hosts.shop']?.outputs?.['url'] ?? '').toMatch(/:5085\/$/);
    // WordPress installed by WP-CLI (never left at its installer) and Uptime Kuma set up with its three monitors, once.
    const wordpress = world.host('wordpress');
    expect((await wordpressSite(wordpress.emulated, 'wordpress_wordpress_data')).install).toMatchObject({ adminUser: 'admin', url: `http://${wordpress.publicIp}/` });
    const kuma = JSON.parse(await world.host('monitoring').fs.readFile('/var/lib/docker/volumes/uptime-kuma/_data/kuma-stand-in.json')) as { users: { username: string }[]; monitors: { name: string }[] };
    expect([kuma.users.map((u) => u.username), kuma.monitors.map((m) => m.name)]).toEqual([['admin'], ['Shop (Rocket eCommerce)', 'WordPress', 'GitLab']]);

    const backup = await runOnDemandBackup(second.engineContext('backup.timer'));
    expect(backup.failures).toEqual([]);
    expect(backup.databases.sort()).toEqual(['shop', 'wordpress']);
    const object = await target.aws.s3.send(new GetObjectCommand({ Bucket: backup.bucket, Key: backup.results[0]?.key }));
    const dump = gunzipSync(Buffer.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())).toString();
    expect(dump).toMatch(new RegExp(`CREATE DATABASE .*\`${backup.results[0]?.database}\``));
  }, 120_000);

  it('a peering route deleted, then a security-group rule revoked, through the AWS API: the matching ping checks fail on the pings themselves', async () => {
    expect(second, 'the rerun above ran').toBeDefined();
    const { ec2 } = target.aws;
    const { suffix, network } = target.config;
    const statusOf = (report: CheckReport) => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
    const evidenceOf = (report: CheckReport, id: string) => report.checks.find((c) => c.id === id)?.evidence ?? `(no check ${id})`;
    const clean = await second.verify({ groups: ['connectivity'] });
    expect(clean.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);

    // MVP's public route table loses its route to the Cyber VPC: the shop and WordPress cannot answer Cyber.
    const [mvpPublic] = (await ec2.send(new DescribeRouteTablesCommand({ Filters: [{ Name: 'tag:Name', Values: [networkNames(suffix, 'mvp').rtPublic] }] }))).RouteTables ?? [];
    const peeringId = mvpPublic?.Routes?.find((r) => r.DestinationCidrBlock === network.cyber.cidr)?.VpcPeeringConnectionId;
    expect(peeringId).toMatch(/^pcx-/);
    await ec2.send(new DeleteRouteCommand({ RouteTableId: mvpPublic?.RouteTableId, DestinationCidrBlock: network.cyber.cidr }));
    const routeless = await second.verify({ groups: ['connectivity'] });
    expect(statusOf(routeless)).toMatchObject({ 'connectivity.cyber-to-mvp': 'fail', 'connectivity.cyber-to-ia': 'pass', 'connectivity.ia-to-cyber': 'pass', 'connectivity.ia-to-mvp': 'pass' });
    // The pings themselves went unanswered (the simulated hosts answer from moto, not from the design), as predicted from the live tables.
    expect(evidenceOf(routeless, 'connectivity.cyber-to-mvp')).toMatch(/^ping: no route \/ predicted: no route \/ design: ok/);
    await ec2.send(new CreateRouteCommand({ RouteTableId: mvpPublic?.RouteTableId, DestinationCidrBlock: network.cyber.cidr, VpcPeeringConnectionId: peeringId }));

    // SG-IA loses its ICMP rule: Cyber's pings to the IA workstation go unanswered; the route is back, so Cyber → MVP answers again.
    const [ia] = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [securityGroupName(suffix, 'ia')] }] }))).SecurityGroups ?? [];
    const icmp = ia?.IpPermissions?.find((p) => p.IpProtocol === 'icmp');
    expect(icmp?.IpRanges?.map((r) => r.CidrIp)).toEqual([network.cyber.cidr]);
    await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: ia?.GroupId, IpPermissions: [icmp!] }));
    const ruleless = await second.verify({ groups: ['connectivity'] });
    expect(statusOf(ruleless)).toMatchObject({ 'connectivity.cyber-to-ia': 'fail', 'connectivity.cyber-to-mvp': 'pass', 'connectivity.ia-to-cyber': 'pass' });
    expect(evidenceOf(ruleless, 'connectivity.cyber-to-ia')).toMatch(/^ping: no answer \/ predicted: blocked \/ design: ok/);
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: ia?.GroupId, IpPermissions: [icmp!] }));

    const repaired = await second.verify({ groups: ['connectivity'] });
    expect(repaired.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.evidence}`)).toEqual([]);
  }, 120_000);
});

