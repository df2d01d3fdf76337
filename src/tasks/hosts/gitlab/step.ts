import type { Config } from '../../../config/schema.js';
import type { Outputs, Step, StepContext } from '../../../engine/types.js';
import type { SshConnection } from '../../../ssh/connect.js';
import { elasticIpStepIds } from '../../compute/names.js';
import { exec } from '../../../ssh/exec.js';
import { uploadFile } from '../../../ssh/upload.js';
import { ABSENT, present } from '../../found.js';
import { HostCheckError, httpOnHost, waitForHttp } from '../docker-http-check.js';
import { aptInstallScript, loggedIn, sshLine } from '../docker-remote.js';
import { loginStepId } from '../login-step.js';
import { BASTION, instanceName, instanceStepId, publicAddressRef } from '../names.js';
import { GITLAB_READINESS_URL, gitlabUnfinished, probeGitlab, readinessProblem, sameUrl, setExternalUrlScript, type GitlabFacts } from './probe.js';
import { GITLAB_KEY_FINGERPRINT, GITLAB_KEY_URL, GITLAB_KEYRING, GITLAB_SOURCE_FILE, gitlabSourceList, keyInstallScript, unsupportedOs } from './repository.js';
import { GITLAB_ROOT_PASSWORD_FILE } from './root-password.js';

const HOST = BASTION;
/** A t3.large takes 3–6 min to install and configure GitLab, then a minute or two to answer readiness. */
const INSTALL_TIMEOUT_MS = 45 * 60_000;
const READY_TIMEOUT_MS = 15 * 60_000;

export function gitlabStepId(): string {
  return `hosts.gitlab-ce.${HOST}`;
}

/** The URL GitLab is configured with: the host's Elastic IP (the seed hard-coded an address that changes at each start). */
export function gitlabExternalUrl(ctx: StepContext): string {
  return `http://${ctx.need(elasticIpStepIds(HOST).association, 'publicIp')}`;
}

/** Progress lines from the package's scripts, minus anything about the password (its location is said elsewhere). */
export function safeGitlabLine(line: string): string | undefined {
  return /password/i.test(line) ? undefined : line;
}

function outputs(ctx: StepContext): Outputs {
  return { externalUrl: gitlabExternalUrl(ctx), rootPasswordFile: GITLAB_ROOT_PASSWORD_FILE };
}

async function install(ctx: StepContext, connection: SshConnection, facts: GitlabFacts, externalUrl: string): Promise<GitlabFacts> {
  const problem = unsupportedOs(facts.os);
  if (problem) throw new HostCheckError(HOST, "GitLab's package repository", problem, 'run GitLab on the Ubuntu AMI the compute section launches');
  if (!facts.keyring) {
    ctx.progress(`fetching GitLab's package signing key (${GITLAB_KEY_URL}), checking fingerprint ${GITLAB_KEY_FINGERPRINT}`);
    await exec(connection, keyInstallScript(), { label: "fetch GitLab's package signing key", sudo: true, timeoutMs: 120_000, signal: ctx.signal });
  }
  await uploadFile(connection, GITLAB_SOURCE_FILE, gitlabSourceList(facts.os), { mode: 0o644, parents: true, signal: ctx.signal });
  if (facts.ctlPath) return facts;
  ctx.progress(`installing gitlab-ce with EXTERNAL_URL=${externalUrl} (several minutes)`);
  await exec(connection, aptInstallScript(['gitlab-ce'], { forceUpdate: true }), {
    label: 'apt-get install gitlab-ce',
    sudo: true,
    env: { EXTERNAL_URL: externalUrl },
    timeoutMs: INSTALL_TIMEOUT_MS,
    signal: ctx.signal,
    onLine: (line) => {
      const safe = safeGitlabLine(line);
      if (safe !== undefined) ctx.progress(safe);
    },
  });
  const after = await probeGitlab(connection, ctx.signal);
  if (!after.ctlPath) throw new HostCheckError(HOST, 'the gitlab-ce install', 'gitlab-ctl is not on PATH after `apt-get install gitlab-ce`', `look at the install: ${sshLine(ctx, HOST, 'apt-cache policy gitlab-ce; sudo tail -n 50 /var/log/apt/term.log')}`);
  return after;
}

/**
 * Outputs: `externalUrl`, `rootPasswordFile` (where the first root password is — never the password).
 * GitLab CE on the bastion: GitLab's package repository (key checked against its fingerprint), the package
 * installed with EXTERNAL_URL, `gitlab-ctl reconfigure` only when the URL changed or GitLab is down, and the
 * readiness probe answering on the host itself.
 */
export function gitlabStep(config: Config): Step {
  const id = gitlabStepId();
  const name = instanceName(config, HOST);
  const logs = (ctx: StepContext) => sshLine(ctx, HOST, 'sudo gitlab-ctl status; sudo gitlab-ctl tail --lines 50');
  return {
    id,
    section: 'hosts',
    title: `GitLab CE on ${name}`,
    needs: [loginStepId(HOST), instanceStepId(HOST), elasticIpStepIds(HOST).association],
    typicalSeconds: 600,

    async find(ctx) {
      if (!loggedIn(ctx, HOST)) return ABSENT;
      const connection = await ctx.hosts.connect(HOST, ctx.signal);
      const facts = await probeGitlab(connection, ctx.signal);
      if (!facts.keyring && !facts.sourceSha256 && !facts.ctlPath) return ABSENT;
      const readiness = facts.running ? await httpOnHost(connection, GITLAB_READINESS_URL, ctx.signal) : undefined;
      const problem = unsupportedOs(facts.os);
      return present(outputs(ctx), true, problem ? [problem] : [], gitlabUnfinished(facts, gitlabExternalUrl(ctx), readiness));
    },

    preview(ctx) {
      const url = `http://${publicAddressRef(ctx, HOST, '$BASTION_PUBLIC_IP')}`;
      const source = `deb [signed-by=${GITLAB_KEYRING}] https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu/ $(. /etc/os-release; echo $VERSION_CODENAME) main`;
      return {
        summary: `install GitLab CE on ${name} from GitLab's package repository with EXTERNAL_URL=${url}, check ${GITLAB_READINESS_URL} on the host; the first root password stays in ${GITLAB_ROOT_PASSWORD_FILE} (shown once on the Summary, never stored)`,
        cli: [
          sshLine(
            ctx,
            HOST,
            `h=$(mktemp -d) && curl -fsSL ${GITLAB_KEY_URL} | GNUPGHOME=$h gpg --import && sudo install -d -m 0755 /etc/apt/keyrings && GNUPGHOME=$h gpg --armor --export ${GITLAB_KEY_FINGERPRINT} | sudo tee ${GITLAB_KEYRING}`,
          ) + `  # GitLab's key alone, not the whole file: its fingerprint must be ${GITLAB_KEY_FINGERPRINT}`,
          sshLine(ctx, HOST, `echo "${source}" | sudo tee ${GITLAB_SOURCE_FILE}`),
          sshLine(ctx, HOST, `sudo apt-get update && sudo EXTERNAL_URL=${url} DEBIAN_FRONTEND=noninteractive apt-get install -y gitlab-ce`),
          sshLine(ctx, HOST, `curl -fsS ${GITLAB_READINESS_URL}`),
        ],
        notes: [
          "runbook: `apt-get install gitlab-ce` with no GitLab package repository (Ubuntu has no such package); GitLab's shortcut is `curl …/script.deb.sh | sudo bash`, an unread script run as root; here only the key with GitLab's published fingerprint is installed, and the source written as GitLab documents it.",
          'runbook: EXTERNAL_URL hard-coded to 18.217.232.200, an address that changes when the instance stops; here the current public address, and a changed one is set in gitlab.rb and reconfigured on the next `up`.',
          'runbook: `gitlab-ctl reconfigure` right after the install that already ran it; here only when external_url changed or GitLab is down.',
          `runbook: \`sudo cat ${GITLAB_ROOT_PASSWORD_FILE}\` in a terminal (scrollback, screenshots); here it is shown once on the Summary screen and stored nowhere. GitLab deletes the file 24 h after the first reconfigure: sign in and change it before.`,
          'HTTP only, as in the runbook (no domain name for a certificate); ports 80/443 are open to the admin CIDR only (Cyber security group).',
        ],
      };
    },

    async apply(ctx): Promise<Outputs> {
      const externalUrl = gitlabExternalUrl(ctx);
      const connection = await ctx.hosts.connect(HOST, ctx.signal);
      const before = await probeGitlab(connection, ctx.signal);
      const facts = await install(ctx, connection, before, externalUrl);
      let reconfigure = !facts.running;
      if (!sameUrl(facts.externalUrl, externalUrl)) {
        ctx.progress(`setting external_url to ${externalUrl} (was ${facts.externalUrl || 'unset'})`);
        await exec(connection, setExternalUrlScript(externalUrl), { label: 'set external_url in gitlab.rb', sudo: true, timeoutMs: 60_000, signal: ctx.signal });
        reconfigure = true;
      }
      if (reconfigure) {
        ctx.progress('gitlab-ctl reconfigure (a few minutes)');
        await exec(connection, 'gitlab-ctl reconfigure', {
          label: 'gitlab-ctl reconfigure',
          sudo: true,
          timeoutMs: INSTALL_TIMEOUT_MS,
          signal: ctx.signal,
          onLine: (line) => {
            const safe = safeGitlabLine(line);
            if (safe !== undefined) ctx.progress(safe);
          },
        });
      }
      await waitForHttp(connection, {
        host: HOST,
        url: GITLAB_READINESS_URL,
        problem: readinessProblem,
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 5000,
        fix: `look at GitLab's services: ${logs(ctx)}`,
        signal: ctx.signal,
        onWait: (message) => ctx.progress(message),
      });
      ctx.progress(`GitLab is ready at ${externalUrl}: sign in as root with the password in ${GITLAB_ROOT_PASSWORD_FILE} (shown on the Summary; GitLab deletes the file after 24 h)`);
      return outputs(ctx);
    },
  };
}
