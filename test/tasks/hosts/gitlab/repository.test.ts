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

/** Primary-key fingerprints of a key file, as gpg reads it (`fpr` after `pub`; a `sub`'s is a subkey's). */
function primaryFingerprints(file: string, env: NodeJS.ProcessEnv): string[] {
  const colons = execFileSync('gpg', ['--batch', '--show-keys', '--with-colons', file], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return [...colons.matchAll(/^pub:.*\nfpr:+([0-9A-F]{40}):/gm)].map((m) => m[1] as string);
}

/** The key script, run locally: a stub curl "downloads" a key file made here, paths moved into a temp dir. */
describe('keyInstallScript', () => {
  let shell: StubShell;
  let env: NodeJS.ProcessEnv;
  /** "GitLab's" key (its fingerprint stands in for GitLab's), and an extra key with a signing subkey. */
  let gitlab: { key: string; fingerprint: string };
  let extra: { fingerprint: string; subkey: string };
  /** One armoured keyring holding both keys, as a tampered or careless download could. */
  let bothKeys: string;
  let keyrings: string;
  const installed = () => join(keyrings, 'gitlab-keyring.asc');
  const script = (fingerprint: string) =>
    keyInstallScript()
      .replaceAll('/etc/apt/keyrings', keyrings)
      .replaceAll(GITLAB_KEY_FINGERPRINT, fingerprint);
  const serve = (armoured: string) => writeFileSync(join(shell.dir, 'served.asc'), armoured);

  beforeAll(() => {
    shell = stubShell();
    keyrings = join(shell.dir, 'keyrings');
    const home = join(shell.dir, 'gnupg');
    execFileSync('mkdir', ['-m', '0700', '-p', home]);
    env = { ...process.env, GNUPGHOME: home };
    const gpg = (...args: string[]) => execFileSync('gpg', ['--batch', ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const fingerprintsOf = (uid: string) => [...gpg('--with-colons', '--list-keys', uid).matchAll(/^fpr:+([0-9A-F]{40}):/gm)].map((m) => m[1] as string);
    gpg('--passphrase', '', '--quick-gen-key', 'Test Key <test@example.invalid>', 'ed25519', 'sign', 'never');
    gpg('--passphrase', '', '--quick-gen-key', 'Extra Key <extra@example.invalid>', 'ed25519', 'sign', 'never');
    const [extraFingerprint = ''] = fingerprintsOf('extra@example.invalid');
    gpg('--passphrase', '', '--quick-add-key', extraFingerprint, 'ed25519', 'sign', 'never');
    const [gitlabFingerprint = ''] = fingerprintsOf('test@example.invalid');
    gitlab = { key: gpg('--armor', '--export', gitlabFingerprint), fingerprint: gitlabFingerprint };
    extra = { fingerprint: extraFingerprint, subkey: fingerprintsOf('extra@example.invalid')[1] ?? '' };
    bothKeys = gpg('--armor', '--export', gitlabFingerprint, extraFingerprint);
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env, stdio: 'ignore' });
    // The stub writes the served key file wherever -o says and checks it was asked for GitLab's URL over HTTPS only.
    shell.stub(
      'curl',
      `out=; url=; proto=; while [ $# -gt 0 ]; do case "$1" in -o) out="$2"; shift;; --proto) proto="$2"; shift;; https://*) url="$1";; esac; shift; done
[ "$url" = https://packages.gitlab.com/gpg.key ] && [ "$proto" = "=https" ] || exit 22
cp ${shell.dir}/served.asc "$out"`,
    );
  });
  afterAll(() => shell.cleanup());

  it("refuses a key without GitLab's fingerprint and installs nothing", () => {
    expect(gitlab.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    serve(gitlab.key);
    const result = shell.run(script(GITLAB_KEY_FINGERPRINT));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`do not include GitLab's ${GITLAB_KEY_FINGERPRINT}`);
    expect(result.stderr).toContain(gitlab.fingerprint);
    expect(existsSync(installed())).toBe(false);
  });

  it('installs the key, world-readable, when the fingerprint matches', () => {
    serve(gitlab.key);
    const result = shell.run(script(gitlab.fingerprint));
    expect(result.code, result.stderr).toBe(0);
    expect(primaryFingerprints(installed(), env)).toEqual([gitlab.fingerprint]);
    expect(statSync(installed()).mode & 0o777).toBe(0o644);
    expect(GITLAB_KEYRING.endsWith('/gitlab-keyring.asc')).toBe(true);
  });

  it("a file holding GitLab's key plus another: only GitLab's key is installed, never the other", () => {
    shell.run(`rm -rf ${keyrings}`);
    serve(bothKeys);
    expect(primaryFingerprints(join(shell.dir, 'served.asc'), env).sort()).toEqual([gitlab.fingerprint, extra.fingerprint].sort());
    const result = shell.run(script(gitlab.fingerprint));
    expect(result.code, result.stderr).toBe(0);
    expect(primaryFingerprints(installed(), env)).toEqual([gitlab.fingerprint]);
    expect(readFileSync(installed(), 'utf8')).not.toBe(bothKeys);
    const colons = execFileSync('gpg', ['--batch', '--show-keys', '--with-colons', installed()], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    expect(colons).not.toContain(extra.fingerprint);
    expect(colons).not.toContain(extra.subkey);
  });

  it("GitLab's fingerprint as another key's subkey is not GitLab's key: refused, nothing installed", () => {
    shell.run(`rm -rf ${keyrings}`);
    serve(bothKeys);
    expect(extra.subkey).toMatch(/^[0-9A-F]{40}$/);
    const result = shell.run(script(extra.subkey));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`do not include GitLab's ${extra.subkey}`);
    expect(existsSync(installed())).toBe(false);
  });

  it('fails when the download fails (curl -f), before anything is installed', () => {
    shell.run(`rm -rf ${keyrings}`);
    shell.stub('curl', 'echo "curl: (6) Could not resolve host: packages.gitlab.com" >&2; exit 6');
    const result = shell.run(script(gitlab.fingerprint));
    expect(result.code).toBe(6);
    expect(existsSync(keyrings)).toBe(false);
  });
});
