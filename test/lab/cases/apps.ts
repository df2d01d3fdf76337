import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { verifyKumaPassword, type KumaData } from '../../../src/sandbox/emulation/kuma/kuma-stand-in.js';
import { kumaComposeFile } from '../../../src/tasks/hosts/uptime-kuma-compose.js';
import { writeSshClientFiles } from '../ssh-client.js';
import { argvs, changing, HOSTS, UP_TO_HOSTS, type GetJourney } from './journey.js';

/**
 * Docker, Uptime Kuma, GitLab CE and the IA workstation's ping, set up by `up` over real SSH in the lab
 * (apt-get, systemctl, docker and gitlab-ctl are the emulation's, recording their calls; curl, ping,
 * sha256sum, SSH and the security groups are real), and WordPress's install: WP-CLI (the emulated Docker's wordpress:cli) before
 * port 80 faces the internet, Uptime Kuma's admin and monitors made through an SSH tunnel (real sshd port
 * forwarding to the Kuma stand-in, a socket.io server on the monitoring host's 127.0.0.1:3001). The rerun
 * must change nothing; a host whose Docker daemon stops answering must fail its step by name. (The admin
 * and GitLab root passwords never leaving their hosts is secrets.ts.)
 */

const KUMA_DATA = '/var/lib/docker/volumes/uptime-kuma/_data/kuma-stand-in.json';
const KUMA_EVENTS = '/var/lib/docker/volumes/uptime-kuma/_data/kuma-events.jsonl';
const WORDPRESS_VOLUME = '/var/lib/docker/volumes/wordpress_wordpress_data/_data/wp-emulated-install.json';
const MONITORS = ['Shop (Rocket eCommerce)', 'WordPress', 'GitLab'];

/** The Kuma stand-in's events on monitoring, in order (event:ok|refused). */
function kumaEvents(run: ReturnType<GetJourney>['run']): string[] {
  const file = run.lab.hostPath('monitoring', KUMA_EVENTS);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => {
    const { event, ok } = JSON.parse(line) as { event: string; ok: boolean };
    return `${event}:${ok ? 'ok' : 'refused'}`;
  });
}

/** What phase 2 saw of Kuma, for the rerun to compare with. */
let kumaAfterUp: { data: string; events: number } | undefined;

const MY_STEPS = ['hosts.docker.ecommerce', 'hosts.docker.wordpress', 'hosts.docker.monitoring', 'hosts.uptime-kuma.monitoring', 'hosts.gitlab-ce.gitlab', 'hosts.ping.ia'];
const DOCKER_HOSTS = ['ecommerce', 'wordpress', 'monitoring'] as const;

/** On what the one up did. */
export function appsAfterUp(j: GetJourney): void {
  it('up --yes installed and checked Docker, Uptime Kuma, GitLab CE and ping on each host', async () => {
    const { run } = j();
    const { result } = j().up();
    const state = await run.state();
    for (const id of MY_STEPS) expect(state.steps[id]?.status, id).toBe('done');

    for (const host of DOCKER_HOSTS) {
      const calls = argvs(await run.lab.calls(host));
      expect(calls.some((c) => /^apt-get .*install docker\.io docker-compose-v2$/.test(c)), `${host}: ${calls.join('; ')}`).toBe(true);
      expect(calls).toContain('systemctl enable --now docker');
      expect(calls).toContain("docker info --format {{.ServerVersion}}");
      expect(state.steps[`hosts.docker.${host}`]?.outputs).toEqual({ dockerVersion: '24.0.7', composeVersion: '2.24.6+ds1-0ubuntu2' });
    }

    // Uptime Kuma: the compose file as written, the container started from it, and Kuma answering on 3001.
    const compose = run.lab.hostPath('monitoring', '/opt/uptime-kuma/compose.yaml');
    expect(readFileSync(compose, 'utf8')).toBe(kumaComposeFile());
    expect(statSync(compose).mode & 0o777).toBe(0o644);
    expect(argvs(await run.lab.calls('monitoring'))).toContain('docker compose -f /opt/uptime-kuma/compose.yaml up -d');
    const kuma = await run.lab.exec('monitoring', 'curl -fsS http://localhost:3001/api/entry-page');
    expect(JSON.parse(kuma.stdout)).toMatchObject({ type: 'entryPage' });
    expect(state.steps['hosts.uptime-kuma.monitoring']?.outputs).toEqual({
      url: 'http://localhost:3001/',
      tunnel: 'ssh -J ubuntu@198.51.100.10 -L 3001:localhost:3001 ubuntu@10.3.2.10 -N',
      composeFile: '/opt/uptime-kuma/compose.yaml',
      container: 'uptime-kuma',
      image: 'louislam/uptime-kuma:1',
      adminUser: 'admin',
      adminPasswordFile: '/etc/aws-runbook/admin/uptime-kuma.password',
    });
    expect(result.stdout).toContain('Uptime Kuma: admin account `admin` created; monitors added: Shop (Rocket eCommerce), WordPress, GitLab');
    expect(result.stdout).not.toMatch(/first visitor becomes admin/);

    // GitLab: the source written, the package installed with EXTERNAL_URL (the stand-in writes it into
    // gitlab.rb, as the package does), ready on the host.
    expect(readFileSync(run.lab.hostPath('gitlab', '/etc/apt/sources.list.d/gitlab_gitlab-ce.list'), 'utf8')).toMatch(
      /^deb \[signed-by=\/etc\/apt\/keyrings\/gitlab-keyring\.asc\] https:\/\/packages\.gitlab\.com\/gitlab\/gitlab-ce\/\w+\/ \w+ main$/m,
    );
    const gitlabCalls = argvs(await run.lab.calls('gitlab'));
    expect(gitlabCalls.some((c) => /^apt-get .* update$/.test(c))).toBe(true);
    expect(gitlabCalls.some((c) => /^apt-get .*install gitlab-ce$/.test(c))).toBe(true);
    expect(readFileSync(run.lab.hostPath('gitlab', '/etc/gitlab/gitlab.rb'), 'utf8')).toContain("external_url 'http://198.51.100.10'");
    const readiness = await run.lab.exec('gitlab', 'curl -fsS http://localhost/-/readiness');
    expect(JSON.parse(readiness.stdout)).toMatchObject({ status: 'ok' });
    expect(state.steps['hosts.gitlab-ce.gitlab']?.outputs).toEqual({ externalUrl: 'http://198.51.100.10', rootPasswordFile: '/etc/gitlab/initial_root_password' });

    // IA: ping was there (iputils-ping comes with the image); nothing installed.
    expect(state.steps['hosts.ping.ia']?.outputs).toEqual({ ping: '/usr/bin/ping' });
    expect((await run.lab.calls('ia')).filter(changing)).toEqual([]);
  });
}

/** WordPress installed before its port faced the internet; Kuma's admin and monitors; read-only. */
export function appsInstalled(j: GetJourney): void {
  it('WordPress answers its front page from the internet with 200, not install.php: WP-CLI installed it with the kept password, on stdin', async () => {
    const { run } = j();
    const page = (path: string) => run.lab.runInOperator('curl', ['-sS', '-m', '5', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', `http://${run.lab.hosts.wordpress.publicAddress}${path}`], { reject: false });
    expect(String((await page('/')).stdout)).toBe('200 ');
    expect(String((await page('/wp-login.php')).stdout)).toBe('200 ');
    expect(readFileSync(run.lab.hostPath('wordpress', '/opt/wordpress/compose.yaml'), 'utf8')).toMatch(/^ {6}- "80:80"$/m);

    const kept = run.lab.hostPath('wordpress', '/etc/aws-runbook/admin/wordpress.password');
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    const password = readFileSync(kept, 'utf8').trim();
    const install = JSON.parse(readFileSync(run.lab.hostPath('wordpress', WORDPRESS_VOLUME), 'utf8')) as Record<string, string>;
    expect(install).toEqual({
      url: `http://${run.lab.hosts.wordpress.publicAddress}/`,
      title: 'WordPress LabJourney',
      adminUser: 'admin',
      adminEmail: 'admin@labjourney.invalid',
      passwordSha256: createHash('sha256').update(password).digest('hex'),
    });
    const calls = argvs(await run.lab.calls('wordpress'));
    const installs = calls.filter((c) => c.startsWith('docker compose run --rm -T wp-cli wp core install '));
    expect(installs).toEqual([`docker compose run --rm -T wp-cli wp core install --url=http://${run.lab.hosts.wordpress.publicAddress}/ --title=WordPress LabJourney --admin_user=admin --admin_email=admin@labjourney.invalid --skip-email --prompt=admin_password`]);
    // Checked first (wp core is-installed), installed once, then port 80 published: up, is-installed, install, up.
    const order = calls.filter((c) => /^docker compose (up|run)/.test(c)).map((c) => c.replace(/ --url=.*/, ''));
    expect(order).toEqual(['docker compose up -d', 'docker compose run --rm -T wp-cli wp core is-installed', 'docker compose run --rm -T wp-cli wp core install', 'docker compose up -d']);
    expect(calls.some((c) => c.includes(password))).toBe(false);
  });

  it("Uptime Kuma's admin exists with the kept password and its three monitors watch the hosts' private addresses, which the monitoring host reaches (and IA does not)", async () => {
    const { run } = j();
    const dataFile = run.lab.hostPath('monitoring', KUMA_DATA);
    const data = JSON.parse(readFileSync(dataFile, 'utf8')) as KumaData;
    const kept = readFileSync(run.lab.hostPath('monitoring', '/etc/aws-runbook/admin/uptime-kuma.password'), 'utf8').trim();
    expect(data.users.map((u) => u.username)).toEqual(['admin']);
    expect(verifyKumaPassword(kept, data.users[0]?.passwordHash ?? '')).toBe(true);
    expect(data.monitors.map((m) => [m.name, m['type'], m['active']])).toEqual(MONITORS.map((name) => [name, 'http', true]));
    const urls = data.monitors.map((m) => String(m['url']));
    expect(urls).toEqual([expect.stringMatching(/^http:\/\/10\.1\.1\.10:\d+\/$/), 'http://10.1.1.11/', 'http://10.3.1.10/users/sign_in']);
    // What Kuma's monitors will see, from its host: every URL answers 200 (security groups, peering, ports).
    for (const url of urls) expect((await run.lab.exec('monitoring', `curl -sS -m 5 -o /dev/null -w '%{http_code}' ${url}`)).stdout, url).toBe('200');
    // Nothing more: GitLab's HTTP is open to the monitoring subnet, not to IA.
    expect((await run.lab.exec('ia', 'curl -sS -m 3 -o /dev/null http://10.3.1.10/users/sign_in')).exitCode).not.toBe(0);
    // The up created the account once and added each monitor once.
    const events = kumaEvents(run);
    expect(events.filter((e) => e.startsWith('setup') || e.startsWith('add'))).toEqual(['setup:ok', 'add:ok', 'add:ok', 'add:ok']);
    kumaAfterUp = { data: readFileSync(dataFile, 'utf8'), events: events.length };
  });
}

/** Reads only (two SSH tunnels, closed again). */
export function appsReadOnly(j: GetJourney): void {
  it("Uptime Kuma is reached the way the step says: a tunnel to the monitoring host's own localhost through the bastion", async () => {
    const { run } = j();
    const ssh = await writeSshClientFiles(run.lab, run.lab.dir);
    const bastion = run.lab.hosts.gitlab.publicAddress ?? '';
    const monitoring = run.lab.hosts.monitoring.privateAddress;
    const probe = (port: number) => `for i in $(seq 1 50); do curl -fsS --max-time 2 http://127.0.0.1:${port}/api/entry-page && exit 0; sleep 0.1; done; exit 1`;
    // As printed: ssh -J ubuntu@BASTION -L 3001:localhost:3001 ubuntu@MONITORING -N (another local port here).
    const tunnel = run.lab.runInOperator('ssh', ['-F', ssh.configFile, '-J', bastion, '-L', `13001:localhost:3001`, monitoring, '-N'], { reject: false });
    try {
      const through = await run.lab.runInOperator('bash', ['-c', probe(13001)], { reject: false });
      expect(JSON.parse(String(through.stdout))).toMatchObject({ type: 'entryPage' });
    } finally {
      tunnel.kill('SIGTERM');
      await tunnel;
    }
    // Forwarding from the bastion to monitoring:3001 instead crosses the Cyber security group, which has no
    // rule for 3001, to a port Kuma publishes on the monitoring host's loopback only: nothing answers.
    const viaBastion = run.lab.runInOperator('ssh', ['-F', ssh.configFile, '-L', `13002:${monitoring}:3001`, bastion, '-N'], { reject: false });
    try {
      const blocked = await run.lab.runInOperator('bash', ['-c', `sleep 1; curl -sS --max-time 3 http://127.0.0.1:13002/api/entry-page`], { reject: false });
      expect(blocked.exitCode).not.toBe(0);
    } finally {
      viaBastion.kill('SIGTERM');
      await viaBastion;
    }
  }, 60_000);
}

/** On the one rerun: compared with the host-changing calls journey.ts recorded right after the up. */
export function appsRerun(j: GetJourney): void {
  it('the rerun left every Docker, Kuma, GitLab and ping step unchanged and changed nothing on the hosts', async () => {
    const { run } = j();
    const { result } = j().rerun();
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const id of MY_STEPS) expect(result.stdout, id).toMatch(new RegExp(`✓ ${id.replace(/\./g, '\\.')}  no-change`));
    const { changingCalls } = j().up();
    for (const host of HOSTS) expect(argvs((await run.lab.calls(host)).filter(changing)), host).toEqual(changingCalls[host]);
  });

  it("the rerun only read Uptime Kuma through the tunnel: no setup, no monitor added, its data untouched", () => {
    const { run } = j();
    expect(kumaAfterUp, 'the after-up Kuma case ran').toBeDefined();
    const rerun = kumaEvents(run).slice(kumaAfterUp?.events ?? 0);
    expect(rerun).toEqual(expect.arrayContaining(['needSetup:ok', 'login:ok', 'getMonitorList:ok']));
    expect(rerun.filter((e) => !['needSetup:ok', 'login:ok', 'getMonitorList:ok'].includes(e))).toEqual([]);
    expect(readFileSync(run.lab.hostPath('monitoring', KUMA_DATA), 'utf8')).toBe(kumaAfterUp?.data);
  });
}

/** Breaks monitoring's Docker daemon, then mends it (the step is left failed in the state: nothing later reads it). */
export function appsPerturb(j: GetJourney): void {
  it('a host whose Docker daemon stops answering fails its Docker step, naming the host and the check', async () => {
    const { run, tool } = j();
    // dockerd wedged: its unit runs, its socket is gone (the emulation's daemon answers on /run/docker.sock).
    await run.lab.exec('monitoring', 'rm /run/docker.sock');
    try {
      const result = await tool(['up', '--yes', '--verbose', '--only', UP_TO_HOSTS], { timeoutMs: 120_000 });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/✗ hosts\.docker\.monitoring .*monitoring: `docker info` failed: the Docker daemon does not answer: Cannot connect to the Docker daemon/);
      expect(result.stdout).toMatch(/hint: look at the daemon on VMCyber-Monitoring-LabJourney: ssh -J ubuntu@198\.51\.100\.10 ubuntu@10\.3\.2\.10 /);
      expect((await run.state()).steps['hosts.docker.monitoring']?.status).toBe('failed');
    } finally {
      await run.lab.exec('monitoring', 'touch /run/docker.sock');
    }
  }, 120_000);
}
