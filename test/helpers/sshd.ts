import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureLabUser, type LabUser } from './lab-user.js';

/**
 * Real OpenSSH daemons on loopback for the SSH layer's tests. Each daemon lives in its own temp dir
 * (host keys, sshd_config, authorized keys); nothing is written to /etc/ssh or to ~ubuntu/.ssh.
 * Network safety: the daemon only listens on a 127.x address, and tests only connect there.
 */

export interface KeyPair {
  /** OpenSSH private key text. */
  privateKey: string;
  /** `ssh-ed25519 AAAA... comment` */
  publicKey: string;
}

export interface TestSshd {
  readonly address: string;
  readonly port: number;
  readonly user: LabUser;
  /** `{ type, sha256 }` per host key, as `ssh-keygen -l` reports them (independent of src/ssh). */
  readonly hostKeyFingerprints: { type: string; sha256: string }[];
  /** What an EC2 Ubuntu instance prints to its console after cloud-init, for these host keys. */
  readonly consoleOutput: string;
  /** A fresh ed25519 key pair, authorized for `ubuntu` on this daemon only. */
  makeClientKey(): KeyPair;
  /** Authorize an existing public key (the same EC2 key pair on several hosts). */
  authorize(publicKey: string): void;
  /** Everything sshd logged so far (it runs with -e, LogLevel DEBUG1). */
  log(): string;
  stop(): Promise<void>;
}

export interface StartSshdOptions {
  address?: string;
  port?: number;
  /** Extra sshd_config lines (e.g. `AllowTcpForwarding no`). */
  extraConfig?: string[];
}

let counter = 0;

function keygen(args: string[]): string {
  return execFileSync('ssh-keygen', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A throwaway ed25519 key pair (no passphrase) made by ssh-keygen in a temp dir that is removed at once. */
export function makeKeyPair(comment = 'aws-runbook-test'): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), `awsrb-key-${process.pid}-`));
  try {
    const file = join(dir, 'id_ed25519');
    keygen(['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
    return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function freePort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const info = server.address();
      const port = typeof info === 'object' && info ? info.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function assertLoopback(address: string): void {
  if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) throw new Error(`test sshd must listen on loopback, not ${address}`);
}

/** Format like cloud-init's write-ssh-key-fingerprints + keys-to-console on an EC2 Ubuntu console. */
function cloudInitConsole(fingerprints: string[], publicKeys: string[], hostname: string): string {
  const stamp = '<14>Mar  4 09:12:41 ec2:';
  const rule = '#'.repeat(61);
  return [
    '[    0.000000] Linux version 6.8.0-1021-aws (buildd@lcy02-amd64-101) (x86_64-linux-gnu-gcc-13) #23-Ubuntu SMP',
    `[    9.871203] cloud-init[612]: Cloud-init v. 24.4-0ubuntu1~24.04.2 running 'init' at Tue, 04 Mar 2025 09:12:30 +0000.`,
    '[    9.902113] cloud-init[612]: ci-info: ++++++++++++++++++++++++++++++++++++++Net device info++++++++++++++++++++++++++++++++++++++',
    `[   10.112045] cloud-init[612]: Generating public/private ed25519 key pair.`,
    `[   10.113011] cloud-init[612]: SHA256:NOTTHEHOSTKEYNOTTHEHOSTKEYNOTTHEHOSTKEY00000 root@${hostname}`,
    `${stamp}`,
    `${stamp} ${rule}`,
    `${stamp} -----BEGIN SSH HOST KEY FINGERPRINTS-----`,
    ...fingerprints.map((line) => `${stamp} ${line}`),
    `${stamp} -----END SSH HOST KEY FINGERPRINTS-----`,
    `${stamp} ${rule}`,
    '-----BEGIN SSH HOST KEY KEYS-----',
    ...publicKeys.map((key) => `${key.split(' ').slice(0, 2).join(' ')} root@${hostname}`),
    '-----END SSH HOST KEY KEYS-----',
    `[   12.402281] cloud-init[780]: Cloud-init v. 24.4-0ubuntu1~24.04.2 finished at Tue, 04 Mar 2025 09:12:41 +0000. Datasource DataSourceEc2Local.  Up 12.38 seconds`,
    '',
  ].join('\n');
}

export async function startSshd(options: StartSshdOptions = {}): Promise<TestSshd> {
  const address = options.address ?? '127.0.0.1';
  assertLoopback(address);
  const user = ensureLabUser();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation directory

  const dir = mkdtempSync(join(tmpdir(), `awsrb-sshd-${process.pid}-${++counter}-`));
  chmodSync(dir, 0o755); // sshd reads AuthorizedKeysFile as the login user
  const hostname = `ip-${address.replace(/\./g, '-')}`;
  const hostKeys = ['ed25519', 'ecdsa'].map((type) => {
    const file = join(dir, `ssh_host_${type}_key`);
    keygen(['-q', '-t', type, '-N', '', '-C', `root@${hostname}`, '-f', file]);
    return file;
  });
  const fingerprintLines = hostKeys.map((file) => keygen(['-l', '-E', 'sha256', '-f', `${file}.pub`]).trim());
  const hostKeyFingerprints = fingerprintLines.map((line) => {
    const match = /^\d+ (SHA256:\S+) .*\((\w+)\)$/.exec(line);
    if (!match) throw new Error(`unexpected ssh-keygen -l output: ${line}`);
    return { sha256: match[1] as string, type: match[2] as string };
  });
  const publicKeys = hostKeys.map((file) => readFileSync(`${file}.pub`, 'utf8').trim());

  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, '', { mode: 0o644 });
  const port = options.port ?? (await freePort(address));
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${address}:${port}`,
      ...hostKeys.map((file) => `HostKey ${file}`),
      'PidFile none',
      'UsePAM no',
      'StrictModes no',
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin no',
      `AllowUsers ${user.name}`,
      'AllowTcpForwarding yes',
      'Subsystem sftp internal-sftp',
      'LogLevel DEBUG1',
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
  );

  let output = '';
  const child: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // its own process group: stop() also ends the per-connection sshd processes
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    output += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`sshd on ${address}:${port} did not start:\n${output}`)), 10_000);
    const onData = () => {
      if (output.includes(`Server listening on ${address} port ${port}`)) done();
    };
    const onExit = () => done(new Error(`sshd on ${address}:${port} exited at start:\n${output}`));
    function done(error?: Error) {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    }
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    onData();
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });

  const authorize = (publicKey: string) => appendFileSync(authorizedKeys, `${publicKey.trim()}\n`);
  return {
    address,
    port,
    user,
    hostKeyFingerprints,
    consoleOutput: cloudInitConsole(fingerprintLines, publicKeys, hostname),
    makeClientKey() {
      const pair = makeKeyPair();
      authorize(pair.publicKey);
      return pair;
    },
    authorize,
    log: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          child.kill('SIGTERM');
        }
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
