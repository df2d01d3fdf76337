import { randomBytes } from 'node:crypto';
import type { Command, IFileSystem } from 'just-bash';
import type { CommandEnv, HttpAnswer, SimulatedHost } from '../host.js';
import { command, fail, ok } from '../shell/results.js';

/**
 * GitLab CE's package as the simulated GitLab host sees it: installing it writes /etc/gitlab/gitlab.rb
 * (external_url from EXTERNAL_URL, as the package does) and, with EXTERNAL_URL set, reconfigures;
 * `gitlab-ctl reconfigure` starts GitLab (nginx on port 80 answering /-/readiness) and, the first time
 * only, writes the initial root password file; `gitlab-ctl status` says whether it runs.
 */

const GITLAB_RB = '/etc/gitlab/gitlab.rb';
const PASSWORD_FILE = '/etc/gitlab/initial_root_password';
/** GitLab writes this once its database is seeded: the first reconfigure only sets the root password. */
const BOOTSTRAPPED = '/var/opt/gitlab/bootstrapped';
const UNIT = 'gitlab-runsvdir.service';

function externalUrl(text: string): string | undefined {
  const lines = text.split('\n').filter((line) => /^\s*external_url\s/.test(line));
  return /['"]([^'"]*)['"]/.exec(lines.at(-1) ?? '')?.[1];
}

function readiness(path: string): HttpAnswer {
  if (path.startsWith('/-/readiness')) return { status: 200, body: '{"status":"ok","master_check":[{"status":"ok"}]}' };
  if (path.startsWith('/-/liveness')) return { status: 200, body: '{"status":"ok"}' };
  if (path === '/' || path.startsWith('/?')) return { status: 302, body: '', headers: { location: '/users/sign_in' } };
  if (path.startsWith('/users/sign_in')) return { status: 200, body: '<!DOCTYPE html><title>Sign in · GitLab (simulated)</title>' };
  return { status: 404, body: '' };
}

export function gitlabRunning(host: SimulatedHost): boolean {
  return host.units.get(UNIT)?.active === true;
}

async function reconfigure(host: SimulatedHost, fs: IFileSystem): Promise<string> {
  if (!(await fs.exists(GITLAB_RB))) throw new Error(`${GITLAB_RB} is missing`);
  const url = externalUrl(await fs.readFile(GITLAB_RB));
  let out = 'Starting Chef Infra Client, version 18.3.0 (simulated)\nRecipe: gitlab::default\n';
  if (!(await fs.exists(BOOTSTRAPPED))) {
    await fs.mkdir('/var/opt/gitlab', { recursive: true });
    await fs.writeFile(BOOTSTRAPPED, '');
    const password = randomBytes(24).toString('base64');
    await fs.writeFile(PASSWORD_FILE, `# WARNING: This password is only valid if ALL of the following are true:\n#          • You set it manually via the GITLAB_ROOT_PASSWORD environment variable\n#            OR the gitlab_rails['initial_root_password'] setting in /etc/gitlab/gitlab.rb\n#          • You set it BEFORE the initial database setup.\n\nPassword: ${password}\n\n# NOTE: This file will be automatically deleted in the first reconfigure run after 24 hours.\n`);
    await fs.chmod(PASSWORD_FILE, 0o600);
    out += 'Notes:\nDefault admin account has been configured with following details:\nUsername: root\n';
    out += `Password: You didn't opt-in to print initial root password to STDOUT.\nPassword stored to ${PASSWORD_FILE}. This file will be cleaned up in first reconfigure run after 24 hours.\n`;
  }
  await fs.mkdir('/usr/lib/systemd/system', { recursive: true });
  await fs.writeFile(`/usr/lib/systemd/system/${UNIT}`, '[Unit]\nDescription=GitLab Runit supervision process (simulated)\n');
  host.units.set(UNIT, { enabled: true, active: true });
  host.listeners.set(80, { owner: 'gitlab (nginx)', answer: ({ path }) => readiness(path) });
  return `${out}Running handlers complete\ngitlab Reconfigured! (external_url ${url ?? 'unset'})\n`;
}

/** The package's postinst: gitlab.rb with EXTERNAL_URL, and a reconfigure when it was given. */
export async function gitlabPackageInstalled(host: SimulatedHost, fs: IFileSystem, env: Record<string, string>): Promise<string> {
  const url = env['EXTERNAL_URL'];
  if (!(await fs.exists(GITLAB_RB))) {
    await fs.mkdir('/etc/gitlab', { recursive: true });
    await fs.writeFile(GITLAB_RB, `## GitLab configuration file (simulated)\nexternal_url '${url ?? 'http://gitlab.example.com'}'\n`);
    await fs.chmod(GITLAB_RB, 0o600);
  }
  return url ? reconfigure(host, fs) : 'gitlab-ce: EXTERNAL_URL was not set: run `gitlab-ctl reconfigure` once external_url is set.\n';
}

export function gitlabCtl(env: CommandEnv): Command {
  return command('gitlab-ctl', async (args, ctx) => {
    env.host.record(['gitlab-ctl', ...args]);
    if (env.user !== 'root') return fail('I am unable to read /etc/gitlab/gitlab.rb: run me as root', 1);
    switch (args[0]) {
      case 'reconfigure':
        return ok(await reconfigure(env.host, ctx.fs));
      case 'status':
        if (!gitlabRunning(env.host)) return fail('fail: nginx: runsv not running\nfail: puma: runsv not running', 6);
        return ok('run: gitaly: (pid 1201) 60s; run: log: (pid 1200) 60s\nrun: nginx: (pid 1301) 60s; run: log: (pid 1300) 60s\nrun: puma: (pid 1401) 60s; run: log: (pid 1400) 60s\n');
      default:
        return fail(`gitlab-ctl: the simulated GitLab knows reconfigure and status, not ${args[0] ?? '(nothing)'}`, 1);
    }
  });
}
