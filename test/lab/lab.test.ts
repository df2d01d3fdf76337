import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLabMap } from '../../src/sandbox/lab-map.js';
import { parseConsoleFingerprints } from '../../src/ssh/fingerprints.js';
import { shellQuote } from '../../src/ssh/remote-command.js';
import { aptInstallScript } from '../../src/tasks/hosts/docker-remote.js';
import { BUILT_EMULATION, filesUnder, labCodeDir } from './emulation-code.js';
import { CODE_IN_HOST } from './host-root.js';
import { LAB_BASE_DIR, startLab, type Lab, type LabHostKey } from './lab.js';
import { writeSshClientFiles, type SshClientFiles } from './ssh-client.js';

/**
 * The lab end to end: real sshd behind a real jump host with checked host keys, the router playing the
 * VPCs, peering and security groups, a real MariaDB, per-host filesystems, the stand-ins. Needs root
 * (CI runs as root). Every connection goes to the lab's own namespaces.
 */

let lab: Lab;
let ssh: SshClientFiles;
const GITLAB_PUBLIC = '198.51.100.10';

beforeAll(async () => {
  lab = await startLab({ preinstalled: { ecommerce: ['mariadb-client'] } });
  ssh = await writeSshClientFiles(lab);
});
afterAll(async () => {
  await lab?.stop();
});

/** `ssh` from the operator namespace; `jump` goes through the bastion's public address. */
function sshTo(address: string, command: string, options: { jump?: boolean; config?: string } = {}) {
  const args = ['-F', options.config ?? ssh.configFile, ...(options.jump ? ['-J', GITLAB_PUBLIC] : []), address, command];
  return lab.runInOperator('ssh', args, { reject: false, timeout: 20_000 });
}

describe('SSH through the bastion', () => {
  it('reaches the bastion on its public address, checking the host key the console printed', async () => {
    const result = await sshTo(GITLAB_PUBLIC, 'hostname; id -un');
    expect(result.stdout.split('\n')).toEqual(['ip-10-3-1-10', 'ubuntu']);
  });

  it('reaches monitoring, ia and ecommerce only through the bastion', async () => {
    for (const key of ['monitoring', 'ia', 'ecommerce'] as const) {
      const address = lab.hosts[key].privateAddress;
      const jumped = await sshTo(address, 'hostname', { jump: true });
      expect(jumped.stdout, `${key} via -J`).toBe(lab.hosts[key].hostname);
      const direct = await sshTo(address, 'hostname');
      expect(direct.exitCode, `${key} directly`).toBe(255);
      expect(direct.stderr).toMatch(/Network is unreachable/);
    }
  });

  it('cannot open SSH to ecommerce on its public address (web SG: 22 only from the Cyber public subnet)', async () => {
    const result = await lab.runInOperator('timeout', ['2', 'bash', '-c', `</dev/tcp/${lab.hosts.ecommerce.publicAddress}/22`], { reject: false });
    expect(result.exitCode).toBe(124); // dropped, not refused: the connection hangs until timeout
  });

  it('refuses a host whose key is not the one the console printed', async () => {
    const other = await writeSshClientFiles(lab, lab.dir + '/ecommerce', `${GITLAB_PUBLIC} ${lab.hosts.wordpress.fingerprints[0]?.publicKey}\n`);
    const result = await sshTo(GITLAB_PUBLIC, 'true', { config: other.configFile });
    expect(result.exitCode).toBe(255);
    expect(result.stderr).toMatch(/Host key verification failed|HOST IDENTIFICATION HAS CHANGED/);
  });
});

describe('what the sandbox gateway is told', () => {
  it("prints each host's real host keys on its console, in a form the tool parses", () => {
    const byType = (a: { type: string }, b: { type: string }) => a.type.localeCompare(b.type);
    for (const host of Object.values(lab.hosts)) {
      const parsed = parseConsoleFingerprints(host.consoleOutput).sort(byType);
      expect(parsed, host.key).toEqual(host.fingerprints.map(({ type, sha256 }) => ({ type, sha256 })).sort(byType));
      expect(parsed.map((key) => key.type)).toEqual(['ECDSA', 'ED25519']);
    }
  });

  it('gives a lab map the gateway accepts: instances by step tag, the db host as the RDS endpoint', () => {
    const map = parseLabMap(lab.labMap(), 'the lab');
    expect(Object.keys(map.instances).sort()).toEqual(['compute.ecommerce', 'compute.gitlab', 'compute.ia', 'compute.monitoring', 'compute.wordpress']);
    expect(map.instances['compute.gitlab']).toMatchObject({ privateIp: '10.3.1.10', publicIp: GITLAB_PUBLIC });
    expect(map.instances['compute.monitoring']?.publicIp).toBeUndefined();
    expect(map.rds).toMatchObject({ address: '10.1.2.10', port: 3306 });
    expect(JSON.parse(map.rds?.masterUserSecret ?? '{}')).toEqual({ username: 'admin', password: lab.db.adminPassword() });
  });
});

describe('the router: VPCs, peering, security groups', () => {
  type Outcome = 'ok' | 'blocked' | 'no-route';
  // docs/design.md#ping-matrix: Cyber→IA ok, Cyber→MVP ok, IA→Cyber blocked, MVP→Cyber blocked, IA↔MVP no route;
  // inside the Cyber VPC ping is allowed, inside MVP the web SG allows none.
  const expected: Record<LabHostKey, Partial<Record<LabHostKey, Outcome>>> = {
    gitlab: { monitoring: 'ok', ia: 'ok', ecommerce: 'ok', wordpress: 'ok' },
    monitoring: { gitlab: 'ok', ia: 'ok', ecommerce: 'ok', wordpress: 'ok' },
    ia: { gitlab: 'blocked', monitoring: 'blocked', ecommerce: 'no-route', wordpress: 'no-route' },
    ecommerce: { gitlab: 'blocked', monitoring: 'blocked', ia: 'no-route', wordpress: 'blocked' },
    wordpress: { gitlab: 'blocked', monitoring: 'blocked', ia: 'no-route', ecommerce: 'blocked' },
  };

  it('answers the designed ping matrix (docs/design.md#ping-matrix), telling "no route" from "blocked"', async () => {
    expect(existsSync('/usr/bin/ping') || existsSync('/bin/ping'), 'ping is missing: apt-get install iputils-ping').toBe(true);
    const pairs = Object.entries(expected).flatMap(([from, row]) => Object.keys(row).map((to) => [from, to] as [LabHostKey, LabHostKey]));
    const outcomes = await Promise.all(
      pairs.map(async ([from, to]): Promise<Outcome> => {
        const result = await lab.exec(from, `ping -c1 -W1 ${lab.hosts[to].privateAddress}`);
        if (result.exitCode === 0) return 'ok';
        return /Unreachable/.test(result.stdout) ? 'no-route' : 'blocked';
      }),
    );
    const actual: Record<string, Record<string, Outcome>> = {};
    pairs.forEach(([from, to], i) => ((actual[from] ??= {})[to] = outcomes[i] as Outcome));
    expect(actual).toEqual(expected);
  });

  it('lets ecommerce use the database and keeps gitlab away from port 3306', async () => {
    const query = `mariadb -h ${lab.db.address} -P ${lab.db.port} -u ${lab.db.adminUser} -N -e 'SELECT 1'`;
    const ok = await lab.exec('ecommerce', query, { env: { MYSQL_PWD: lab.db.adminPassword() } });
    expect(ok).toMatchObject({ exitCode: 0, stdout: '1' });
    const wrong = await lab.exec('ecommerce', query, { env: { MYSQL_PWD: 'not-the-password' } });
    expect(wrong.stderr).toMatch(/Access denied/);
    const gitlab = await lab.exec('gitlab', `timeout 2 bash -c '</dev/tcp/${lab.db.address}/${lab.db.port}'`);
    expect(gitlab.exitCode).toBe(124); // dropped by the RDS SG: the connection hangs until timeout
  });

  it('gives the operator no default route and no way out of the lab', async () => {
    const routes = await lab.runInOperator('ip', ['route', 'show']);
    expect(routes.stdout).not.toMatch(/default/);
    for (const target of [`${lab.db.address}/${lab.db.port}`, '1.1.1.1/443']) {
      const result = await lab.runInOperator('timeout', ['2', 'bash', '-c', `</dev/tcp/${target}`], { reject: false });
      expect(result.exitCode, target).toBe(1);
      expect(result.stderr).toMatch(/Network is unreachable/);
    }
  });
});

describe('hosts', () => {
  it('keeps what a step writes on one host off the others and off the machine', async () => {
    const write = await sshTo(lab.hosts.ecommerce.privateAddress, 'sudo mkdir -p /opt/labcheck && echo shop | sudo tee /opt/labcheck/marker >/dev/null && sudo chmod 600 /opt/labcheck/marker', { jump: true });
    expect(write.stderr).toBe('');
    const onShop = lab.hostPath('ecommerce', '/opt/labcheck/marker');
    expect(readFileSync(onShop, 'utf8')).toBe('shop\n');
    expect(statSync(onShop).mode & 0o777).toBe(0o600);
    expect(existsSync(lab.hostPath('wordpress', '/opt/labcheck/marker'))).toBe(false);
    expect((await lab.exec('wordpress', 'test -e /opt/labcheck/marker')).exitCode).toBe(1);
    expect(existsSync('/opt/labcheck')).toBe(false);
  });

  it('uploads over SFTP through the jump host', async () => {
    const args = ['-F', ssh.configFile, '-J', GITLAB_PUBLIC, ssh.configFile, `${lab.hosts.ia.privateAddress}:uploaded.conf`];
    const result = await lab.runInOperator('scp', args, { reject: false });
    expect(result.stderr).toBe('');
    expect(readFileSync(lab.hostPath('ia', '/home/ubuntu/uploaded.conf'), 'utf8')).toBe(readFileSync(ssh.configFile, 'utf8'));
  });

  it('records package and docker calls, and serves HTTP on the published port', async () => {
    const shop = lab.hosts.ecommerce.privateAddress;
    const before = await sshTo(shop, 'docker info', { jump: true });
    expect(before.exitCode).toBe(127); // docker comes with the docker.io package
    expect((await sshTo(shop, 'apt-get install -y docker.io', { jump: true })).exitCode).toBe(100); // not root
    const secure = await sshTo(shop, 'sudo sh -c "command -v systemctl; command -v apt-get"', { jump: true });
    expect(secure.stdout.split('\n')).toEqual(['/usr/bin/systemctl', '/usr/bin/apt-get']);
    const compose = 'services:\n  nginx:\n    image: nginx\n    ports:\n      - "${SHOP_PORT:-5085}:5085"\n';
    const script = [
      'sudo apt-get update -q && sudo apt-get install -y docker.io docker-compose-v2',
      'sudo mkdir -p /opt/shop',
      `printf '%s' '${compose}' | sudo tee /opt/shop/compose.yaml >/dev/null`,
      'cd /opt/shop && sudo docker compose up -d --build',
      "sudo docker ps --format '{{.Names}} {{.Ports}}'",
    ].join(' && ');
    const up = await sshTo(shop, script, { jump: true });
    expect(up.exitCode, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^shop-nginx-1 0\.0\.0\.0:5085->5085\/tcp$/m);

    // From the operator, through the router's 1:1 NAT and the web SG (the shop port is open to anywhere).
    const page = await lab.runInOperator('curl', ['-sS', '-m', '5', `http://${lab.hosts.ecommerce.publicAddress}:5085/`], { reject: false });
    expect(page.stdout).toMatch(/shop-nginx-1/);

    const calls = await lab.calls('ecommerce');
    expect(calls.find((c) => c.argv[0] === 'apt-get' && c.argv[1] === 'install' && c.exit === 0)).toMatchObject({ argv: ['apt-get', 'install', '-y', 'docker.io', 'docker-compose-v2'], user: 'root', sudoUser: 'ubuntu' });
    expect(calls.find((c) => c.argv[1] === 'compose')).toMatchObject({ argv: ['docker', 'compose', 'up', '-d', '--build'], cwd: '/opt/shop', exit: 0 });
    expect(await lab.calls('wordpress')).toEqual([]);
  });
});

describe('a host is its own Ubuntu 24.04, whatever the machine has', () => {
  it("sees none of the machine's programs: the machine's /usr/bin/aws (Debian's awscli, or one this test puts there) is on no host", async () => {
    const fake = !existsSync('/usr/bin/aws');
    if (fake) {
      // A stand-in for Debian's awscli; it hands over to any other aws on the machine, for whoever runs one meanwhile.
      const other = execFileSync('sh', ['-c', 'which -a aws | grep -vx /usr/bin/aws | head -n1 || true'], { encoding: 'utf8' }).trim();
      writeFileSync('/usr/bin/aws', `#!/bin/sh\n# put here by test/lab/lab.test.ts for a moment\n${other ? `exec ${other} "$@"` : 'exit 1'}\n`, { mode: 0o755 });
    }
    try {
      expect(execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim()).not.toBe('');
      for (const host of ['gitlab', 'ecommerce', 'ia'] as const) {
        const onHost = await lab.exec(host, 'command -v aws; ls /usr/bin/aws /usr/local/bin/aws /root/.pyenv 2>&1; echo "os=$(. /etc/os-release; echo $ID $VERSION_CODENAME)"');
        expect(onHost.stdout, host).not.toMatch(/^\/\S*aws$/m);
        expect(onHost.stdout, host).toMatch(/os=ubuntu noble$/);
      }
      // Over SSH, as a step runs, and through sudo's PATH too.
      const viaSsh = await sshTo(GITLAB_PUBLIC, 'command -v aws; sudo sh -c "command -v aws"; echo "exit $?"');
      expect(viaSsh.stdout.trim()).toMatch(/^exit [1-9]\d*$/);
    } finally {
      if (fake) rmSync('/usr/bin/aws', { force: true });
    }
  });

  it("refuses what noble does not have with apt's and snap's words: a step's install script asking for awscli fails, nothing installed", async () => {
    const wordpress = lab.hosts.wordpress.privateAddress;
    const install = await sshTo(wordpress, `sudo sh -c ${shellQuote(aptInstallScript(['mariadb-client', 'awscli']))}`, { jump: true });
    expect(install.exitCode).toBe(100);
    expect(install.stdout).toContain('Package awscli is not available, but is referred to by another package.\nThis may mean that the package is missing, has been obsoleted, or\nis only available from another source\n');
    expect(install.stderr).toContain("E: Package 'awscli' has no installation candidate");
    expect((await sshTo(wordpress, 'sudo apt-get install -y no-such-package', { jump: true })).stderr).toContain('E: Unable to locate package no-such-package');
    expect((await sshTo(wordpress, 'command -v mariadb; dpkg -s mariadb-client', { jump: true })).exitCode).toBe(1);
    expect((await sshTo(wordpress, 'sudo snap install awscli', { jump: true })).stderr).toBe('error: snap "awscli" not found');
    expect((await sshTo(wordpress, 'sudo snap install aws-cli', { jump: true })).stderr).toMatch(/^error: This revision of snap "aws-cli" was published using classic confinement/);
  });

  it('runs the one emulation: every emulated call was answered by the built src/sandbox/emulation, copied as it is', async () => {
    const code = labCodeDir();
    const built = filesUnder(BUILT_EMULATION);
    expect(filesUnder(`${code}/emulation`)).toEqual(built);
    for (const file of built) expect(readFileSync(`${code}/emulation/${file}`).equals(readFileSync(`${BUILT_EMULATION}/${file}`)), file).toBe(true);
    expect(readFileSync(lab.hostPath('ecommerce', '/usr/bin/apt-get'), 'utf8')).toContain(`${CODE_IN_HOST}/lab/host.mjs`);
    const calls = [...(await lab.calls('ecommerce')), ...(await lab.calls('wordpress'))];
    expect(calls.length).toBeGreaterThan(5);
    expect([...new Set(calls.map((call) => call.emulation))]).toEqual([`${CODE_IN_HOST}/emulation/commands.js`]);
  });
});

describe('stop', () => {
  const ours = (names: string[]) => names.filter((name) => name.startsWith(`rblab${process.pid}x`) && !name.startsWith(lab.prefix));

  it('cleans up after a start that fails late (every daemon already running)', async () => {
    const error = await startLab({ preinstalled: { nope: ['docker.io'] } as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(ours(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' }).split('\n'))).toEqual([]);
    expect(ours(readdirSync(LAB_BASE_DIR))).toEqual([]);
  });

  it('leaves no namespace, process or directory of the run', async () => {
    const listPids = `for ns in $(ip netns list | cut -d' ' -f1 | grep '^${lab.prefix}-'); do ip netns pids $ns; done`;
    const pids = execFileSync('sh', ['-c', listPids], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
    expect(pids.length).toBeGreaterThanOrEqual(7); // 5 sshd, mariadbd, the shop's responder
    await lab.stop();
    const remaining = pids.filter((pid) => existsSync(`/proc/${pid}`)).map((pid) => `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8')}`);
    expect(remaining).toEqual([]);
    expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`${lab.prefix}-`);
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).split('\n').filter((line) => line.includes(lab.dir));
    expect(processes).toEqual([]);
    expect(existsSync(lab.dir)).toBe(false);
  });
});
