import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GITLAB_KEY_FINGERPRINT,
  GITLAB_KEYRING,
  gitlabSourceList,
  keyInstallScript,
  unsupportedOs,
} from '../../../../src/tasks/hosts/gitlab/repository.js';
import { stubShell, type StubShell } from '../shell-stubs.js';

describe("GitLab's package source", () => {
  it('is one signed-by line for the host\'s distribution and codename', () => {
    expect(gitlabSourceList({ id: 'ubuntu', codename: 'noble' })).toContain(
      'deb [signed-by=/etc/apt/keyrings/gitlab-keyring.asc] https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu/ noble main',
    );
    expect(gitlabSourceList({ id: 'debian', codename: 'bookworm' })).toContain('/gitlab-ce/debian/ bookworm main');
  });

  it('refuses systems GitLab does not package for', () => {
    expect(unsupportedOs({ id: 'ubuntu', codename: 'noble' })).toBeUndefined();
    expect(unsupportedOs({ id: 'amzn', codename: '' })).toMatch(/packaged for ubuntu and debian.*"amzn"/);
    expect(unsupportedOs({ id: 'ubuntu', codename: '' })).toMatch(/VERSION_CODENAME/);
    expect(() => gitlabSourceList({ id: 'fedora', codename: 'x' })).toThrow(/packaged for/);
  });
});

/** The key script, run locally: a stub curl "downloads" a key made here, paths moved into a temp dir. */
describe('keyInstallScript', () => {
  let shell: StubShell;
  let testKey: string;
  let testFingerprint: string;
  let keyrings: string;
  const script = (fingerprint: string) =>
    keyInstallScript()
      .replaceAll('/etc/apt/keyrings', keyrings)
      .replaceAll(GITLAB_KEY_FINGERPRINT, fingerprint);

  beforeAll(() => {
    shell = stubShell();
    keyrings = join(shell.dir, 'keyrings');
    const home = join(shell.dir, 'gnupg');
    execFileSync('mkdir', ['-m', '0700', '-p', home]);
    const env = { ...process.env, GNUPGHOME: home };
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'Test Key <test@example.invalid>', 'ed25519', 'sign', 'never'], { env, stdio: 'ignore' });
    testKey = execFileSync('gpg', ['--batch', '--armor', '--export'], { env, encoding: 'utf8' });
    const colons = execFileSync('gpg', ['--batch', '--with-colons', '--list-keys'], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    testFingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(colons)?.[1] ?? '';
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env, stdio: 'ignore' });
    writeFileSync(join(shell.dir, 'served.asc'), testKey);
    // The stub writes the served key wherever -o says and checks it was asked for GitLab's URL over HTTPS only.
    shell.stub(
      'curl',
      `out=; url=; proto=; while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift;; --proto) proto="$2"; shift;; https://*) url="$1";; esac; shift; done
[ "$url" = https://packages.gitlab.com/gpg.key ] && [ "$proto" = "=https" ] || exit 22
cp ${shell.dir}/served.asc "$out"`,
    );
  });
  afterAll(() => shell.cleanup());

  it("refuses a key without GitLab's fingerprint and installs nothing", () => {
    expect(testFingerprint).toMatch(/^[0-9A-F]{40}$/);
    const result = shell.run(script(GITLAB_KEY_FINGERPRINT));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`do not include GitLab's ${GITLAB_KEY_FINGERPRINT}`);
    expect(result.stderr).toContain(testFingerprint);
    expect(existsSync(join(keyrings, 'gitlab-keyring.asc'))).toBe(false);
  });

  it('installs the key, world-readable, when the fingerprint matches', () => {
    const result = shell.run(script(testFingerprint));
    expect(result.code, result.stderr).toBe(0);
    const installed = join(keyrings, 'gitlab-keyring.asc');
    expect(readFileSync(installed, 'utf8')).toBe(testKey);
    expect(statSync(installed).mode & 0o777).toBe(0o644);
    expect(GITLAB_KEYRING.endsWith('/gitlab-keyring.asc')).toBe(true);
  });

  it('fails when the download fails (curl -f), before anything is installed', () => {
    shell.run(`rm -rf ${keyrings}`);
    shell.stub('curl', 'echo "curl: (6) Could not resolve host: packages.gitlab.com" >&2; exit 6');
    const result = shell.run(script(testFingerprint));
    expect(result.code).toBe(6);
    expect(existsSync(keyrings)).toBe(false);
  });
});
