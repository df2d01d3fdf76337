import { beforeAll, describe, expect, it } from 'vitest';
import { Bash } from 'just-bash';
import { outputBytes } from '../../../src/sandbox/simulated/host.js';
import { polyfilled } from '../../../src/sandbox/simulated/shell/job-polyfill.js';
import type { SimulatedWorld } from '../../../src/sandbox/simulated/world.js';
import { aptInstallScript } from '../../../src/tasks/hosts/docker-remote.js';
import { DOCKER_PROBE, parseDockerFacts } from '../../../src/tasks/hosts/docker-probe.js';
import { GITLAB_KEY_FINGERPRINT, GITLAB_KEYRING, keyInstallScript } from '../../../src/tasks/hosts/gitlab/repository.js';
import { runOn, testWorld } from './helpers.js';

let world: SimulatedWorld;
beforeAll(async () => {
  world = await testWorld();
});

describe('the job polyfill (just-bash gaps in the SSH wrapper)', () => {
  const wrapper = '( cat; exit 3\n) <&0 &\nwait $!';

  it('stock just-bash loses a background job\'s status and a subshell\'s stdin; the polyfill restores both', async () => {
    const bash = new Bash();
    const stock = await bash.exec(wrapper, { stdin: 'input\n' });
    // If just-bash fixes these, the polyfill can go: this test says so.
    expect({ stdout: stock.stdout, exitCode: stock.exitCode }).toEqual({ stdout: '', exitCode: 0 });
    const fixed = await bash.exec(polyfilled(wrapper), { stdin: 'input\n' });
    expect({ stdout: fixed.stdout, exitCode: fixed.exitCode }).toEqual({ stdout: 'input\n', exitCode: 3 });
  });

  it('rewrites jobs and waits wherever they are (functions, substitutions) and leaves plain `wait` at 0', async () => {
    const bash = new Bash();
    const result = await bash.exec(polyfilled('f() { ( exit 5 ) & wait $!; }; f; a=$?; b=$( (exit 6) & wait $!; echo $?); wait; echo "$a $b $?"'));
    expect(result.stdout).toBe('5 6 0\n');
  });

  it('nested subshells survive the rewrite (just-bash would print `( (x) )` back as arithmetic)', async () => {
    const result = await new Bash().exec(polyfilled('( (echo nested) ); echo "$( (echo sub) )"; ( (exit 3) ) || echo "status $?"'));
    expect(result.stdout).toBe('nested\nsub\nstatus 3\n');
  });

  it('a failing job does not stop a `set -e` shell that started it, as in bash', async () => {
    const result = await new Bash().exec(polyfilled('set -e; ( exit 4 ) & echo "still here"'));
    expect(result.stdout).toBe('still here\n');
  });
});

describe('a command line\'s output as bytes', () => {
  it('text (ASCII, Latin-1, beyond) as UTF-8; gzip output byte for byte', async () => {
    const bash = new Bash();
    for (const text of ['plain\n', 'été\n', '● docker.service ✔\n']) {
      expect(outputBytes(await bash.exec(`printf '%s\\n' '${text.trim()}'`)).toString('utf8')).toBe(text);
    }
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(outputBytes(await bash.exec("printf 'one\\ntwo\\n' | gzip -c"))).toString()).toBe('one\ntwo\n');
  });
});

describe('a simulated host runs the SSH layer\'s commands as a real one would', () => {
  it('exit codes, stdin after the secret lines, plain env, cwd, and sudo to root', async () => {
    const host = world.host('ecommerce');
    expect(await runOn(host, 'exit 7')).toMatchObject({ code: 7 });
    const piped = await runOn(host, 'echo "$TOKEN/$PLAIN/$(pwd)"; cat', { secretEnv: { TOKEN: 's3cr3t' }, env: { PLAIN: 'p' }, cwd: '/tmp', stdin: 'the rest\n' });
    expect(piped).toEqual({ code: 0, stdout: 's3cr3t/p//tmp\nthe rest\n', stderr: '' });
    expect((await runOn(host, 'id -u; whoami', { sudo: true })).stdout).toBe('0\nroot\n');
    expect((await runOn(host, 'id -u; whoami; hostname')).stdout).toBe('1000\nubuntu\nip-10-1-1-10\n');
  });

  it('set -e in a command stops it at the first failure, with that failure\'s status', async () => {
    const result = await runOn(world.host('wordpress'), 'set -e\necho one\nfalse\necho two');
    expect(result).toMatchObject({ code: 1, stdout: 'one\n' });
  });

  it('files keep the owner and mode install/chown/mktemp give them; mv -T refuses a directory', async () => {
    const host = world.host('monitoring');
    const script = [
      'set -e',
      'src=$(mktemp /tmp/up.XXXXXX); echo data > "$src"',
      'mkdir -p -m 0750 /srv/app',
      'staged=$(mktemp -p /srv/app .f.XXXXXX)',
      'install -m 0600 -o ubuntu -g ubuntu -- "$src" "$staged"',
      'mv -f -T -- "$staged" /srv/app/file',
      "stat -c '%a %U %G' -- /srv/app/file /srv/app \"$src\"",
      'head -n 1 -- /srv/app/file',
    ].join('\n');
    const result = await runOn(host, script, { sudo: true });
    expect(result).toEqual({ code: 0, stdout: '600 ubuntu ubuntu\n750 root root\n600 root root\ndata\n', stderr: '' });
    const refused = await runOn(host, 'mkdir -p /srv/dir; echo x > /tmp/x; mv -f -T -- /tmp/x /srv/dir', { sudo: true });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot overwrite directory/);
    expect((await runOn(host, 'chown ubuntu /srv/app/file')).code).toBe(1);
  });

  it("GitLab's key script: the simulated gpg imports the served key file and exports GitLab's key alone", async () => {
    const host = world.host('gitlab');
    const result = await runOn(host, keyInstallScript(), { sudo: true });
    expect(result.code, result.stderr).toBe(0);
    const shown = await runOn(host, `gpg --batch --show-keys --with-colons ${GITLAB_KEYRING}`);
    expect(shown.stdout).toBe(`pub:-:4096:1:${GITLAB_KEY_FINGERPRINT.slice(-16)}:1583193600:::-:::scSC::::::23::0:\nfpr:::::::::${GITLAB_KEY_FINGERPRINT}:\n`);
    // As gpg does: no keyring to import into, nothing to export, unknown options refused.
    expect((await runOn(host, 'GNUPGHOME=/nonexistent gpg --batch --import /etc/apt/keyrings/gitlab-keyring.asc')).code).toBe(2);
    expect((await runOn(host, 'h=$(mktemp -d); GNUPGHOME=$h gpg --batch --armor --export 0123456789ABCDEF0123456789ABCDEF01234567')).stdout).toBe('');
    expect((await runOn(host, 'gpg --batch --sign /etc/hostname')).code).toBe(2);
  });

  it('packages: commands appear once installed, only root installs, docker needs root and its daemon', async () => {
    const host = world.host('ia');
    const before = parseDockerFacts((await runOn(host, DOCKER_PROBE, { sudo: true })).stdout);
    expect(before).toMatchObject({ dockerPath: '', composeVersion: '', active: false });
    expect((await runOn(host, aptInstallScript(['docker.io']))).code).toBe(100);
    expect((await runOn(host, aptInstallScript(['no-such-package']), { sudo: true })).stderr).toMatch(/Unable to locate package no-such-package/);
    expect((await runOn(host, aptInstallScript(['docker.io', 'docker-compose-v2']), { sudo: true })).code).toBe(0);
    const after = parseDockerFacts((await runOn(host, DOCKER_PROBE, { sudo: true })).stdout);
    expect(after).toEqual({ dockerPath: '/usr/bin/docker', composeVersion: '2.24.6+ds1-0ubuntu2', enabled: true, active: true, serverVersion: '24.0.7' });
    expect((await runOn(host, "docker info --format '{{.ServerVersion}}'")).stderr).toMatch(/permission denied/);
    await runOn(host, 'systemctl stop docker', { sudo: true });
    expect((await runOn(host, "docker info --format '{{.ServerVersion}}'", { sudo: true })).stderr).toMatch(/Is the docker daemon running/);
    expect(host.calls.some((argv) => argv.join(' ') === 'systemctl stop docker')).toBe(true);
  });
});
