import type { Command, IFileSystem, ResolvedCommandContext } from 'just-bash';
import type { CommandEnv, SimulatedHost } from '../host.js';
import { command, fail, ok, parseArgs } from '../shell/results.js';
import { PACKAGES, type PackageName, type PackageSpec } from './packages.js';

/**
 * apt-get / apt: `update` refreshes the package lists (the archive, and GitLab's repository when its
 * source file names a keyring that exists), `install` installs from them. Installing a package makes
 * its commands appear (`command -v docker`), writes its unit files and runs what its maintainer
 * scripts would (GitLab's reconfigure with EXTERNAL_URL).
 */

const LISTS = '/var/lib/apt/lists';
const ARCHIVE_LIST = `${LISTS}/archive.ubuntu.com_ubuntu_dists_noble_main_binary-amd64_Packages`;
const GITLAB_LIST = `${LISTS}/packages.gitlab.com_gitlab_gitlab-ce_ubuntu_dists_noble_main_binary-amd64_Packages`;
const SOURCES = '/etc/apt/sources.list.d';

/** Packages the archive has (every one the catalogue knows, except what only GitLab's repository has). */
function inArchive(name: string): name is PackageName {
  return name in PACKAGES && !(PACKAGES[name as PackageName] as PackageSpec).thirdParty;
}

/** GitLab's repository is usable when a source file points at it with a keyring that is there. */
async function gitlabRepository(ctx: ResolvedCommandContext): Promise<'ok' | 'absent' | 'no-key'> {
  if (!(await ctx.fs.exists(SOURCES))) return 'absent';
  for (const file of await ctx.fs.readdir(SOURCES)) {
    const text = await ctx.fs.readFile(`${SOURCES}/${file}`);
    for (const line of text.split('\n')) {
      const match = /^deb\s+\[signed-by=([^\]\s]+)\]\s+https:\/\/packages\.gitlab\.com\/gitlab\/gitlab-ce\//.exec(line.trim());
      if (!match) continue;
      return (await ctx.fs.exists(match[1] as string)) ? 'ok' : 'no-key';
    }
  }
  return 'absent';
}

async function update(ctx: ResolvedCommandContext): Promise<{ stdout: string; stderr: string }> {
  await ctx.fs.mkdir(LISTS, { recursive: true });
  await ctx.fs.writeFile(ARCHIVE_LIST, 'Package: (the simulated archive)\n');
  let stdout = 'Hit:1 http://archive.ubuntu.com/ubuntu noble InRelease\n';
  let stderr = '';
  const gitlab = await gitlabRepository(ctx);
  if (gitlab === 'ok') {
    await ctx.fs.writeFile(GITLAB_LIST, 'Package: gitlab-ce\n');
    stdout += 'Get:2 https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu noble InRelease\n';
  } else if (gitlab === 'no-key') {
    stderr += 'W: GPG error: https://packages.gitlab.com/gitlab/gitlab-ce/ubuntu noble InRelease: The following signatures couldn\'t be verified because the public key is not available\n';
  }
  return { stdout: `${stdout}Reading package lists...\n`, stderr };
}

async function available(ctx: ResolvedCommandContext, name: string): Promise<boolean> {
  if (inArchive(name)) return true;
  return name in PACKAGES && (await ctx.fs.exists(GITLAB_LIST)) && (await gitlabRepository(ctx)) === 'ok';
}

/** Install a package on the host: its commands, its unit files (enabled, started), its maintainer scripts' work. */
export async function installPackage(host: SimulatedHost, fs: IFileSystem, name: PackageName, env: Record<string, string> = {}): Promise<string> {
  const spec: PackageSpec = PACKAGES[name];
  host.installed.add(name);
  if (spec.commands) host.addCommands(spec.commands);
  for (const unit of spec.units ?? []) {
    await fs.mkdir('/usr/lib/systemd/system', { recursive: true });
    await fs.writeFile(`/usr/lib/systemd/system/${unit}`, `[Unit]\nDescription=${unit} (simulated)\n`);
    host.units.set(unit, { enabled: true, active: true });
  }
  return spec.afterInstall ? await spec.afterInstall(host, fs, env) : '';
}

export function apt(name: string, env: CommandEnv): Command {
  return command(name, async (args, ctx) => {
    env.host.record([name, ...args]);
    const parsed = parseArgs(args, ['-o']);
    const [action = '', ...packages] = parsed.operands;
    if (['install', 'update', 'remove', 'purge', 'upgrade'].includes(action) && env.user !== 'root') {
      return fail('E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?', 100);
    }
    switch (action) {
      case 'update': {
        const result = await update(ctx);
        return ok(result.stdout, result.stderr);
      }
      case 'install': {
        let stdout = 'Reading package lists...\nBuilding dependency tree...\n';
        const names = packages.map((p) => p.split('=')[0] as string);
        for (const pkg of names) if (!(await available(ctx, pkg))) return fail(`E: Unable to locate package ${pkg}`, 100, stdout);
        const assumeYes = parsed.flags.has('-y') || parsed.flags.has('--yes') || parsed.flags.has('--assume-yes');
        if (!assumeYes && names.some((pkg) => !env.host.installed.has(pkg))) return fail('Abort.', 1, `${stdout}Do you want to continue? [Y/n] `);
        for (const pkg of names as PackageName[]) {
          if (env.host.installed.has(pkg)) {
            stdout += `${pkg} is already the newest version.\n`;
            continue;
          }
          stdout += `Setting up ${pkg} (simulated) ...\n`;
          stdout += await installPackage(env.host, ctx.fs, pkg, ctx.exportedEnv ?? {});
        }
        return ok(stdout);
      }
      default:
        return fail(`E: Invalid operation ${action} (the simulated apt knows update and install)`, 100);
    }
  });
}
