import type { Call, EmulatedHost } from './host.js';
import { gitlabPostinst } from './gitlab.js';
import { NOBLE_PACKAGES } from './noble-packages.js';
import { installUnits } from './systemctl.js';

/**
 * What each package the emulation installs brings (its commands on the PATH, the units it ships, what its
 * maintainer scripts do), and dpkg's record of what is installed (/var/lib/dpkg/status, in dpkg's own
 * format). Which names exist at all, and in which version, is noble-packages.ts.
 */

export interface PackageContents {
  commands?: readonly string[];
  units?: readonly string[];
  /** The maintainer scripts after unpacking; returns what they print. */
  postinst?: (call: Call) => Promise<string>;
}

export const CONTENTS: Readonly<Record<string, PackageContents>> = {
  'ca-certificates': {},
  cron: { units: ['cron.service'] },
  curl: { commands: ['curl'] },
  // `docker compose` is a plugin of the docker CLI (docker.ts looks for the package).
  'docker-compose-v2': {},
  'docker.io': { commands: ['docker'], units: ['docker.service', 'docker.socket'] },
  gnupg: { commands: ['gpg'] },
  'iputils-ping': { commands: ['ping'] },
  'mariadb-client': { commands: ['mariadb', 'mysql', 'mariadb-dump', 'mysqldump'] },
  'openssh-server': { units: ['ssh.service'] },
  snapd: { commands: ['snap'], units: ['snapd.service'] },
  // Its runit supervisor starts with the first `gitlab-ctl reconfigure` (gitlab.ts).
  'gitlab-ce': { commands: ['gitlab-ctl'], postinst: gitlabPostinst },
};

/** What an Ubuntu 24.04 server image (the AMI) has installed from the start, of the packages above. */
export const PREINSTALLED: readonly string[] = ['ca-certificates', 'cron', 'curl', 'gnupg', 'iputils-ping', 'openssh-server', 'snapd'];

/** Commands every host has, whatever is installed (apt, dpkg and systemd are part of the base system). */
export const BASE_COMMANDS: readonly string[] = ['apt-get', 'apt', 'dpkg', 'systemctl'];

const STATUS = '/var/lib/dpkg/status';

/** The installed packages and their versions, from dpkg's status file. */
export async function installedPackages(call: Pick<Call, 'host'>): Promise<Map<string, string>> {
  const { fs } = call.host;
  const installed = new Map<string, string>();
  if (!(await fs.exists(STATUS))) return installed;
  for (const stanza of (await fs.read(STATUS)).split(/\n\n+/)) {
    const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(stanza)?.[1];
    const name = field('Package');
    if (name && field('Status') === 'install ok installed') installed.set(name, field('Version') ?? '');
  }
  return installed;
}

/** Unpack and configure a package: recorded in dpkg's status, its commands provided, its units started, its postinst run. */
export async function installPackage(call: Call, name: string): Promise<string> {
  const { fs } = call.host;
  const contents = CONTENTS[name] ?? {};
  const version = NOBLE_PACKAGES[name]?.version ?? '';
  const status = (await fs.exists(STATUS)) ? await fs.read(STATUS) : '';
  await fs.write(STATUS, `${status}Package: ${name}\nStatus: install ok installed\nVersion: ${version}\n\n`);
  await call.host.provide(contents.commands ?? []);
  await installUnits(fs, contents.units ?? []);
  return contents.postinst ? await contents.postinst(call) : '';
}

/** A fresh image's packages (and `extra` ones), installed as root without a word: what the AMI comes with. */
export async function preinstall(host: EmulatedHost, extra: readonly string[] = []): Promise<void> {
  const call: Call = { host, name: 'dpkg', args: [], user: 'root', cwd: '/', env: {}, stdin: async () => '' };
  for (const name of [...PREINSTALLED, ...extra]) if (!(await installedPackages(call)).has(name)) await installPackage(call, name);
}
