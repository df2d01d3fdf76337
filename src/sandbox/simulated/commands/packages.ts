import type { Command, IFileSystem } from 'just-bash';
import type { CommandEnv, SimulatedHost } from '../host.js';
import { command, fail, ok } from '../shell/results.js';
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

/** The aws CLI is there for `command -v aws` and the daily timer's upload, which the simulation never runs. */
function aws(): Command {
  return command('aws', async (args) => {
    if (args[0] === '--version') return ok('aws-cli/2.15.0 Python/3.12.3 Linux/6.8.0-1021-aws (simulated)\n');
    return fail('aws: the simulated hosts reach no AWS endpoint (the sandbox runs the tool, not the timer\'s upload)', 255);
  });
}

export const PACKAGES = {
  'docker.io': { commands: (env) => [docker(env)], units: ['docker.service', 'docker.socket'] },
  'docker-compose-v2': {},
  'mariadb-client': { commands: (env) => mariadbClientCommands(env) },
  awscli: { commands: () => [aws()] },
  'iputils-ping': { commands: (env) => [ping(env)] },
  curl: { commands: (env) => [curl(env)] },
  gnupg: { commands: () => [gpg()] },
  'gitlab-ce': { commands: (env) => [gitlabCtl(env)], thirdParty: true, afterInstall: gitlabPackageInstalled },
} satisfies Record<string, PackageSpec>;

export type PackageName = keyof typeof PACKAGES;

/** What an Ubuntu 24.04 server image has from the start. */
export const PREINSTALLED: readonly PackageName[] = ['curl', 'gnupg', 'iputils-ping'];
