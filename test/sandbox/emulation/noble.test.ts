import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { NOBLE_PACKAGES, NOBLE_REFERRED_ONLY } from '../../../src/sandbox/emulation/noble-packages.js';
import type { SimulatedWorld } from '../../../src/sandbox/simulated/world.js';
import { BACKUP_TOOLS } from '../../../src/tasks/backup/client-tools-step.js';
import { DOCKER_PACKAGES } from '../../../src/tasks/hosts/docker-probe.js';
import { aptInstallScript } from '../../../src/tasks/hosts/docker-remote.js';
import { runOn, testWorld } from '../simulated/helpers.js';

/**
 * The emulated apt is Ubuntu 24.04's: it offers what noble offers for everything the tool installs, and
 * refuses the rest with apt's own words (the lab runs the same emulation: test/lab/lab.test.ts asks it there).
 */

/** Every package name the tool's sources ask apt for: its install scripts' and apt-get lines' literal names. */
function namesInSources(dir: string): string[] {
  const names: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) names.push(...namesInSources(path));
    else if (path.endsWith('.ts')) {
      const text = readFileSync(path, 'utf8');
      for (const match of text.matchAll(/aptInstallScript\(\[([^\]]*)\]/g)) names.push(...[...(match[1] ?? '').matchAll(/'([a-z0-9.+-]+)'/g)].map((m) => m[1] as string));
      for (const match of text.matchAll(/apt-get (?:-\S+ )*install (?:-\S+ )*((?:[a-z][a-z0-9.+-]+ ?)+)/g)) names.push(...(match[1] ?? '').trim().split(' '));
    }
  }
  return names;
}

let world: SimulatedWorld;
beforeAll(async () => {
  world = await testWorld();
});

describe("the emulated apt offers noble's packages", () => {
  it('has every package the tool installs (Docker, the backup tools, ping, MariaDB client, GitLab from its repository)', () => {
    const wanted = new Set([...DOCKER_PACKAGES, ...BACKUP_TOOLS.map((tool) => tool.pkg), ...namesInSources('src/tasks')]);
    expect([...wanted].sort()).toEqual(expect.arrayContaining(['docker.io', 'docker-compose-v2', 'gitlab-ce', 'iputils-ping', 'mariadb-client', 'curl']));
    for (const name of wanted) expect(NOBLE_PACKAGES[name], name).toBeDefined();
    expect(NOBLE_PACKAGES['awscli']).toBeUndefined();
    expect(NOBLE_REFERRED_ONLY).toContain('awscli');
  });

  it("a step's install script asking for a package noble does not have fails with apt's words, exit 100, and installs nothing", async () => {
    const host = world.host('ecommerce');
    // The backup tools' install as the step runs it (sudo, the same script), with awscli asked for too.
    const result = await runOn(host, aptInstallScript([...BACKUP_TOOLS.map((tool) => tool.pkg), 'awscli']), { sudo: true });
    expect(result.code).toBe(100);
    expect(result.stdout).toContain('Package awscli is not available, but is referred to by another package.\nThis may mean that the package is missing, has been obsoleted, or\nis only available from another source\n');
    expect(result.stderr).toBe("E: Package 'awscli' has no installation candidate\n");
    expect((await runOn(host, 'command -v mariadb-dump || echo missing; dpkg -s mariadb-client')).stdout).toBe('missing\n');
    const unknown = await runOn(host, 'apt-get install -y aws-cli', { sudo: true });
    expect(unknown).toMatchObject({ code: 100, stderr: 'E: Unable to locate package aws-cli\n' });
    expect(host.calls.map((argv) => argv.join(' '))).toContain('apt-get -q -o=DPkg::Lock::Timeout=600 -y install mariadb-client curl awscli');
  });

  it("GitLab CE only from GitLab's repository, once its source and key are there", async () => {
    const host = world.host('gitlab');
    expect((await runOn(host, aptInstallScript(['gitlab-ce'], { forceUpdate: true }), { sudo: true })).stderr).toBe('E: Unable to locate package gitlab-ce\n');
    await runOn(host, "echo 'deb [signed-by=/etc/apt/keyrings/gitlab-keyring.asc] https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu/ noble main' > /etc/apt/sources.list.d/gitlab_gitlab-ce.list", { sudo: true });
    expect((await runOn(host, 'apt-get update', { sudo: true })).stderr).toMatch(/^W: GPG error: https:\/\/packages\.gitlab\.com\/gitlab\/gitlab-ce\/ubuntu noble InRelease/);
    await runOn(host, 'echo key > /etc/apt/keyrings/gitlab-keyring.asc', { sudo: true });
    const installed = await runOn(host, aptInstallScript(['gitlab-ce'], { forceUpdate: true }), { sudo: true });
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stdout).toContain(`Setting up gitlab-ce (${NOBLE_PACKAGES['gitlab-ce']?.version}) ...`);
    expect((await runOn(host, 'dpkg -s gitlab-ce; command -v gitlab-ctl')).stdout).toMatch(/^Package: gitlab-ce\nStatus: install ok installed\n[\s\S]*\/usr\/bin\/gitlab-ctl\n$/);
  });

  it('snap: a name the Store lacks is not found; a classic snap wants --classic; only root installs', async () => {
    const host = world.host('ia');
    expect(await runOn(host, 'snap install awscli', { sudo: true })).toMatchObject({ code: 1, stderr: 'error: snap "awscli" not found\n' });
    expect((await runOn(host, 'snap install aws-cli', { sudo: true })).stderr).toMatch(/^error: This revision of snap "aws-cli" was published using classic confinement/);
    expect((await runOn(host, 'snap install aws-cli --classic')).stderr).toBe('error: access denied (try with sudo)\n');
    expect(await runOn(host, 'snap install aws-cli --classic', { sudo: true })).toMatchObject({ code: 0, stdout: 'aws-cli installed\n' });
    expect((await runOn(host, 'snap list aws-cli')).stdout).toMatch(/^aws-cli .*classic$/m);
  });
});
