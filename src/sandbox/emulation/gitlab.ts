import { randomBytes } from 'node:crypto';
import { fail, ok, type Call, type HostFiles, type HttpAnswer, type Outcome } from './host.js';
import { startUnit } from './systemctl.js';

/**
 * GitLab CE's omnibus package (docs.gitlab.com/omnibus): installing it writes /etc/gitlab/gitlab.rb
 * (external_url from EXTERNAL_URL) and, with EXTERNAL_URL set, reconfigures; `gitlab-ctl reconfigure`
 * (root only) starts GitLab — its runit supervisor unit, its nginx on port 80 answering /-/readiness and
 * the sign-in page — and, the first time only (before the database is seeded), writes the initial root
 * password file, 0600, deleted by GitLab 24 h later; `gitlab-ctl status` says whether it runs.
 */

const GITLAB_RB = '/etc/gitlab/gitlab.rb';
const PASSWORD_FILE = '/etc/gitlab/initial_root_password';
/** GitLab writes this once its database is seeded: only the first reconfigure sets the root password. */
const BOOTSTRAPPED = '/var/opt/gitlab/bootstrapped';
export const GITLAB_IMAGE = 'gitlab/gitlab-ce (omnibus nginx)';
const CONTAINER = 'gitlab';

function externalUrl(text: string): string | undefined {
  const lines = text.split('\n').filter((line) => /^\s*external_url\s/.test(line));
  return /['"]([^'"]*)['"]/.exec(lines.at(-1) ?? '')?.[1];
}

/** What GitLab's nginx answers. */
export function gitlabAnswer(path: string): HttpAnswer {
  if (path.startsWith('/-/readiness')) return { status: 200, body: '{"status":"ok","master_check":[{"status":"ok"}]}', headers: { 'content-type': 'application/json' } };
  if (path.startsWith('/-/liveness')) return { status: 200, body: '{"status":"ok"}', headers: { 'content-type': 'application/json' } };
  if (path === '/' || path.startsWith('/?')) return { status: 302, body: '', headers: { location: '/users/sign_in' } };
  if (path.startsWith('/users/sign_in')) return { status: 200, body: '<!DOCTYPE html><title>Sign in · GitLab (emulated)</title>' };
  return { status: 404, body: '' };
}

async function writeGitlabRb(fs: HostFiles, url: string | undefined): Promise<void> {
  if (!(await fs.exists(GITLAB_RB))) await fs.write(GITLAB_RB, `## GitLab configuration file\nexternal_url '${url ?? 'http://gitlab.example.com'}'\n`, 0o600);
}

async function reconfigure(call: Call): Promise<string> {
  const { fs } = call.host;
  await writeGitlabRb(fs, undefined);
  const url = externalUrl(await fs.read(GITLAB_RB));
  let out = 'Starting Chef Infra Client, version 18.3.0\nRecipe: gitlab::default\n';
  if (!(await fs.exists(BOOTSTRAPPED))) {
    await fs.write(BOOTSTRAPPED, '');
    const password = randomBytes(24).toString('base64');
    const note = "# WARNING: This password is only valid if ALL of the following are true:\n#          • You set it manually via the GITLAB_ROOT_PASSWORD environment variable\n#            OR the gitlab_rails['initial_root_password'] setting in /etc/gitlab/gitlab.rb\n#          • You set it BEFORE the initial database setup.\n";
    await fs.write(PASSWORD_FILE, `${note}\nPassword: ${password}\n\n# NOTE: This file will be automatically deleted in the first reconfigure run after 24 hours.\n`, 0o600);
    out += `Notes:\nDefault admin account has been configured with following details:\nUsername: root\nPassword: You didn't opt-in to print initial root password to STDOUT.\nPassword stored to ${PASSWORD_FILE}. This file will be cleaned up in first reconfigure run after 24 hours.\n`;
  }
  await startUnit(fs, 'gitlab-runsvdir.service');
  if (!(await call.host.serving(CONTAINER))) {
    await call.host.serve({ name: CONTAINER, image: GITLAB_IMAGE, project: 'gitlab', service: 'nginx', ports: [{ bind: '0.0.0.0', port: 80, target: 80 }], environment: {}, volumes: {}, config: '' });
  }
  return `${out}Running handlers complete\ngitlab Reconfigured! (external_url ${url ?? 'unset'})\n`;
}

/** The package's postinst: gitlab.rb with EXTERNAL_URL, and a reconfigure when it was given. */
export async function gitlabPostinst(call: Call): Promise<string> {
  const url = call.env['EXTERNAL_URL'];
  await writeGitlabRb(call.host.fs, url);
  return url ? reconfigure(call) : 'gitlab-ce: EXTERNAL_URL was not set: run `gitlab-ctl reconfigure` once external_url is set.\n';
}

export async function gitlabCtl(call: Call): Promise<Outcome> {
  if (call.user !== 'root') return fail('I am unable to read /etc/gitlab/gitlab.rb: run me as root', 1);
  switch (call.args[0]) {
    case 'reconfigure':
      return ok(await reconfigure(call));
    case 'status':
      if (!(await call.host.serving(CONTAINER))) return fail('fail: nginx: runsv not running\nfail: puma: runsv not running', 6);
      return ok('run: gitaly: (pid 1201) 60s; run: log: (pid 1200) 60s\nrun: nginx: (pid 1301) 60s; run: log: (pid 1300) 60s\nrun: puma: (pid 1401) 60s; run: log: (pid 1400) 60s\n');
    default:
      return fail(`gitlab-ctl: the emulated GitLab knows reconfigure and status, not ${call.args[0] ?? '(nothing)'}`, 1);
  }
}
