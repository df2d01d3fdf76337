import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { LabUser } from '../helpers/lab-user.js';
import { LabError, run } from './netns.js';
import { LAB_BASE_DIR } from './paths.js';
import type { NodeSpec } from './topology.js';

/**
 * Each lab host's own root filesystem, entered with pivot_root in the host's mount namespace (sshd.ts), so a
 * host sees what the lab gives it and nothing of the machine's programs: the same test answers the same on
 * any machine (a machine's /usr/bin/aws, from Debian's awscli, is not there). `<hostDir>/fs` is the root:
 * - /usr/bin, /usr/sbin: links to the programs a stock Ubuntu 24.04 server image has that the steps and
 *   tests run (IMAGE_PROGRAMS), copied once from the machine into a pool; the emulation's packages add
 *   theirs when installed (test/lab/emulation: a real program from the pool, or a stub of the emulation);
 * - /usr/lib, /usr/lib64, /usr/libexec, /usr/share: the machine's, read-only (libraries and data);
 * - /usr/local/lib/aws-runbook-lab: the pool and the lab's code (the built emulation), read-only;
 * - /etc: the host's own copy of the machine's (users, sudoers, PAM, certificates…), with its own SSH
 *   keys and config, hosts, hostname and Ubuntu 24.04's os-release;
 * - everything else (/home/ubuntu, /root, /opt, /srv, /tmp, /var, /run): the host's own, empty at start.
 */

export const LAB_IN_HOST = '/usr/local/lib/aws-runbook-lab';
export const POOL_IN_HOST = `${LAB_IN_HOST}/pool`;
export const CODE_IN_HOST = `${LAB_IN_HOST}/code`;

/** The machine's directories every host sees read-only: no program on a PATH is in them. */
const MACHINE_DIRS = ['/usr/lib', '/usr/lib64', '/usr/libexec', '/usr/share'].filter((dir) => existsSync(dir));
/** Paths of a host that are not its own (hostPath refuses them). */
export const SHARED_PATHS = [...MACHINE_DIRS, LAB_IN_HOST, '/dev', '/proc', '/sys'];

/** Coreutils, all of it (what `dpkg -L coreutils` lists on Debian and Ubuntu). */
const COREUTILS = [
  ...['[', 'arch', 'b2sum', 'base32', 'base64', 'basename', 'basenc', 'cat', 'chcon', 'chgrp', 'chmod', 'chown', 'cksum', 'comm', 'cp', 'csplit', 'cut', 'date', 'dd', 'df', 'dir'],
  ...['dircolors', 'dirname', 'du', 'echo', 'env', 'expand', 'expr', 'factor', 'false', 'fmt', 'fold', 'groups', 'head', 'hostid', 'id', 'install', 'join', 'link', 'ln', 'logname', 'ls'],
  ...['md5sum', 'mkdir', 'mkfifo', 'mknod', 'mktemp', 'mv', 'nice', 'nl', 'nohup', 'nproc', 'numfmt', 'od', 'paste', 'pathchk', 'pinky', 'pr', 'printenv', 'printf', 'ptx', 'pwd', 'readlink'],
  ...['realpath', 'rm', 'rmdir', 'runcon', 'seq', 'sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'shred', 'shuf', 'sleep', 'sort', 'split', 'stat', 'stdbuf', 'stty', 'sum'],
  ...['sync', 'tac', 'tail', 'tee', 'test', 'timeout', 'touch', 'tr', 'true', 'truncate', 'tsort', 'tty', 'uname', 'unexpand', 'uniq', 'unlink', 'users', 'vdir', 'wc', 'who', 'whoami', 'yes'],
];
/** The programs of the image the steps and the tests run: shells, coreutils, findutils, grep, sed, awk, gzip, tar, diffutils, procps, sudo… */
const IMAGE_PROGRAMS = [
  ...COREUTILS,
  ...['sh', 'dash', 'bash', 'sudo', 'su', 'which', 'getent', 'hostname', 'logger', 'flock', 'setsid', 'getopt', 'find', 'xargs', 'grep', 'egrep', 'fgrep', 'sed', 'awk'],
  ...['gzip', 'gunzip', 'zcat', 'tar', 'diff', 'cmp', 'ps', 'pgrep', 'pkill', 'kill', 'free'],
];
const IMAGE_SBIN = ['sshd'];
/** The real programs of the emulation's packages (what `apt-get install` puts on a lab host's PATH): curl, iputils-ping, gnupg, mariadb-client. */
const PACKAGE_PROGRAMS = ['curl', 'ping', 'gpg', 'mariadb', 'mysql', 'mariadb-dump', 'mysqldump'];

function machineProgram(name: string): string {
  for (const dir of ['/usr/bin', '/usr/sbin', '/bin', '/sbin']) if (existsSync(join(dir, name))) return join(dir, name);
  throw new LabError(`lab: the machine has no ${name}, which every lab host needs`, 'the lab needs coreutils, procps, sudo, openssh-server, curl, iputils-ping, gnupg and mariadb-client (.ci/run installs them)');
}

/**
 * The pool: the machine's programs a host may run, copied once (mode, owner and file capabilities kept:
 * sudo's setuid bit, ping's cap_net_raw) under LAB_BASE_DIR, named by what they were copied from, and node
 * (the emulation's stand-ins run on it; it is on no host's PATH).
 */
export function poolDir(): string {
  const sources = [...[...IMAGE_PROGRAMS, ...IMAGE_SBIN, ...PACKAGE_PROGRAMS].map(machineProgram), process.execPath];
  const hash = createHash('sha256');
  for (const source of sources) {
    const info = statSync(source);
    hash.update(`${source} ${realpathSync(source)} ${info.size} ${info.mtimeMs}\n`);
  }
  const target = join(LAB_BASE_DIR, `pool-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(target)) return target;
  const temp = `${target}.${process.pid}`;
  mkdirSync(temp, { recursive: true, mode: 0o755 });
  try {
    // Each file's content under its own name (`-L`: /usr/bin/awk is the program /etc/alternatives names).
    execFileSync('cp', ['-L', '--preserve=mode,ownership,xattr', '-t', temp, ...sources], { stdio: 'pipe' });
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(target)) throw new LabError(`lab: copying the hosts' programs failed: ${String(error)}`, 'is /var/lib/aws-runbook-lab writable?');
  }
  return target;
}

const NOBLE_OS_RELEASE = [
  'PRETTY_NAME="Ubuntu 24.04.1 LTS"',
  'NAME="Ubuntu"',
  'VERSION_ID="24.04"',
  'VERSION="24.04.1 LTS (Noble Numbat)"',
  'VERSION_CODENAME=noble',
  'ID=ubuntu',
  'ID_LIKE=debian',
  'UBUNTU_CODENAME=noble',
  '',
].join('\n');

const dirs: [string, number][] = [
  ['/usr/bin', 0o755], ['/usr/sbin', 0o755], ['/usr/local/bin', 0o755], ['/usr/local/sbin', 0o755], [POOL_IN_HOST, 0o755], [CODE_IN_HOST, 0o755],
  ...MACHINE_DIRS.map((dir): [string, number] => [dir, 0o755]),
  ['/etc', 0o755], ['/root', 0o700], ['/home', 0o755], ['/opt', 0o755], ['/srv', 0o755], ['/tmp', 0o1777], ['/run', 0o755], ['/run/sshd', 0o755],
  ['/var/lib/lab', 0o755], ['/var/log', 0o755], ['/var/tmp', 0o1777], ['/var/cache', 0o755], ['/dev', 0o755], ['/proc', 0o555], ['/sys', 0o555],
];

/** Builds the host's root in `<hostDir>/fs`: its directories, its programs' links, its /etc, an empty home. */
export async function buildHostRoot(hostDir: string, node: NodeSpec, user: LabUser): Promise<void> {
  const root = join(hostDir, 'fs');
  const at = (path: string) => join(root, path);
  for (const [path, mode] of dirs) {
    await mkdir(at(path), { recursive: true });
    await chmod(at(path), mode);
  }
  for (const [link, target] of [['/bin', 'usr/bin'], ['/sbin', 'usr/sbin'], ['/lib', 'usr/lib'], ['/lib64', 'usr/lib64'], ['/var/run', '/run']] as const) await symlink(target, at(link));
  for (const name of IMAGE_PROGRAMS) await symlink(posix.join(POOL_IN_HOST, name), at(`/usr/bin/${name}`));
  for (const name of IMAGE_SBIN) await symlink(posix.join(POOL_IN_HOST, name), at(`/usr/sbin/${name}`));
  // The machine's /etc but its SSH host keys (the host gets its own, sshd.ts).
  const etc = (await readdir('/etc')).filter((name) => name !== 'ssh').map((name) => `/etc/${name}`);
  await run('cp', ['-a', '-t', at('/etc'), ...etc]);
  await mkdir(at('/etc/ssh'), { recursive: true, mode: 0o755 });
  await rm(at('/etc/os-release'), { force: true });
  await writeFile(at('/etc/os-release'), NOBLE_OS_RELEASE, { mode: 0o644 });
  await writeFile(at('/etc/hostname'), `${node.hostname}\n`, { mode: 0o644 });
  // sudo looks the host name up; an EC2 instance resolves its own.
  await writeFile(at('/etc/hosts'), `127.0.0.1 localhost\n${node.privateAddress} ${node.hostname}\n`, { mode: 0o644 });
  const home = at('/home/ubuntu');
  await mkdir(home, { mode: 0o750 });
  for (const entry of await readdir('/etc/skel').catch(() => [] as string[])) await copyFile(join('/etc/skel', entry), join(home, entry)).catch(() => undefined);
  for (const entry of ['', ...(await readdir(home))]) await chown(join(home, entry), user.uid, user.gid);
  await writeFile(at('/var/lib/lab/calls.jsonl'), '', { mode: 0o666 });
  await chmod(at('/var/lib/lab/calls.jsonl'), 0o666);
}

/**
 * The shell lines, run inside the host's new mount namespace (and PID namespace: `/proc` is its own), that
 * mount the machine's shared directories and the lab's code into the root, then make it the root.
 */
export function enterRootCommands(hostDir: string, codeDir: string, pool: string): string[] {
  const root = join(hostDir, 'fs');
  const readOnly = (from: string, to: string) => [`mount --bind '${from}' '${root}${to}'`, `mount -o remount,bind,ro '${root}${to}'`];
  return [
    `mount --bind '${root}' '${root}'`,
    ...MACHINE_DIRS.flatMap((dir) => readOnly(dir, dir)),
    ...readOnly(pool, POOL_IN_HOST),
    ...readOnly(codeDir, CODE_IN_HOST),
    `mount --rbind /dev '${root}/dev'`,
    `mount --rbind /sys '${root}/sys'`,
    `mount -t proc proc '${root}/proc'`,
    `cd '${root}'`,
    'mkdir -p .old-root',
    'pivot_root . .old-root',
    'cd /',
    '/.old-root/usr/bin/umount -l /.old-root',
    'rmdir /.old-root',
  ];
}

/** Where path `path` of a host lives on the lab disk: `<hostDir>/fs<path>` (not for what the machine shares). */
export function hostPathIn(hostDir: string, hostKey: string, path: string): string {
  const normal = posix.normalize(path);
  if (!posix.isAbsolute(normal)) throw new LabError(`lab.hostPath: ${path} is not an absolute path`, 'give a path as the host sees it, e.g. /opt/shop/.env');
  if (SHARED_PATHS.some((shared) => normal === shared || normal.startsWith(`${shared}/`))) {
    throw new LabError(`lab.hostPath: ${path} is not host ${hostKey}'s own (it is shared read-only by every lab host)`, `every path is the host's own but ${SHARED_PATHS.join(', ')}`);
  }
  return join(hostDir, 'fs', normal);
}

