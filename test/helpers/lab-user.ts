import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';

/**
 * The login user of the SSH tests and the lab: `ubuntu`, as on the Ubuntu AMI, with password-less sudo
 * (cloud-init sets up the same). Created once per machine (CI runs as root); idempotent and safe when two
 * test files call it at the same time (useradd's "already exists" is accepted).
 */
export const LAB_USER = 'ubuntu';

const SUDOERS_FILE = '/etc/sudoers.d/90-aws-runbook-lab';

export interface LabUser {
  name: string;
  home: string;
  uid: number;
  gid: number;
}

export function ensureLabUser(): LabUser {
  if (process.getuid?.() !== 0) throw new Error('the SSH tests and the lab need root (CI runs as root): run the suite as root');
  if (!userExists()) {
    try {
      execFileSync('useradd', ['--create-home', '--shell', '/bin/bash', LAB_USER], { stdio: 'pipe' });
    } catch (error) {
      if (!userExists()) throw error; // another test file created it in between: fine
    }
  }
  // sshd refuses a locked account (useradd leaves the password field '!'): '*' = no password, not locked
  execFileSync('usermod', ['-p', '*', LAB_USER], { stdio: 'pipe' });
  if (!existsSync(SUDOERS_FILE)) writeFileSync(SUDOERS_FILE, `${LAB_USER} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
  const [uid, gid, home] = execFileSync('sh', ['-c', `id -u ${LAB_USER}; id -g ${LAB_USER}; getent passwd ${LAB_USER} | cut -d: -f6`], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n');
  return { name: LAB_USER, home: home ?? `/home/${LAB_USER}`, uid: Number(uid), gid: Number(gid) };
}

function userExists(): boolean {
  try {
    execFileSync('id', ['-u', LAB_USER], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
