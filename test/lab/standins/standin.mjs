/* global process, console */
// Entry point of the lab's stand-in commands (apt-get, apt, systemctl, gitlab-ctl, docker): package
// managers, systemd and Docker cannot run in a network namespace, so on the lab hosts these record what
// they were asked in /var/lib/lab/calls.jsonl and answer as the real ones would.
// Usage (from the /usr/local/bin stubs): standin.mjs COMMAND ARGS...
import { docker } from './docker.mjs';
import { gitlabCtl, systemctl } from './services.mjs';
import { NOT_IN_NOBLE, PACKAGE_COMMANDS, fail, isRoot, markInstalled, record, removeStub, writeStub } from './state.mjs';
import { existsSync } from 'node:fs';

const [command = '', ...args] = process.argv.slice(2);

/** `--lab-install PKG...`: what the lab uses for preinstalled packages (not a call, not recorded). */
function labInstall(packages) {
  for (const pkg of packages) {
    markInstalled(pkg, true);
    for (const cmd of PACKAGE_COMMANDS[pkg] ?? []) writeStub(cmd);
  }
  return 0;
}

/** apt-get / apt: install and remove only flip what is "installed"; everything else succeeds. */
async function apt(argv) {
  const words = argv.filter((a) => !a.startsWith('-'));
  const [action = '', ...packages] = words;
  const changes = ['install', 'remove', 'purge', 'update', 'upgrade', 'dist-upgrade', 'autoremove'];
  if (changes.includes(action) && !isRoot()) {
    return fail('E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?', 100);
  }
  const names = packages.map((p) => p.split('=')[0]);
  // Like apt, nothing is installed when one of the packages cannot be.
  const missing = action === 'install' ? names.find((pkg) => pkg in NOT_IN_NOBLE) : undefined;
  if (missing) return fail(NOT_IN_NOBLE[missing], 100);
  if (action === 'install') {
    for (const pkg of names) {
      markInstalled(pkg, true);
      for (const cmd of PACKAGE_COMMANDS[pkg] ?? []) writeStub(cmd);
      console.log(`Setting up ${pkg} (lab stand-in) ...`);
      if (pkg === 'gitlab-ce' && process.env.EXTERNAL_URL) await gitlabCtl(['reconfigure']);
    }
  }
  if (action === 'remove' || action === 'purge') {
    for (const pkg of names) {
      markInstalled(pkg, false);
      for (const cmd of PACKAGE_COMMANDS[pkg] ?? []) removeStub(cmd);
      console.log(`Removing ${pkg} (lab stand-in) ...`);
    }
  }
  return 0;
}

async function main() {
  // A stub left behind by a removed package (or copied by hand) still behaves as absent.
  const owner = Object.entries(PACKAGE_COMMANDS).find(([, cmds]) => cmds.includes(command))?.[0];
  if (owner && !existsSync(`/var/lib/lab/installed/${owner}`)) return fail(`${command}: command not found`, 127);
  switch (command) {
    case 'apt-get':
    case 'apt':
      return apt(args);
    case 'systemctl':
      return systemctl(args);
    case 'gitlab-ctl':
      return gitlabCtl(args);
    case 'docker':
      return docker(args);
    default:
      return 0;
  }
}

if (command === '--lab-install') process.exit(labInstall(args));
let exit;
try {
  exit = await main();
} catch (error) {
  console.error(`${command}: ${error.message}`);
  exit = 1;
}
record([command, ...args], exit);
process.exit(exit);
