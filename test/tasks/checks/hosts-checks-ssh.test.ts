import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { HostAccess, HostName } from '../../../src/engine/types.js';
import { SshConnectError } from '../../../src/ssh/errors.js';
import { SshPool } from '../../../src/ssh/index.js';
import { appsChecks } from '../../../src/tasks/checks/apps.js';
import { backupsChecks } from '../../../src/tasks/checks/backups.js';
import { connectivityChecks } from '../../../src/tasks/checks/connectivity.js';
import { hostsChecks } from '../../../src/tasks/checks/hosts.js';
import type { LiveInventory } from '../../../src/tasks/checks/inventory.js';
import { runChecks, type CheckReport } from '../../../src/tasks/checks/run-checks.js';
import type { CheckContext, CheckOutcome } from '../../../src/tasks/checks/types.js';
import { designMatrix } from '../../../src/tasks/checks/live-matrix.js';
import { HOST_NAMES } from '../../../src/tasks/hosts/names.js';
import { startSshd, type TestSshd } from '../../helpers/sshd.js';
import { testConfig } from '../../helpers/moto.js';
import { hostFor } from '../../ssh/fixture.js';
import { designAsDescribed, describedInventory, LAB_PRIVATE_IPS, type DescribedNetwork } from './design-as-described.js';

/**
 * The SSH checks over real SSH: one loopback sshd per host, whose sessions find stub `ping`, `curl` and
 * `systemctl` first on PATH (sshd's SetEnv) and know which host they play (HOST_ROLE). The stubs answer
 * from files the tests write: the design's ping matrix, each app's HTTP answer, a docker unit down.
 * AWS is the design's network as describe answers (no emulator): nothing leaves loopback.
 */

const config = testConfig({ suffix: 'Chk', access: { adminCidr: '203.0.113.7/32' } });
const stubs = mkdtempSync(join(tmpdir(), 'rb-checks-stubs-'));
const sshds = new Map<HostName, TestSshd>();
let pool: SshPool;
/** Hosts whose login fails in this test (as a refused connection would). */
let refused = new Set<HostName>();

const PING = `#!/bin/sh
for target; do :; done
answer=$(cat "$STUBS/ping/$HOST_ROLE-$target" 2>/dev/null || echo silent)
case "$answer" in
  ok) echo "64 bytes from $target: icmp_seq=1 ttl=63 time=0.3 ms"; exit 0 ;;
  unreachable) echo "From 10.0.0.1 icmp_seq=1 Destination Net Unreachable"; exit 1 ;;
  *) echo "1 packets transmitted, 0 received, 100% packet loss, time 0ms"; exit 1 ;;
esac
`;
const CURL = `#!/bin/sh
file="$STUBS/http/$HOST_ROLE"
if [ ! -s "$file" ]; then echo "curl: (7) Failed to connect to localhost"; printf '\\n__aws_runbook_http_status__ 000\\n'; exit 7; fi
printf '%s\\n__aws_runbook_http_status__ %s\\n' "$(tail -n +2 "$file")" "$(head -n1 "$file")"
`;
const SYSTEMCTL = `#!/bin/sh
case "$1" in
  is-active) if [ -e "$STUBS/down-$HOST_ROLE-$2" ]; then echo inactive; exit 3; fi; echo active ;;
  is-enabled) echo enabled ;;
esac
`;

function write(path: string, content: string, mode = 0o644): void {
  writeFileSync(join(stubs, path), content, { mode });
  chmodSync(join(stubs, path), mode);
}

/** Every ping answers as the design's matrix says (ok / unreachable for "no route" / silent when blocked). */
function designPings(): void {
  rmSync(join(stubs, 'ping'), { recursive: true, force: true });
  mkdirSync(join(stubs, 'ping'), { mode: 0o755 });
  for (const cell of designMatrix(config).cells) {
    write(`ping/${cell.from}-${LAB_PRIVATE_IPS[cell.to]}`, { ok: 'ok', 'no-route': 'unreachable', 'blocked-by-sg': 'silent' }[cell.verdict.kind]);
  }
}

function healthyApps(): void {
  write('http/ecommerce', '200\n<html>shop</html>');
  write('http/wordpress', '200\n<form name="loginform">');
  write('http/gitlab', '200\n{"status":"ok","master_check":[{"status":"ok"}]}');
  write('http/monitoring', '200\n{"type":"entryPage","entryPage":"dashboard"}');
  for (const host of HOST_NAMES) rmSync(join(stubs, `down-${host}-docker`), { force: true });
}

const hosts: HostAccess = {
  reachable: true,
  connect: async (host) => {
    if (refused.has(host)) throw new SshConnectError(`${host}: connect ECONNREFUSED`, host, `check that ${host} is running and its security group lets the bastion in on port 22`);
    return pool.get(host);
  },
  close: async () => undefined,
};

function context(network = designAsDescribed(config)): CheckContext {
  return {
    config,
    project: 'chk',
    // Never called: the described network has every subnet associated, so no main table is asked for.
    aws: createAwsClients({ region: 'us-east-2', endpoint: 'http://127.0.0.1:9' }),
    hosts,
    signal: new AbortController().signal,
    live: describedInventory(network) as unknown as LiveInventory,
    output: () => undefined,
  };
}

async function run(network?: DescribedNetwork): Promise<{ report: CheckReport; byId: Record<string, CheckOutcome> }> {
  const checks = [...hostsChecks(config), ...appsChecks(config), ...backupsChecks(config).filter((c) => c.needsHosts), ...connectivityChecks(config)];
  const report = await runChecks(checks, context(network));
  return { report, byId: Object.fromEntries(report.checks.map((c) => [c.id, c])) };
}

const failing = (report: CheckReport) => report.checks.filter((c) => c.status !== 'pass').map((c) => c.id);

beforeAll(async () => {
  chmodSync(stubs, 0o755);
  mkdirSync(join(stubs, 'bin'), { mode: 0o755 });
  mkdirSync(join(stubs, 'http'), { mode: 0o755 });
  write('bin/ping', PING, 0o755);
  write('bin/curl', CURL, 0o755);
  write('bin/systemctl', SYSTEMCTL, 0o755);
  const started = await Promise.all(
    HOST_NAMES.map(async (host, i) => {
      const sshd = await startSshd({ address: `127.0.0.${41 + i}`, extraConfig: [`SetEnv PATH=${stubs}/bin:/usr/bin:/bin STUBS=${stubs} HOST_ROLE=${host}`] });
      sshds.set(host, sshd);
      return sshd;
    }),
  );
  const key = started[0]!.makeClientKey();
  for (const sshd of started.slice(1)) sshd.authorize(key.publicKey);
  pool = new SshPool(HOST_NAMES.map((host) => hostFor(sshds.get(host)!, key, host)));
}, 60_000);
afterAll(async () => {
  await pool?.closeAll();
  await Promise.all([...sshds.values()].map((s) => s.stop()));
  rmSync(stubs, { recursive: true, force: true });
});
beforeEach(() => {
  refused = new Set();
  designPings();
  healthyApps();
});

describe('the host, app, timer and ping checks over real SSH', () => {
  it('all pass when every host answers as designed; each ping pair shows ping, prediction and design side by side', async () => {
    const { report, byId } = await run();
    expect(failing(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(byId['hosts.ia.ssh']?.evidence).toMatch(/^ubuntu@ia \(127\.0\.0\.45:\d+\): logged in with the configured key, host key matched the console's fingerprints \(\d+ ms\)$/);
    expect(byId['hosts.monitoring.docker']?.evidence).toBe('docker.service on monitoring: active, enabled');
    expect(byId['apps.wordpress.login-page']?.evidence).toBe('GET http://localhost/wp-login.php on wordpress: HTTP 200 (the login form: WordPress is installed)');
    expect(byId['connectivity.cyber-to-ia']?.evidence).toBe('ping: ok / predicted: ok / design: ok');
    expect(byId['connectivity.ia-to-cyber']?.evidence).toBe('ping: no answer / predicted: blocked / design: blocked');
    expect(byId['connectivity.mvp-to-ia']?.evidence).toBe('ping: no route / predicted: no route / design: no route');
    expect(byId['connectivity.cyber-to-ia']?.details).toEqual([
      'gitlab (10.3.1.10) → ia (10.2.2.10): ping ok (0.3 ms) / predicted ok / design ok',
      'monitoring (10.3.2.10) → ia (10.2.2.10): ping ok (0.3 ms) / predicted ok / design ok',
    ]);
  });

  it('a ping that goes unanswered where the live network predicts "ok" fails that pair only, naming the routes and the rule the prediction rests on', async () => {
    write(`ping/gitlab-${LAB_PRIVATE_IPS.ia}`, 'silent');
    const { report, byId } = await run();
    expect(failing(report)).toEqual(['connectivity.cyber-to-ia']);
    const check = byId['connectivity.cyber-to-ia'];
    expect(check?.evidence).toBe('ping: mixed: 1 no answer, 1 ok / predicted: ok / design: ok — the ping disagrees with the prediction (gitlab → ia)');
    expect(check?.hint).toContain('RouteCyberPub-Chk (rtb-cyber-public): 10.2.0.0/16 → Peering-Cyber-IA-Chk (pcx-cyber-ia)');
    expect(check?.hint).toContain('RouteIAPriv-Chk (rtb-ia-private): 10.3.0.0/16 → Peering-Cyber-IA-Chk (pcx-cyber-ia)');
    expect(check?.hint).toContain('SG-IA-Chk (sg-ia): ICMP from 10.3.0.0/16');
    expect(check?.hint).toContain('host firewall');
    expect(check?.details?.[0]).toBe('gitlab (10.3.1.10) → ia (10.2.2.10): ping no answer in 2 s / predicted ok / design ok');
    expect(report.ok).toBe(false);
  });

  it('a ping answered where the prediction says "no route" fails with what the prediction rests on', async () => {
    write(`ping/ia-${LAB_PRIVATE_IPS.ecommerce}`, 'ok');
    const { report, byId } = await run();
    expect(failing(report)).toEqual(['connectivity.ia-to-mvp']);
    expect(byId['connectivity.ia-to-mvp']?.hint).toContain('RouteIAPriv-Chk (rtb-ia-private) has no route to 10.1.0.0/16');
    expect(byId['connectivity.ia-to-mvp']?.hint).toContain('yet the ping was answered');
  });

  it('pings that agree with a live network which is not the design\u2019s fail with what to put back', async () => {
    const network = designAsDescribed(config);
    const ia = network.securityGroups.find((g) => g.GroupId === 'sg-ia');
    if (!ia) throw new Error('no sg-ia');
    ia.IpPermissions = (ia.IpPermissions ?? []).filter((p) => p.IpProtocol !== 'icmp');
    write(`ping/gitlab-${LAB_PRIVATE_IPS.ia}`, 'silent');
    write(`ping/monitoring-${LAB_PRIVATE_IPS.ia}`, 'silent');
    const { report, byId } = await run(network);
    expect(failing(report)).toEqual(['connectivity.predicted-matches-design', 'connectivity.cyber-to-ia']);
    expect(byId['connectivity.cyber-to-ia']).toMatchObject({
      evidence: "ping: no answer / predicted: blocked / design: ok — not the design's (Cyber → IA: ok)",
      hint: 'blocked by SG-IA-Chk (sg-ia) (no ICMP rule): `aws-runbook up --only peering,security` puts back the routes and rules of the design',
    });
    expect(byId['connectivity.predicted-matches-design']?.evidence).toBe('2 of 20 host pairs differ from the design: gitlab→ia blocked (design ok), monitoring→ia blocked (design ok)');
  });

  it('WordPress answering 500 fails its check with the database hint; a stopped docker fails that host\u2019s Docker check', async () => {
    write('http/wordpress', '500\nError establishing a database connection');
    write('down-monitoring-docker', '');
    const { report, byId } = await run();
    expect(failing(report)).toEqual(['hosts.monitoring.docker', 'apps.wordpress.login-page']);
    expect(byId['apps.wordpress.login-page']).toMatchObject({ status: 'fail', evidence: expect.stringContaining('HTTP 500: Error establishing a database connection: WordPress cannot reach its database') });
    expect(byId['hosts.monitoring.docker']).toMatchObject({ status: 'fail', evidence: 'docker.service on monitoring: inactive, enabled' });
  });

  it('a host that cannot be logged in to fails its SSH check with the fix, and every check that needs it says why', async () => {
    refused = new Set<HostName>(['ia']);
    const { report, byId } = await run();
    expect(failing(report)).toEqual(['hosts.ia.ssh', 'connectivity.ia-to-cyber', 'connectivity.ia-to-mvp']);
    expect(byId['hosts.ia.ssh']).toMatchObject({ evidence: 'cannot log in to ia over SSH: ia: connect ECONNREFUSED', hint: expect.stringContaining('security group lets the bastion in') });
    expect(byId['connectivity.ia-to-cyber']?.evidence).toContain('ia → gitlab could not be pinged: not run: cannot log in to ia over SSH');
    // Pings TO ia still run from the hosts that can be reached.
    expect(byId['connectivity.cyber-to-ia']?.status).toBe('pass');
  });
});
