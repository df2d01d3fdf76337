import { execFileSync } from 'node:child_process';
import type { SshHost } from '../../src/ssh/index.js';
import { parseConsoleFingerprints } from '../../src/ssh/index.js';
import type { KeyPair, TestSshd } from '../helpers/sshd.js';

/** The pool's view of a test daemon, its fingerprints read from its cloud-init-like console (as in production). */
export function hostFor(sshd: TestSshd, key: KeyPair, name: string, extra: Partial<SshHost> = {}): SshHost {
  return {
    name,
    address: sshd.address,
    port: sshd.port,
    username: sshd.user.name,
    privateKey: key.privateKey,
    fingerprints: parseConsoleFingerprints(sshd.consoleOutput),
    ...extra,
  };
}

/** Processes on this machine (the "remote" host is local) whose command line contains `marker`. */
export function processesMatching(marker: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(marker) && !line.includes('ps -eo'));
}

/** Poll until `check` holds (the remote side settles asynchronously); fails after `ms`. */
export async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

/** Lines of the daemon's log that record a new TCP connection. */
export function connectionsLogged(sshd: TestSshd): number {
  return sshd.log().split('\n').filter((line) => line.includes('Connection from ')).length;
}
