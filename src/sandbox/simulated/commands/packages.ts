import type { Command, IFileSystem } from 'just-bash';
import type { CommandEnv, SimulatedHost } from '../host.js';
import { curl } from './curl.js';
import { docker } from './docker.js';
import { gitlabCtl, gitlabPackageInstalled } from './gitlab.js';
import { gpg } from './gpg.js';
import { mariadbClientCommands } from './mariadb.js';
import { ping } from './ping.js';

/** The Debian packages a simulated host knows: what each makes available once installed. */
export interface PackageSpec {
  commands?: (env: CommandEnv) => Command[];
  /** Unit files it ships (enabled and started on install, as Debian's maintainer scripts do). */
  units?: string[];
  /** Only in a third-party repository (GitLab's), not in Ubuntu's archive. */
  thirdParty?: boolean;
  /** What the package's maintainer scripts do after unpacking; returns their output. */
  afterInstall?: (host: SimulatedHost, fs: IFileSystem, env: Record<string, string>) => Promise<string>;
}

export const PACKAGES = {
  'docker.io': { commands: (env) => [docker(env)], units: ['docker.service', 'docker.socket'] },
  'docker-compose-v2': {},
  'mariadb-client': { commands: (env) => mariadbClientCommands(env) },
  'iputils-ping': { commands: (env) => [ping(env)] },
  curl: { commands: (env) => [curl(env)] },
  gnupg: { commands: () => [gpg()] },
  'gitlab-ce': { commands: (env) => [gitlabCtl(env)], thirdParty: true, afterInstall: gitlabPackageInstalled },
} satisfies Record<string, PackageSpec>;

export type PackageName = keyof typeof PACKAGES;

/** What an Ubuntu 24.04 server image has from the start. */
export const PREINSTALLED: readonly PackageName[] = ['curl', 'gnupg', 'iputils-ping'];
