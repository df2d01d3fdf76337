import { createHash } from 'node:crypto';
import type { SshConnection } from '../../../ssh/connect.js';
import { exec } from '../../../ssh/exec.js';
import type { HttpAnswer } from '../docker-http-check.js';
import { parseFacts } from '../docker-remote.js';
import { GITLAB_KEYRING, GITLAB_SOURCE_FILE, gitlabSourceList, unsupportedOs, type OsRelease } from './repository.js';
import { GITLAB_ROOT_PASSWORD_FILE } from './root-password.js';

/** GitLab's configuration; root-only (it may hold secrets): the probe prints its external_url line only. */
export const GITLAB_RB = '/etc/gitlab/gitlab.rb';
/** Answers only localhost by default (gitlab_rails['monitoring_whitelist']): checked on the host. */
export const GITLAB_READINESS_URL = 'http://localhost/-/readiness';

/** Run as root. Prints facts only: never the password file's content, never gitlab.rb beyond external_url. */
export const GITLAB_PROBE = [
  '. /etc/os-release 2>/dev/null || true',
  'echo "os_id=${ID:-}"',
  'echo "os_codename=${VERSION_CODENAME:-}"',
  `if [ -s ${GITLAB_KEYRING} ]; then echo "keyring=yes"; fi`,
  `if [ -f ${GITLAB_SOURCE_FILE} ]; then echo "source_sha256=$(sha256sum < ${GITLAB_SOURCE_FILE} | cut -d' ' -f1)"; fi`,
  'echo "ctl=$(command -v gitlab-ctl || true)"',
  `if [ -f ${GITLAB_RB} ]; then echo "external_url_line=$(grep -E '^[[:space:]]*external_url[[:space:]]' ${GITLAB_RB} | tail -n1)"; fi`,
  'if command -v gitlab-ctl >/dev/null && gitlab-ctl status >/dev/null 2>&1; then echo "running=yes"; fi',
  `if [ -f ${GITLAB_ROOT_PASSWORD_FILE} ]; then echo "password_file=yes"; fi`,
].join('\n');

export interface GitlabFacts {
  os: OsRelease;
  keyring: boolean;
  sourceSha256: string;
  /** `command -v gitlab-ctl`: the package is installed. */
  ctlPath: string;
  /** external_url from gitlab.rb, '' when unset. */
  externalUrl: string;
  /** `gitlab-ctl status` says every service is up. */
  running: boolean;
  passwordFile: boolean;
}

/** `external_url 'http://1.2.3.4'` (or double quotes, comments after) → the URL. */
export function parseExternalUrlLine(line: string): string {
  return /^\s*external_url\s+['"]([^'"]*)['"]/.exec(line)?.[1] ?? '';
}

export function parseGitlabFacts(stdout: string): GitlabFacts {
  const facts = parseFacts(stdout);
  return {
    os: { id: facts['os_id'] ?? '', codename: facts['os_codename'] ?? '' },
    keyring: facts['keyring'] === 'yes',
    sourceSha256: facts['source_sha256'] ?? '',
    ctlPath: facts['ctl'] ?? '',
    externalUrl: parseExternalUrlLine(facts['external_url_line'] ?? ''),
    running: facts['running'] === 'yes',
    passwordFile: facts['password_file'] === 'yes',
  };
}

export async function probeGitlab(connection: SshConnection, signal?: AbortSignal): Promise<GitlabFacts> {
  const result = await exec(connection, GITLAB_PROBE, { label: 'look at GitLab', sudo: true, timeoutMs: 60_000, signal });
  return parseGitlabFacts(result.stdout);
}

/** URLs compare without a trailing slash (the seed wrote "http://18.217.232.200/"). */
export function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

const URL_SHAPE = /^https?:\/\/[A-Za-z0-9.-]+(:\d+)?$/;

/** The external URL, checked to be a plain http(s)://host[:port] (it goes into a sed expression and gitlab.rb). */
export function checkedExternalUrl(url: string): string {
  const bare = url.replace(/\/+$/, '');
  if (!URL_SHAPE.test(bare)) throw new TypeError(`not a usable GitLab external URL: ${JSON.stringify(url)}`);
  return bare;
}

/** Run as root: set external_url in gitlab.rb (replace the active line, or add one). */
export function setExternalUrlScript(url: string): string {
  const bare = checkedExternalUrl(url);
  return [
    'set -e',
    `if grep -qE '^[[:space:]]*external_url[[:space:]]' ${GITLAB_RB}; then`,
    `  sed -i -E "s|^[[:space:]]*external_url[[:space:]].*$|external_url '${bare}'|" ${GITLAB_RB}`,
    'else',
    `  echo "external_url '${bare}'" >> ${GITLAB_RB}`,
    'fi',
  ].join('\n');
}

/** Why a readiness answer is not "ready", or undefined when it is. */
export function readinessProblem(answer: HttpAnswer): string | undefined {
  if (answer.status !== 200) return answer.status === 0 ? `nothing answers (${answer.body.slice(0, 160)})` : `HTTP ${answer.status} (GitLab is still starting, or a service is down)`;
  try {
    const body = JSON.parse(answer.body) as { status?: unknown };
    return body.status === 'ok' ? undefined : `status "${String(body.status)}"`;
  } catch {
    return `the answer is not GitLab's readiness JSON (${answer.body.slice(0, 80)})`;
  }
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** What apply still has to do; empty when GitLab is installed, configured for `externalUrl` and ready. */
export function gitlabUnfinished(facts: GitlabFacts, externalUrl: string, readiness: HttpAnswer | undefined): string[] {
  const left: string[] = [];
  if (!facts.keyring) left.push("fetch GitLab's package signing key");
  if (unsupportedOs(facts.os) === undefined && facts.sourceSha256 !== sha256(gitlabSourceList(facts.os))) left.push(`write ${GITLAB_SOURCE_FILE}`);
  if (!facts.ctlPath) return [...left, 'install gitlab-ce'];
  if (!sameUrl(facts.externalUrl, externalUrl)) left.push(`set external_url to ${externalUrl} (now ${facts.externalUrl || 'unset'}) and reconfigure`);
  else if (!facts.running) left.push('start GitLab (gitlab-ctl reconfigure)');
  const problem = readiness ? readinessProblem(readiness) : 'not checked';
  if (facts.running && problem) left.push(`wait for ${GITLAB_READINESS_URL} (${problem})`);
  return left;
}
