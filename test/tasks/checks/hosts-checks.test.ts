import { describe, expect, it } from 'vitest';
import type { Instance } from '@aws-sdk/client-ec2';
import { appsChecks, gitlabVerdict, kumaVerdict, shopVerdict, wordpressVerdict } from '../../../src/tasks/checks/apps.js';
import { backupsChecks, dumpsVerdict, MAX_DUMP_AGE_HOURS, TIMER_STATE_SCRIPT, timerVerdict, type DumpObject } from '../../../src/tasks/checks/backups.js';
import { connectivityChecks } from '../../../src/tasks/checks/connectivity.js';
import { DOCKER_STATE_SCRIPT, dockerVerdict, hostsChecks, instanceVerdict } from '../../../src/tasks/checks/hosts.js';
import { allChecks } from '../../../src/tasks/checks/index.js';
import { parsePing, pingCommand } from '../../../src/tasks/checks/ping.js';
import { CHECK_GROUPS } from '../../../src/tasks/checks/types.js';
import { testConfig } from '../../helpers/moto.js';
import { stubShell } from '../hosts/shell-stubs.js';

const config = testConfig({ suffix: 'Chk', shop: { port: 8080 } });

describe('the host, app, backup and connectivity checks as data', () => {
  it('have stable, unique ids in their groups; SSH checks say so, AWS-only ones do not', () => {
    const checks = [...hostsChecks(config), ...appsChecks(config), ...backupsChecks(config), ...connectivityChecks(config)];
    expect(checks.map((c) => c.id)).toEqual([
      'hosts.gitlab.running',
      'hosts.ecommerce.running',
      'hosts.wordpress.running',
      'hosts.monitoring.running',
      'hosts.ia.running',
      'hosts.gitlab.ssh',
      'hosts.ecommerce.ssh',
      'hosts.wordpress.ssh',
      'hosts.monitoring.ssh',
      'hosts.ia.ssh',
      'hosts.ecommerce.docker',
      'hosts.wordpress.docker',
      'hosts.monitoring.docker',
      'apps.shop.http',
      'apps.wordpress.login-page',
      'apps.gitlab.readiness',
      'apps.uptime-kuma.entry-page',
      'storage.backups.fresh',
      'storage.backup-timer',
      'connectivity.predicted-matches-design',
      'connectivity.cyber-to-ia',
      'connectivity.cyber-to-mvp',
      'connectivity.ia-to-cyber',
      'connectivity.ia-to-mvp',
      'connectivity.mvp-to-cyber',
      'connectivity.mvp-to-ia',
    ]);
    const withoutSsh = checks.filter((c) => !c.needsHosts).map((c) => c.id);
    expect(withoutSsh).toEqual(['hosts.gitlab.running', 'hosts.ecommerce.running', 'hosts.wordpress.running', 'hosts.monitoring.running', 'hosts.ia.running', 'storage.backups.fresh', 'connectivity.predicted-matches-design']);
    for (const check of checks) expect(check.id.startsWith(`${check.group}.`), check.id).toBe(true);
    expect(connectivityChecks(config).find((c) => c.id === 'connectivity.ia-to-cyber')?.title).toBe('IA → Cyber: ping blocked, as predicted from the live route tables and security groups');
    expect(appsChecks(config)[0]?.title).toBe('The shop answers HTTP 200 on VM-Ecommerce-Chk');
  });

  it('the whole checklist: ids unique, each prefixed by its group, every group non-empty and listed in group order', () => {
    const checks = allChecks(config);
    const ids = checks.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    // No exception: the RDS and S3 controls are `security.rds-*` / `security.s3*` in the security group, the dumps `storage.backups.*`.
    expect(checks.filter((c) => !c.id.startsWith(`${c.group}.`)).map((c) => `${c.id} in ${c.group}`)).toEqual([]);
    for (const group of CHECK_GROUPS) expect(checks.filter((c) => c.group === group).length, group).toBeGreaterThan(0);
    // allChecks lists group after group (the TUI shows it in that order before any result): no group comes back after another started.
    const runs = checks.map((c) => c.group).filter((group, i, all) => group !== all[i - 1]);
    expect(runs).toEqual([...CHECK_GROUPS]);
    const security = ids.filter((id) => id.startsWith('security.'));
    expect(security.slice(-3)).toEqual(['security.s3-8.public-access-blocked', 'security.s3.bucket-encryption', 'security.s3.bucket-versioning']);
    expect(ids.filter((id) => id.startsWith('storage.'))).toEqual(['storage.bucket.exists', 'storage.bucket.lifecycle', 'storage.backups.fresh', 'storage.backup-timer']);
  });
});

describe('hosts: the instance verdict', () => {
  const running: Instance = { InstanceId: 'i-0abc', InstanceType: 't3.large', State: { Name: 'running' }, PrivateIpAddress: '10.3.1.10', PublicIpAddress: '198.51.100.10' };

  it('passes a running instance, naming it and its addresses', () => {
    expect(instanceVerdict(config, 'gitlab', running, 'i-0abc')).toEqual({ status: 'pass', evidence: 'i-0abc (VMCyber-Gitlab-Chk, t3.large, 10.3.1.10, public 198.51.100.10) is running' });
  });

  it('fails a missing or stopped one with the command that fixes it; warns while pending or when the state records another id', () => {
    expect(instanceVerdict(config, 'ia', undefined, 'i-0old')).toMatchObject({ status: 'fail', evidence: expect.stringContaining('aws-runbook:step=compute.ia'), hint: expect.stringContaining('up --only compute') });
    expect(instanceVerdict(config, 'gitlab', { ...running, State: { Name: 'stopped' } }, undefined)).toMatchObject({
      status: 'fail',
      evidence: expect.stringMatching(/is stopped$/),
      hint: 'start it: aws ec2 start-instances --instance-ids i-0abc --region us-east-2',
    });
    expect(instanceVerdict(config, 'gitlab', { ...running, State: { Name: 'pending' } }, undefined).status).toBe('warn');
    expect(instanceVerdict(config, 'gitlab', running, 'i-0other')).toMatchObject({ status: 'warn', evidence: expect.stringContaining('records i-0other') });
  });
});

describe('hosts: Docker, from what systemctl answers on the host', () => {
  const shell = stubShell();
  const run = (active: string, enabled: string) => {
    shell.stub('systemctl', `case "$1" in is-active) echo ${active}; [ ${active} = active ] ;; is-enabled) echo ${enabled}; [ ${enabled} = enabled ] ;; esac`);
    const result = shell.run(DOCKER_STATE_SCRIPT);
    expect(result.code).toBe(0);
    return dockerVerdict('ecommerce', result.stdout);
  };

  it('passes active + enabled, fails inactive (with the command), warns when not enabled', () => {
    expect(run('active', 'enabled')).toEqual({ status: 'pass', evidence: 'docker.service on ecommerce: active, enabled' });
    expect(run('inactive', 'enabled')).toMatchObject({ status: 'fail', hint: expect.stringContaining('sudo systemctl enable --now docker') });
    expect(run('active', 'disabled')).toMatchObject({ status: 'warn', hint: expect.stringContaining('reboot') });
    shell.stub('systemctl', 'exit 4');
    expect(dockerVerdict('ecommerce', shell.run(DOCKER_STATE_SCRIPT).stdout)).toMatchObject({ status: 'fail', evidence: 'docker.service on ecommerce: unknown, unknown' });
    shell.cleanup();
  });
});

describe('apps: the answers', () => {
  it('shop: 200 passes, a redirect warns, an error or silence fails', () => {
    const url = 'http://localhost:8080/';
    expect(shopVerdict(url, { status: 200, body: '<html>' }).status).toBe('pass');
    expect(shopVerdict(url, { status: 302, body: '' }).status).toBe('warn');
    expect(shopVerdict(url, { status: 502, body: 'Bad Gateway' })).toMatchObject({ status: 'fail', evidence: 'GET http://localhost:8080/ on ecommerce: HTTP 502: Bad Gateway', hint: expect.stringContaining('docker compose logs') });
    expect(shopVerdict(url, { status: 0, body: 'curl: (7) Failed to connect' })).toMatchObject({ status: 'fail', hint: expect.stringContaining('does not answer') });
  });

  it('WordPress: 200 passes; 302 (to the installer) says it is not installed; 500 says the database is down', () => {
    expect(wordpressVerdict({ status: 200, body: '' }).status).toBe('pass');
    expect(wordpressVerdict({ status: 302, body: '' })).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('WordPress is not installed'),
      hint: expect.stringContaining('installs it with WP-CLI'),
    });
    expect(wordpressVerdict({ status: 500, body: 'Error establishing a database connection' })).toMatchObject({
      status: 'fail',
      evidence: expect.stringContaining('WordPress cannot reach its database'),
      hint: expect.stringContaining('verify --only database'),
    });
    expect(wordpressVerdict({ status: 404, body: '' }).status).toBe('fail');
  });

  it('GitLab readiness and Uptime Kuma: their own JSON, not just any 200', () => {
    expect(gitlabVerdict({ status: 200, body: '{"status":"ok","master_check":[{"status":"ok"}]}' }).status).toBe('pass');
    expect(gitlabVerdict({ status: 200, body: '{"status":"failed"}' })).toMatchObject({ status: 'fail', evidence: expect.stringContaining('status "failed"') });
    expect(gitlabVerdict({ status: 502, body: '' }).status).toBe('fail');
    expect(kumaVerdict({ status: 200, body: '{"type":"entryPage","entryPage":"dashboard"}' }).status).toBe('pass');
    expect(kumaVerdict({ status: 200, body: 'It works!' })).toMatchObject({ status: 'fail', evidence: expect.stringContaining('not JSON') });
  });
});

describe('storage: the dumps in the bucket', () => {
  const now = new Date('2026-03-04T12:00:00Z');
  const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
  const dump = (database: string, h: number, size = 4096): DumpObject => ({ key: `backups/${database}/${hoursAgo(h).toISOString()}.sql.gz`, size, lastModified: hoursAgo(h) });
  const context = { bucket: 'chk-backups-123-us-east-2', now };

  it('passes when the newest dump is recent and holds something, each database listed', () => {
    const verdict = dumpsVerdict([dump('shop', 30), dump('shop', 3), dump('wordpress', 4)], context);
    expect(verdict.status).toBe('pass');
    expect(verdict.evidence).toContain(`newest dump ${dump('shop', 3).key}: 4.0 KiB, 3.0 h old`);
    expect(verdict.details).toEqual(['shop: 2 dump(s), newest 3.0 h old, 4.0 KiB', 'wordpress: 1 dump(s), newest 4.0 h old, 4.0 KiB']);
  });

  it(`fails a newest dump older than ${MAX_DUMP_AGE_HOURS} h, or an empty one, with the age shown`, () => {
    expect(dumpsVerdict([dump('shop', 27)], context)).toMatchObject({ status: 'fail', evidence: expect.stringContaining('27.0 h old (limit 26 h)'), hint: expect.stringContaining('journalctl -u aws-runbook-db-backup.service') });
    expect(dumpsVerdict([dump('shop', 1, 20)], context)).toMatchObject({ status: 'fail', evidence: expect.stringContaining('holds nothing') });
  });

  it('warns when one database is no longer dumped while another is', () => {
    expect(dumpsVerdict([dump('shop', 2), dump('wordpress', 50)], context)).toMatchObject({ status: 'warn', evidence: expect.stringContaining('no recent non-empty dump of wordpress') });
  });

  it('no dump at all: a warning in a bucket younger than the limit, a failure after', () => {
    expect(dumpsVerdict([], { ...context, bucketCreated: hoursAgo(2) })).toMatchObject({ status: 'warn', hint: expect.stringContaining('aws-runbook backup') });
    expect(dumpsVerdict([], { ...context, bucketCreated: hoursAgo(48) })).toMatchObject({ status: 'fail', evidence: 'no dump under s3://chk-backups-123-us-east-2/backups/' });
    expect(dumpsVerdict([], context).status).toBe('fail');
  });
});

describe('storage: the timer, from what systemctl answers on the host', () => {
  const shell = stubShell();
  const facts = (f: Record<string, string>) => {
    // `systemctl VERB [-p PROP --value] UNIT`: answers from the table, keyed by verb or property.
    shell.stub('systemctl', `case "$1" in is-enabled) echo ${f['enabled'] ?? ''} ;; is-active) echo ${f['active'] ?? ''} ;; show) case "$3" in Result) echo '${f['result'] ?? ''}' ;; ExecMainStatus) echo '${f['status'] ?? ''}' ;; ExecMainExitTimestamp) echo '${f['exit'] ?? ''}' ;; NextElapseUSecRealtime) echo '${f['next'] ?? ''}' ;; esac ;; esac`);
    return timerVerdict(shell.run(TIMER_STATE_SCRIPT).stdout);
  };

  it('passes enabled + active, with the last and next run', () => {
    expect(facts({ enabled: 'enabled', active: 'active', result: 'success', status: '0', exit: 'Wed 2026-03-04 03:12:40 UTC', next: 'Thu 2026-03-05 03:07:00 UTC' })).toEqual({
      status: 'pass',
      evidence: 'aws-runbook-db-backup.timer on ecommerce is enabled and active, next run Thu 2026-03-05 03:07:00 UTC; last run Wed 2026-03-04 03:12:40 UTC: success',
    });
    expect(facts({ enabled: 'enabled', active: 'active', result: 'success', exit: '' })).toMatchObject({ status: 'pass', evidence: expect.stringContaining('no run recorded yet') });
  });

  it('fails when not enabled or not active; warns when the last run failed', () => {
    expect(facts({ enabled: 'disabled', active: 'inactive' })).toMatchObject({ status: 'fail', hint: expect.stringContaining('up --only backup') });
    expect(facts({ enabled: '', active: '' })).toMatchObject({ status: 'fail', evidence: 'aws-runbook-db-backup.timer on ecommerce is not found' });
    expect(facts({ enabled: 'enabled', active: 'inactive' })).toMatchObject({ status: 'fail', hint: expect.stringContaining('systemctl start') });
    expect(facts({ enabled: 'enabled', active: 'active', result: 'exit-code', status: '1', exit: 'Wed 2026-03-04 03:12:40 UTC' })).toMatchObject({
      status: 'warn',
      evidence: expect.stringContaining('failed: exit-code, exit status 1'),
      hint: expect.stringContaining('journalctl'),
    });
    shell.cleanup();
  });
});

describe('connectivity: one ping', () => {
  it('tells an answer, an ICMP "unreachable", silence and a missing ping apart', () => {
    expect(parsePing(0, '64 bytes from 10.2.2.10: icmp_seq=1 ttl=63 time=0.412 ms\n')).toEqual({ kind: 'answered', ms: 0.412 });
    expect(parsePing(1, 'From 10.2.2.1 icmp_seq=1 Destination Net Unreachable\n')).toEqual({ kind: 'unreachable', detail: 'From 10.2.2.1 icmp_seq=1 Destination Net Unreachable' });
    expect(parsePing(1, '1 packets transmitted, 0 received, 100% packet loss, time 0ms\n')).toEqual({ kind: 'no-answer' });
    expect(parsePing(127, 'bash: line 1: ping: command not found\n')).toMatchObject({ kind: 'error', detail: expect.stringContaining('iputils-ping') });
  });

  it('puts only a bare IPv4 address into the command line', () => {
    expect(pingCommand('10.2.2.10')).toBe('LC_ALL=C ping -n -c 1 -W 2 10.2.2.10 2>&1');
    for (const bad of ['10.2.2.10; reboot', '$(id)', '10.2.2', '999.1.1.1', '']) expect(() => pingCommand(bad), bad).toThrow(/not an IPv4 address/);
  });

  it('the command runs as written (a stub ping records its arguments)', () => {
    const shell = stubShell();
    shell.stub('ping', 'echo "args: $*"; echo "64 bytes from $7: icmp_seq=1 ttl=64 time=1.5 ms"');
    const result = shell.run(pingCommand('10.1.1.10'));
    expect(result.stdout).toContain('args: -n -c 1 -W 2 10.1.1.10');
    expect(parsePing(result.code, result.stdout)).toEqual({ kind: 'answered', ms: 1.5 });
    shell.cleanup();
  });
});
