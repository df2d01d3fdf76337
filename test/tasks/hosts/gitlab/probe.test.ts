import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkedExternalUrl,
  GITLAB_PROBE,
  GITLAB_RB,
  gitlabUnfinished,
  parseExternalUrlLine,
  parseGitlabFacts,
  readinessProblem,
  sameUrl,
  setExternalUrlScript,
  sha256,
  type GitlabFacts,
} from '../../../../src/tasks/hosts/gitlab/probe.js';
import { gitlabSourceList } from '../../../../src/tasks/hosts/gitlab/repository.js';
import { stubShell, type StubShell } from '../shell-stubs.js';

const OS = { id: 'ubuntu', codename: 'noble' };
const READY: GitlabFacts = {
  os: OS,
  keyring: true,
  sourceSha256: sha256(gitlabSourceList(OS)),
  ctlPath: '/usr/bin/gitlab-ctl',
  externalUrl: 'http://198.51.100.10',
  running: true,
  passwordFile: true,
};
const OK = { status: 200, body: '{"status":"ok","master_check":[{"status":"ok"}]}' };

describe('GitLab probe parsing', () => {
  it('reads external_url from its gitlab.rb line, either quotes, comments after', () => {
    expect(parseExternalUrlLine("external_url 'http://198.51.100.10'")).toBe('http://198.51.100.10');
    expect(parseExternalUrlLine('  external_url "https://git.example.com" # set by hand')).toBe('https://git.example.com');
    expect(parseExternalUrlLine("# external_url 'http://x'")).toBe('');
  });

  it('turns the probe lines into facts', () => {
    const facts = parseGitlabFacts(
      ['os_id=ubuntu', 'os_codename=noble', 'keyring=yes', `source_sha256=${READY.sourceSha256}`, 'ctl=/usr/bin/gitlab-ctl', "external_url_line=external_url 'http://198.51.100.10'", 'running=yes', 'password_file=yes'].join('\n'),
    );
    expect(facts).toEqual(READY);
    expect(parseGitlabFacts('os_id=ubuntu\nos_codename=noble\nctl=\n')).toMatchObject({ keyring: false, sourceSha256: '', ctlPath: '', running: false, externalUrl: '' });
  });

  it('never prints the password file or gitlab.rb beyond its external_url line', () => {
    expect(GITLAB_PROBE).not.toMatch(/cat .*initial_root_password/);
    expect(GITLAB_PROBE).toContain("grep -E '^[[:space:]]*external_url[[:space:]]' /etc/gitlab/gitlab.rb | tail -n1");
  });
});

describe('readiness and what is left', () => {
  it("accepts only GitLab's readiness JSON with status ok", () => {
    expect(readinessProblem(OK)).toBeUndefined();
    expect(readinessProblem({ status: 200, body: '{"status":"failed"}' })).toBe('status "failed"');
    expect(readinessProblem({ status: 502, body: '' })).toMatch(/^HTTP 502/);
    expect(readinessProblem({ status: 200, body: '<html>' })).toMatch(/not GitLab's readiness JSON/);
    expect(readinessProblem({ status: 0, body: 'refused' })).toMatch(/^nothing answers/);
  });

  it('is empty when installed, configured for the URL and ready', () => {
    expect(gitlabUnfinished(READY, 'http://198.51.100.10', OK)).toEqual([]);
    expect(gitlabUnfinished({ ...READY, externalUrl: 'http://198.51.100.10/' }, 'http://198.51.100.10', OK)).toEqual([]);
  });

  it('lists the repository, the install, a changed address, a stopped GitLab, a readiness failure', () => {
    expect(gitlabUnfinished({ ...READY, keyring: false, sourceSha256: '', ctlPath: '', running: false, externalUrl: '' }, 'http://1.2.3.4', undefined)).toEqual([
      "fetch GitLab's package signing key",
      'write /etc/apt/sources.list.d/gitlab_gitlab-ce.list',
      'install gitlab-ce',
    ]);
    expect(gitlabUnfinished({ ...READY, externalUrl: 'http://18.217.232.200' }, 'http://198.51.100.10', OK)).toEqual([
      'set external_url to http://198.51.100.10 (now http://18.217.232.200) and reconfigure',
    ]);
    expect(gitlabUnfinished({ ...READY, running: false }, 'http://198.51.100.10', undefined)).toEqual(['start GitLab (gitlab-ctl reconfigure)']);
    expect(gitlabUnfinished(READY, 'http://198.51.100.10', { status: 502, body: '' })[0]).toMatch(/^wait for http:\/\/localhost\/-\/readiness/);
  });

  it('compares URLs without a trailing slash and refuses odd ones', () => {
    expect(sameUrl('http://a/', 'http://a')).toBe(true);
    expect(sameUrl('http://a', 'http://b')).toBe(false);
    expect(checkedExternalUrl('http://18.217.232.200/')).toBe('http://18.217.232.200');
    expect(() => checkedExternalUrl("http://x|'; rm -rf /")).toThrow(/not a usable GitLab external URL/);
  });
});

describe('setExternalUrlScript, run on a copy of gitlab.rb', () => {
  let shell: StubShell;
  let rb: string;
  beforeAll(() => {
    shell = stubShell();
    rb = join(shell.dir, 'gitlab.rb');
  });
  afterAll(() => shell.cleanup());
  const run = (url: string) => shell.run(setExternalUrlScript(url).replaceAll(GITLAB_RB, rb));

  it('replaces the active line and leaves the rest alone', () => {
    writeFileSync(rb, "## GitLab configuration\n# external_url 'http://commented'\nexternal_url 'http://18.217.232.200/'\ngitlab_rails['time_zone'] = 'UTC'\n");
    expect(run('http://198.51.100.10').code).toBe(0);
    expect(readFileSync(rb, 'utf8')).toBe("## GitLab configuration\n# external_url 'http://commented'\nexternal_url 'http://198.51.100.10'\ngitlab_rails['time_zone'] = 'UTC'\n");
  });

  it('adds the line when there is none', () => {
    writeFileSync(rb, "gitlab_rails['time_zone'] = 'UTC'\n");
    expect(run('http://198.51.100.10').code).toBe(0);
    expect(readFileSync(rb, 'utf8')).toBe("gitlab_rails['time_zone'] = 'UTC'\nexternal_url 'http://198.51.100.10'\n");
  });
});
