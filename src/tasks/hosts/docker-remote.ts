import type { HostName, StepContext } from '../../engine/types.js';
import { shellQuote } from '../../ssh/remote-command.js';
import { loginStepId } from './login-step.js';
import { BASTION, instanceStepId, LOGIN_USER, publicAddressRef } from './names.js';

/**
 * Remote-shell pieces of the Docker step, shared by the Uptime Kuma, GitLab and IA steps: probes that print
 * `key=value` facts, apt-get scripts, and the `ssh` lines of previews.
 */

/** The facts a probe script printed, one `key=value` per line (a later line wins; other lines are ignored). */
export function parseFacts(stdout: string): Record<string, string> {
  const facts: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^([a-z_][a-z0-9_]*)=(.*)$/.exec(line.trimEnd());
    if (match) facts[match[1]!] = match[2]!.trim();
  }
  return facts;
}

/** A host is worth probing once its first login is recorded (before that it may not even exist). */
export function loggedIn(ctx: StepContext, host: HostName): boolean {
  return ctx.output(loginStepId(host), 'hostname') !== undefined;
}

/**
 * apt-get update is "needed" when the package lists are missing or older than this: a fresh AMI's lists
 * are from the image build, and installing from them fails on packages the mirror has since replaced.
 */
export const APT_LISTS_MAX_AGE_MINUTES = 24 * 60;

/** Wait for the dpkg lock instead of failing: on a fresh instance cloud-init or unattended-upgrades may hold it. */
const APT = 'apt-get -q -o=DPkg::Lock::Timeout=600';

const PACKAGE = /^[a-z0-9][a-z0-9+.-]+$/;

/**
 * A script (run as root) that installs Debian packages without prompts, running `apt-get update` first only
 * when the lists are stale (or `forceUpdate`: a package source was just added).
 */
export function aptInstallScript(packages: readonly string[], options: { forceUpdate?: boolean } = {}): string {
  if (packages.length === 0) throw new TypeError('aptInstallScript: no package to install');
  for (const pkg of packages) if (!PACKAGE.test(pkg)) throw new TypeError(`not a Debian package name: ${JSON.stringify(pkg)}`);
  const stale = `[ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages*' -mmin -${APT_LISTS_MAX_AGE_MINUTES} -print -quit 2>/dev/null)" ]`;
  return [
    'set -e',
    'export DEBIAN_FRONTEND=noninteractive',
    options.forceUpdate ? `${APT} update` : `if ${stale}; then ${APT} update; fi`,
    `${APT} -y install ${packages.join(' ')}`,
  ].join('\n');
}

/** The address a host is reached at: the bastion's public one, any other host's private one. */
export function addressRef(ctx: StepContext, host: HostName): string {
  return host === BASTION ? publicAddressRef(ctx, host, '$BASTION_PUBLIC_IP') : ctx.ref(instanceStepId(host), 'privateIp', `$${host.toUpperCase()}_PRIVATE_IP`);
}

/** The OpenSSH line an operator would type for `remote` on `host`, through the bastion when it is not the bastion. */
export function sshLine(ctx: StepContext, host: HostName, remote: string): string {
  const jump = host === BASTION ? '' : `-J ${LOGIN_USER}@${addressRef(ctx, BASTION)} `;
  return `ssh ${jump}${LOGIN_USER}@${addressRef(ctx, host)} ${shellQuote(remote)}`;
}
