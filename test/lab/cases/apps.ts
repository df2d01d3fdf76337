import { readFileSync, statSync } from 'node:fs';
import { expect, it } from 'vitest';
import { kumaComposeFile } from '../../../src/tasks/hosts/uptime-kuma-compose.js';
import { writeSshClientFiles } from '../ssh-client.js';
import { argvs, changing, HOSTS, UP_TO_HOSTS, type GetJourney } from './journey.js';

/**
 * Docker, Uptime Kuma, GitLab CE and the IA workstation's ping, set up by `up` over real SSH in the lab
 * (apt-get, systemctl, docker and gitlab-ctl are the lab's recording stand-ins; curl, sha256sum, SSH and the
 * security groups are real). The rerun must change nothing; a host whose Docker daemon stops answering
 * must fail its step by name. (GitLab's root password never leaving the host is secrets.ts.)
 */

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
    expect(state.steps['hosts.uptime-kuma.monitoring']?.outputs).toEqual({ url: 'http://10.3.2.10:3001', composeFile: '/opt/uptime-kuma/compose.yaml', container: 'uptime-kuma', image: 'louislam/uptime-kuma:1' });
    expect(result.stdout).toContain('the first visitor becomes admin: open http://10.3.2.10:3001 through the bastion now');

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

    // IA: ping was there (the machine's own); nothing installed.
    expect(state.steps['hosts.ping.ia']?.outputs).toEqual({ ping: '/usr/bin/ping' });
    expect((await run.lab.calls('ia')).filter(changing)).toEqual([]);
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
    // Forwarding from the bastion to monitoring:3001 instead crosses the Cyber security group, which lets
    // 3001 in from the admin CIDR only: nothing answers.
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
}

/** Breaks monitoring's Docker daemon, then mends it (the step is left failed in the state: nothing later reads it). */
export function appsPerturb(j: GetJourney): void {
  it('a host whose Docker daemon stops answering fails its Docker step, naming the host and the check', async () => {
    const { run, tool } = j();
    await run.lab.exec('monitoring', 'mkdir -p /var/lib/lab/broken && touch /var/lib/lab/broken/docker-info');
    try {
      const result = await tool(['up', '--yes', '--verbose', '--only', UP_TO_HOSTS], { timeoutMs: 120_000 });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/✗ hosts\.docker\.monitoring .*monitoring: `docker info` failed: the Docker daemon does not answer: Cannot connect to the Docker daemon/);
      expect(result.stdout).toMatch(/hint: look at the daemon on VMCyber-Monitoring-LabJourney: ssh -J ubuntu@198\.51\.100\.10 ubuntu@10\.3\.2\.10 /);
      expect((await run.state()).steps['hosts.docker.monitoring']?.status).toBe('failed');
    } finally {
      await run.lab.exec('monitoring', 'rm -f /var/lib/lab/broken/docker-info');
    }
  }, 120_000);
}
