import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { verifyReportSchema, type VerifyReportJson } from '../../../src/tasks/checks/report-schema.js';
import { CHECK_GROUPS } from '../../../src/tasks/checks/types.js';
import { addIcmpAccept, forwardRules, icmpAcceptSpec, removeIcmpAccept } from '../router-rules.js';
import { VPC_CIDRS } from '../topology.js';
import { SUFFIX, type GetJourney, type Journey } from './journey.js';

/**
 * `aws-runbook verify` in the lab, after the journey's full `up --yes`: the real CLI in the operator
 * namespace reads the sandbox (moto + gateway mapped to the lab) and logs in to the lab hosts through the
 * bastion. The hosts, apps and connectivity checks all pass; then one filter rule of the router (the
 * "security group" on the wire) is removed or added by hand, which the AWS side does not know: exactly the
 * expected ping pair flips, and verify reports the ping disagreeing with the prediction from the live route
 * tables and security groups (exit 1). Every report printed is validated against the report schema (what
 * CI consumers parse). (That verify prints no secret is secrets.ts.)
 */

type Outcome = VerifyReportJson['checks'][number];

/** `verify --json`, of some groups or (none given) of all; the report is parsed with its schema. */
async function verify(journey: Journey, groups?: string): Promise<{ code: number; report: VerifyReportJson; checks: Outcome[]; byId: Record<string, Outcome> }> {
  const result = await journey.tool(['verify', '--json', ...(groups ? ['--only', groups] : [])], { timeoutMs: 90_000 });
  let json: unknown;
  try {
    json = JSON.parse(result.stdout);
  } catch {
    throw new Error(`verify printed no JSON report (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  const parsed = verifyReportSchema.safeParse(json);
  if (!parsed.success) throw new Error(`verify's report does not fit its schema: ${parsed.error.message}`);
  const report = parsed.data;
  expect(report.ok).toBe(result.code === 0);
  const ids = report.checks.map((c) => c.id);
  expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  return { code: result.code, report, checks: report.checks, byId: Object.fromEntries(report.checks.map((c) => [c.id, c])) };
}

const notPassing = (checks: Outcome[]) => checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.status}: ${c.evidence}`);

/** Reads only; after backup.ts's `backupStreams` (the storage checks want its dumps). */
export function verifyReadOnly(j: GetJourney): void {
  it('after up, every hosts, apps and connectivity check passes, the live pings side by side with the prediction', async () => {
    const { code, checks, byId } = await verify(j(), 'hosts,apps,connectivity');
    expect(notPassing(checks)).toEqual([]);
    expect(code).toBe(0);
    expect(new Set(checks.map((c) => c.group))).toEqual(new Set(['hosts', 'apps', 'connectivity']));
    expect(checks).toHaveLength(13 + 5 + 7);
    expect(byId['apps.shop.database']?.evidence).toMatch(/^\d+ tables in shop on 10\.1\.2\.10:3306 as shop, django_migrations among them$/);
    expect(byId['hosts.ia.ssh']?.evidence).toMatch(/^ubuntu@ia \(10\.2\.2\.10 via gitlab\): logged in/);
    expect(byId['apps.gitlab.readiness']?.evidence).toContain('HTTP 200, status "ok"');
    expect(byId['connectivity.cyber-to-ia']?.evidence).toBe('ping: ok / predicted: ok / design: ok');
    expect(byId['connectivity.ia-to-cyber']?.evidence).toBe('ping: no answer / predicted: blocked / design: blocked');
    // The lab's router answers "Destination Net Unreachable" between the unpeered VPCs.
    expect(byId['connectivity.ia-to-mvp']?.evidence).toBe('ping: no route / predicted: no route / design: no route');
    expect(byId['connectivity.cyber-to-mvp']?.details).toHaveLength(4);
  }, 120_000);

  it('the backups: the dump made by `aws-runbook backup` (backupStreams) is fresh and the daily timer is enabled', async () => {
    const { byId } = await verify(j(), 'storage');
    expect(byId['storage.backups.fresh']).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/^newest dump backups\/\S+\.sql\.gz: .*, \d+ min old; \d+ database\(s\) dumped within 26 h$/) });
    expect(byId['storage.backup-timer']).toMatchObject({ status: 'pass', evidence: expect.stringContaining('aws-runbook-db-backup.timer on ecommerce is enabled and active') });
  }, 150_000);

  it('the whole checklist (no --only): every group present, ids unique, all pass once a dump exists; up ended suggesting verify', async () => {
    const { code, report, checks } = await verify(j());
    expect(notPassing(checks)).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ version: 1, project: SUFFIX.toLowerCase(), ok: true, counts: { pass: checks.length, fail: 0, warn: 0, skip: 0 } });
    expect([...new Set(checks.map((c) => c.group))]).toEqual([...CHECK_GROUPS]);
    expect(checks.filter((c) => c.group === 'security').map((c) => c.id)).toEqual(expect.arrayContaining(['security.ec2-8.imdsv2-required', 'security.rds-5.multi-az', 'security.s3-8.public-access-blocked']));
    // The VPCs' DNS attributes (no longer read by a plan once the VPC step is done) are checked here, and pass.
    expect(checks.filter((c) => c.id.startsWith('network.dns.')).map((c) => `${c.id} ${c.status}`)).toEqual(['network.dns.mvp pass', 'network.dns.ia pass', 'network.dns.cyber pass']);
    expect(j().up().result.stdout).toMatch(/^next: aws-runbook verify --endpoint-url http:\/\/127\.0\.0\.1:\d+ — checks what was built against the design/m);
  }, 120_000);
}

/** Router rules changed by hand; each case puts the router back as the lab built it and checks it did. */
export function verifyPerturb(j: GetJourney): void {
  it("a shop .env under names Rocket eCommerce does not read (DB_USER, DB_PASSWORD) fails exactly apps.shop.database: that shop would run on SQLite", async () => {
    const { run } = j();
    const path = run.lab.hostPath('ecommerce', '/opt/shop/.env');
    const original = readFileSync(path, 'utf8');
    writeFileSync(path, original.replace(/^DB_USERNAME=/m, 'DB_USER=').replace(/^DB_PASS=/m, 'DB_PASSWORD='));
    try {
      const { code, checks, byId } = await verify(j(), 'apps');
      expect(code).toBe(1);
      expect(checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['apps.shop.database']);
      expect(byId['apps.shop.database']?.evidence).toBe('/opt/shop/.env lacks DB_USERNAME: the shop runs on SQLite, not on RDS');
      // The shop still answers 200: HTTP alone could not tell.
      expect(byId['apps.shop.http']?.status).toBe('pass');
    } finally {
      writeFileSync(path, original);
    }
    expect(readFileSync(path, 'utf8')).toBe(original);
  }, 120_000);

  it('a removed Cyber→IA ICMP rule on the wire flips exactly Cyber→IA: verify fails it, ping against the prediction', async () => {
    const { run } = j();
    const restore = await removeIcmpAccept(run.lab.routerNs, 'ia', VPC_CIDRS.cyber);
    try {
      const { code, checks, byId } = await verify(j(), 'hosts,apps,connectivity');
      expect(code).toBe(1);
      expect(checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['connectivity.cyber-to-ia']);
      const check = byId['connectivity.cyber-to-ia'];
      expect(check?.evidence).toBe('ping: no answer / predicted: ok / design: ok — the ping disagrees with the prediction (gitlab → ia)');
      expect(check?.hint).toMatch(/SG-IA-LabJourney \(sg-[0-9a-f]+\): ICMP from 10\.3\.0\.0\/16/);
      expect(check?.hint).toMatch(/RouteCyberPub-LabJourney \(rtb-[0-9a-f]+\): 10\.2\.0\.0\/16 → Peering-Cyber-IA-LabJourney \(pcx-[0-9a-f]+\)/);
      expect(check?.details).toEqual([
        'gitlab (10.3.1.10) → ia (10.2.2.10): ping no answer in 2 s / predicted ok / design ok',
        'monitoring (10.3.2.10) → ia (10.2.2.10): ping no answer in 2 s / predicted ok / design ok',
      ]);
    } finally {
      await restore();
    }
    expect((await forwardRules(run.lab.routerNs)).filter((line) => line.includes(icmpAcceptSpec('ia', VPC_CIDRS.cyber)))).toHaveLength(1);
  }, 120_000);

  it('an added rule letting IA ping GitLab flips exactly IA→Cyber: answered where the security groups predict "blocked"', async () => {
    const { run } = j();
    const undo = await addIcmpAccept(run.lab.routerNs, 'gitlab', VPC_CIDRS.ia);
    try {
      const { code, checks, byId } = await verify(j(), 'connectivity');
      expect(code).toBe(1);
      expect(checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['connectivity.ia-to-cyber']);
      const check = byId['connectivity.ia-to-cyber'];
      expect(check?.evidence).toBe('ping: mixed: 1 ok, 1 no answer / predicted: blocked / design: blocked — the ping disagrees with the prediction (ia → gitlab)');
      expect(check?.hint).toMatch(/^the prediction rests on blocked by SG-Cyber-LabJourney \(sg-[0-9a-f]+\) \(ICMP only from 10\.3\.0\.0\/16\); yet the ping was answered/);
    } finally {
      await undo();
    }
    // The router is back as the lab built it.
    expect((await forwardRules(run.lab.routerNs)).filter((line) => line.includes(icmpAcceptSpec('gitlab', VPC_CIDRS.ia)))).toEqual([]);
  }, 120_000);
}
