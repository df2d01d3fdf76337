import { fail, ok, parseArgs, type Call, type HostFiles, type Outcome } from './host.js';
import { NOBLE_PACKAGES, NOBLE_REFERRED_ONLY } from './noble-packages.js';
import { installedPackages, installPackage } from './packages.js';

/**
 * apt-get / apt and `dpkg -s` on an Ubuntu 24.04 host, with apt's own words (apt-get(8)). `update` fetches
 * the package lists: noble's archive, and GitLab's repository when a source file names it with a keyring
 * that is there (without the key apt warns and skips it). `install` takes only what those lists offer
 * (noble-packages.ts): a name noble only refers to has "no installation candidate", any other unknown name
 * cannot be located (exit 100, nothing installed, as apt does when one of the names fails). Installing
 * needs root (dpkg's lock) and `-y` when something is to be installed.
 */

const LISTS = '/var/lib/apt/lists';
const ARCHIVE_LIST = `${LISTS}/archive.ubuntu.com_ubuntu_dists_noble_main_binary-amd64_Packages`;
const GITLAB_LIST = `${LISTS}/packages.gitlab.com_gitlab_gitlab-ce_ubuntu_dists_noble_main_binary-amd64_Packages`;
const SOURCES = '/etc/apt/sources.list.d';
const READING = 'Reading package lists...\nBuilding dependency tree...\nReading state information...\n';
const NOT_ROOT = 'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?';

/** GitLab's repository is usable when a source file points at it with a keyring that is there. */
async function gitlabRepository(fs: HostFiles): Promise<'ok' | 'absent' | 'no-key'> {
  for (const file of await fs.list(SOURCES)) {
    for (const line of (await fs.read(`${SOURCES}/${file}`)).split('\n')) {
      const match = /^deb\s+\[signed-by=([^\]\s]+)\]\s+https:\/\/packages\.gitlab\.com\/gitlab\/gitlab-ce\//.exec(line.trim());
      if (match) return (await fs.exists(match[1] as string)) ? 'ok' : 'no-key';
    }
  }
  return 'absent';
}

async function update(fs: HostFiles): Promise<Outcome> {
  await fs.write(ARCHIVE_LIST, 'Package: (the emulated noble archive: see noble-packages.ts)\n');
  let stdout = 'Hit:1 http://archive.ubuntu.com/ubuntu noble InRelease\n';
  let stderr = '';
  const gitlab = await gitlabRepository(fs);
  if (gitlab === 'ok') {
    await fs.write(GITLAB_LIST, 'Package: gitlab-ce\n');
    stdout += 'Get:2 https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu noble InRelease\n';
  } else {
    await fs.remove(GITLAB_LIST);
    if (gitlab === 'no-key') stderr += "W: GPG error: https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu noble InRelease: The following signatures couldn't be verified because the public key is not available\n";
  }
  return ok(`${stdout}Reading package lists...\n`, stderr);
}

/** Whether the fetched lists offer the package. */
async function candidate(fs: HostFiles, name: string): Promise<boolean> {
  const known = NOBLE_PACKAGES[name];
  if (!known) return false;
  if (known.section !== 'gitlab') return fs.exists(ARCHIVE_LIST);
  return (await fs.exists(GITLAB_LIST)) && (await gitlabRepository(fs)) === 'ok';
}

async function install(call: Call, names: string[], assumeYes: boolean): Promise<Outcome> {
  const { fs } = call.host;
  let stdout = READING;
  let stderr = '';
  for (const name of names) {
    if (await candidate(fs, name)) continue;
    if (NOBLE_REFERRED_ONLY.includes(name)) {
      stdout += `Package ${name} is not available, but is referred to by another package.\nThis may mean that the package is missing, has been obsoleted, or\nis only available from another source\n\n`;
      stderr += `E: Package '${name}' has no installation candidate\n`;
    } else stderr += `E: Unable to locate package ${name}\n`;
  }
  if (stderr) return fail(stderr, 100, stdout);
  const installed = await installedPackages(call);
  const fresh = names.filter((name) => !installed.has(name));
  for (const name of names.filter((n) => installed.has(n))) stdout += `${name} is already the newest version (${installed.get(name)}).\n`;
  if (fresh.length === 0) return ok(`${stdout}0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n`);
  stdout += `The following NEW packages will be installed:\n  ${fresh.join(' ')}\n0 upgraded, ${fresh.length} newly installed, 0 to remove and 0 not upgraded.\n`;
  if (!assumeYes) return fail('Abort.', 1, `${stdout}Do you want to continue? [Y/n] `);
  for (const name of fresh) {
    stdout += `Setting up ${name} (${NOBLE_PACKAGES[name]?.version}) ...\n`;
    stdout += await installPackage(call, name);
  }
  return ok(stdout);
}

export async function apt(call: Call): Promise<Outcome> {
  const parsed = parseArgs(call.args, ['-o', '-c', '-t']);
  const [action = '', ...packages] = parsed.operands;
  if (['install', 'update', 'remove', 'purge', 'upgrade'].includes(action) && call.user !== 'root') return fail(NOT_ROOT, 100);
  if (action === 'update') return update(call.host.fs);
  if (action === 'install') {
    const yes = ['-y', '--yes', '--assume-yes'].some((flag) => parsed.flags.has(flag));
    return install(call, packages.map((p) => p.split('=')[0] as string), yes);
  }
  return fail(`E: Invalid operation ${action} (the emulated apt knows update and install)`, 100);
}

/** `dpkg -s PACKAGE…` (--status): what dpkg's database says; anything else is refused. */
export async function dpkg(call: Call): Promise<Outcome> {
  const parsed = parseArgs(call.args);
  if (!parsed.flags.has('-s') && !parsed.flags.has('--status')) return fail('dpkg: the emulated dpkg knows -s (--status) only', 2);
  const installed = await installedPackages(call);
  let stdout = '';
  for (const name of parsed.operands) {
    const version = installed.get(name);
    if (version === undefined) {
      return fail(`dpkg-query: package '${name}' is not installed and no information is available\nUse dpkg --info (= dpkg-deb --info) to examine archive files.`, 1, stdout);
    }
    stdout += `Package: ${name}\nStatus: install ok installed\nVersion: ${version}\n\n`;
  }
  return ok(stdout);
}
