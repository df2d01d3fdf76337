import { chmod, chown, copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { LabError } from './netns.js';
import type { LabUser } from '../helpers/lab-user.js';
import type { NodeSpec } from './topology.js';

/**
 * Each host's own filesystem view. The hosts share the machine's root filesystem (binaries, /etc/passwd,
 * sudoers), but what the runbook's steps write lands in per-host directories bind-mounted, inside the
 * host's private mount namespace, over these paths: a file written on "shop" is not seen on "wordpress",
 * and nothing a step writes reaches the real machine's /opt or /etc/apt.
 */
interface HostMount {
  path: string;
  mode: number;
  /** Owned by the login user (its home); root otherwise. */
  user?: boolean;
  file?: boolean;
}

export const HOST_MOUNTS: HostMount[] = [
  { path: '/home/ubuntu', mode: 0o750, user: true },
  { path: '/opt', mode: 0o755 },
  { path: '/srv', mode: 0o755 },
  { path: '/tmp', mode: 0o1777 },
  { path: '/etc/aws-runbook', mode: 0o755 },
  { path: '/etc/gitlab', mode: 0o755 },
  { path: '/etc/systemd/system', mode: 0o755 },
  { path: '/etc/apt/sources.list.d', mode: 0o755 },
  { path: '/etc/apt/keyrings', mode: 0o755 },
  // The stand-ins' records (calls.jsonl, installed packages, containers).
  { path: '/var/lib/lab', mode: 0o755 },
  // Stand-in commands: first in PATH and in sudo's secure_path.
  { path: '/usr/local/bin', mode: 0o755 },
  { path: '/etc/hosts', mode: 0o644, file: true },
];

/** Where path `path` of a host lives on the lab disk: `<hostDir>/fs<path>`. */
export function hostPathIn(hostDir: string, hostKey: string, path: string): string {
  const normal = posix.normalize(path);
  if (!posix.isAbsolute(normal)) throw new LabError(`lab.hostPath: ${path} is not an absolute path`, 'give a path as the host sees it, e.g. /opt/shop/.env');
  const mount = HOST_MOUNTS.find((m) => normal === m.path || (!m.file && normal.startsWith(`${m.path}/`)));
  if (!mount) {
    throw new LabError(
      `lab.hostPath: ${path} is not private to host ${hostKey} (it is the machine's own file, shared by every lab host)`,
      `only these paths are per host: ${HOST_MOUNTS.map((m) => m.path).join(', ')}`,
    );
  }
  return join(hostDir, 'fs', normal);
}

/**
 * The mount points must exist on the machine to bind over them: the few that a Debian machine lacks
 * are created empty (and left there; parallel labs use them too).
 */
export async function ensureMountPoints(): Promise<void> {
  await Promise.all(HOST_MOUNTS.filter((m) => !m.file).map((m) => mkdir(m.path, { recursive: true })));
  // sshd's privilege-separation directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
}

/** Creates the host's private directories: an empty /opt, a fresh home from /etc/skel, its /etc/hosts. */
export async function prepareHostFs(hostDir: string, node: NodeSpec, user: LabUser): Promise<void> {
  for (const mount of HOST_MOUNTS) {
    const target = join(hostDir, 'fs', mount.path);
    if (mount.file) continue;
    await mkdir(target, { recursive: true });
    await chmod(target, mount.mode);
    if (mount.user) await chown(target, user.uid, user.gid);
  }
  const home = join(hostDir, 'fs', '/home/ubuntu');
  for (const entry of await readdir('/etc/skel').catch(() => [] as string[])) {
    await copyFile(join('/etc/skel', entry), join(home, entry)).catch(() => undefined);
    await chown(join(home, entry), user.uid, user.gid).catch(() => undefined);
  }
  // sudo looks the host name up; an EC2 instance resolves its own.
  await writeFile(join(hostDir, 'fs', '/etc/hosts'), `127.0.0.1 localhost\n${node.privateAddress} ${node.hostname}\n`, { mode: 0o644 });
  await writeFile(join(hostDir, 'fs', '/var/lib/lab/calls.jsonl'), '', { mode: 0o666 });
  await chmod(join(hostDir, 'fs', '/var/lib/lab/calls.jsonl'), 0o666);
}

/** The shell lines, run inside the host's new mount namespace, that bind its private directories. */
export function bindCommands(hostDir: string): string[] {
  return HOST_MOUNTS.map((m) => `mount --bind '${join(hostDir, 'fs', m.path)}' '${m.path}'`);
}
