import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { enterRootCommands } from './host-root.js';
import { LabError, run } from './netns.js';
import type { NodeSpec } from './topology.js';

/** A daemon the lab spawned: `exited` settles once Node has reaped it (no zombie left). */
export interface LabProcess {
  pid: number;
  exited: Promise<void>;
}

/** One host's own sshd: its host keys, config and authorized keys are in its /etc/ssh (`<hostDir>/fs/etc/ssh`). */

export const HOST_KEY_TYPES = ['ecdsa', 'ed25519'] as const;

export interface HostKeyFingerprint {
  /** As ssh-keygen and the console print it: ED25519, ECDSA. */
  type: string;
  bits: number;
  /** `SHA256:…` */
  sha256: string;
  /** The public key line (`ssh-ed25519 AAAA… root@ip-10-1-1-10`). */
  publicKey: string;
}

/** The host's /etc/ssh on the lab disk, and inside the host. */
const sshDir = (hostDir: string) => join(hostDir, 'fs', 'etc', 'ssh');
const IN_HOST = '/etc/ssh';
const hostKeyFile = (dir: string, type: string) => join(dir, `ssh_host_${type}_key`);

/** Generates the host keys (comment `root@<hostname>`, as on a fresh instance) and reads their fingerprints. */
export async function generateHostKeys(hostDir: string, node: NodeSpec): Promise<HostKeyFingerprint[]> {
  await mkdir(sshDir(hostDir), { recursive: true, mode: 0o755 });
  return Promise.all(
    HOST_KEY_TYPES.map(async (type) => {
      const file = hostKeyFile(sshDir(hostDir), type);
      await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `root@${node.hostname}`, '-f', file]);
      return fingerprintOf(`${file}.pub`);
    }),
  );
}

/** `256 SHA256:abc root@ip-10-1-1-10 (ED25519)` → its parts. */
export async function fingerprintOf(publicKeyFile: string): Promise<HostKeyFingerprint> {
  const line = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyFile]);
  const match = /^(\d+) (SHA256:\S+) .* \((\w+)\)$/.exec(line.trim());
  if (!match) throw new LabError(`lab: unexpected ssh-keygen -l output for ${publicKeyFile}`, 'is openssh-client installed?');
  return { bits: Number(match[1]), sha256: match[2] as string, type: match[3] as string, publicKey: (await readFile(publicKeyFile, 'utf8')).trim() };
}

function sshdConfig(node: NodeSpec): string {
  const sftp = existsSync('/usr/lib/openssh/sftp-server') ? '/usr/lib/openssh/sftp-server' : 'internal-sftp';
  return [
    `ListenAddress ${node.privateAddress}:22`,
    ...HOST_KEY_TYPES.map((type) => `HostKey ${hostKeyFile(IN_HOST, type)}`),
    `PidFile /run/sshd.pid`,
    // The operator's key, as cloud-init installs the key pair; a step may add its own in ~/.ssh.
    `AuthorizedKeysFile ${IN_HOST}/authorized_keys .ssh/authorized_keys`,
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin no',
    'AllowUsers ubuntu',
    'AllowTcpForwarding yes',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    'MaxStartups 50:30:100',
    'MaxSessions 50',
    `Subsystem sftp ${sftp}`,
    '',
  ].join('\n');
}

export async function writeSshdFiles(hostDir: string, node: NodeSpec, authorizedKeys: string[]): Promise<void> {
  const dir = sshDir(hostDir);
  await writeFile(join(dir, 'sshd_config'), sshdConfig(node), { mode: 0o644 });
  await writeFile(join(dir, 'authorized_keys'), authorizedKeys.map((key) => key.trim()).join('\n') + '\n', { mode: 0o644 });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `unshare --fork` waits for its child, which is pid 1 of the new PID namespace: sshd. */
async function onlyChild(pid: number): Promise<number> {
  const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(' ').filter(Boolean);
  if (children.length !== 1) throw new LabError(`lab: expected one child of unshare (pid ${pid}), found ${children.length}`, 'is /proc mounted?');
  return Number(children[0]);
}

/**
 * Starts the host's sshd in its network namespace, inside new mount, UTS and PID namespaces: its hostname
 * set, its own root entered (host-root.ts: the lab's code and programs mounted, the machine's others out
 * of sight), and its processes its own (a step's `pkill` on a lab host cannot reach the machine's). sshd is
 * the host's pid 1, so it also reaps what a session left running (the containers' servers). Returns
 * sshd's pid as the machine sees it: `lab.exec` enters its namespaces, and every SSH session shares them.
 */
export async function startSshd(ns: string, hostDir: string, node: NodeSpec, code: { codeDir: string; pool: string }): Promise<LabProcess> {
  const log = join(sshDir(hostDir), 'sshd.log');
  const script = ['set -e', `hostname ${node.hostname}`, ...enterRootCommands(hostDir, code.codeDir, code.pool), `exec /usr/sbin/sshd -D -E ${IN_HOST}/sshd.log -f ${IN_HOST}/sshd_config`].join('\n');
  const startLog = openSync(join(hostDir, 'start.log'), 'a');
  const unshare = ['unshare', '--mount', '--uts', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private'];
  const child = spawn('ip', ['netns', 'exec', ns, ...unshare, 'sh', '-c', script], {
    stdio: ['ignore', startLog, startLog],
  });
  closeSync(startLog);
  child.unref();
  let exited: number | null = null;
  const done = new Promise<void>((resolve) => child.once('exit', (code) => resolve(void (exited = code ?? -1))));
  for (let waited = 0; waited < 10_000; waited += 25) {
    const text = await readFile(log, 'utf8').catch(() => '');
    if (text.includes('Server listening on')) return { pid: await onlyChild(child.pid as number), exited: done };
    if (exited !== null) break;
    await sleep(25);
  }
  const why = [await readFile(join(hostDir, 'start.log'), 'utf8').catch(() => ''), await readFile(log, 'utf8').catch(() => '')].join('\n').trim();
  throw new LabError(`lab: sshd of host ${node.key} did not start (${exited === null ? 'no "Server listening" within 10 s' : `exit ${exited}`}): ${why.slice(-800)}`, `see ${log}`);
}
