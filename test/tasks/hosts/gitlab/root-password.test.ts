import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HostAccess } from '../../../../src/engine/types.js';
import { SshPool, type SshConnection } from '../../../../src/ssh/index.js';
import { GitlabRootPasswordError, parseRootPasswordFile, readGitlabRootPassword } from '../../../../src/tasks/hosts/gitlab/root-password.js';
import { startSshd, type TestSshd } from '../../../helpers/sshd.js';
import { hostFor } from '../../../ssh/fixture.js';

/** What GitLab writes (the warning header abridged), with a password made for this run. */
function passwordFile(password: string): string {
  return `# WARNING: This value is valid only in the following conditions\n#          1. If provided manually ...\n\nPassword: ${password}\n\n# NOTE: This file will be automatically deleted in the first reconfigure run after 24 hours.\n`;
}

describe('parseRootPasswordFile', () => {
  it('takes the Password: line only', () => {
    expect(parseRootPasswordFile(passwordFile('Abc/def+ghi='))).toBe('Abc/def+ghi=');
    expect(parseRootPasswordFile('# Password: in a comment is not it\n')).toBeUndefined();
    expect(parseRootPasswordFile('Password: \n')).toBeUndefined();
  });
});

// The "remote" host is this machine's loopback sshd (as the ubuntu lab user, with password-less sudo);
// the file is root-only, as GitLab leaves it.
describe('readGitlabRootPassword over SSH with sudo', () => {
  let sshd: TestSshd;
  let pool: SshPool;
  let connection: SshConnection;
  let dir: string;
  const password = randomBytes(24).toString('base64');

  beforeAll(async () => {
    sshd = await startSshd({ address: '127.0.0.9' });
    pool = new SshPool([hostFor(sshd, sshd.makeClientKey(), 'gitlab')]);
    connection = await pool.get('gitlab');
    dir = mkdtempSync(join(tmpdir(), 'rb-gitlab-pw-'));
  }, 30_000);
  afterAll(async () => {
    await pool?.closeAll();
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function capturedOutput(): { text: () => string; restore: () => void } {
    const seen: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
        seen.push(String(chunk));
        return true;
      }) as typeof stream.write),
    );
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void seen.push(args.join(' ')));
    const error = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void seen.push(args.join(' ')));
    return {
      text: () => seen.join('\n'),
      restore: () => [...spies, log, error].forEach((spy) => spy.mockRestore()),
    };
  }

  it('returns the password from a root-only file, and prints nothing', async () => {
    const path = join(dir, 'initial_root_password');
    writeFileSync(path, passwordFile(password), { mode: 0o600 });
    const output = capturedOutput();
    let read: string | undefined;
    try {
      read = await readGitlabRootPassword(connection, { path });
    } finally {
      output.restore();
    }
    expect(read).toBe(password);
    expect(output.text()).not.toContain(password);
  });

  it('connects to the gitlab host through a HostAccess (a step context or the session fleet)', async () => {
    const path = join(dir, 'initial_root_password');
    const asked: string[] = [];
    const hosts: HostAccess = { reachable: true, connect: async (host) => (asked.push(host), connection), close: async () => undefined };
    expect(await readGitlabRootPassword({ hosts }, { path })).toBe(password);
    expect(asked).toEqual(['gitlab']);
  });

  it('answers undefined once GitLab has deleted the file', async () => {
    expect(await readGitlabRootPassword(connection, { path: join(dir, 'gone') })).toBeUndefined();
  });

  it('fails without quoting the file when it has no Password: line', async () => {
    const path = join(dir, 'odd');
    const marker = `not-a-password-line-${randomBytes(8).toString('hex')}`;
    writeFileSync(path, `${marker}\n`, { mode: 0o600 });
    const error = await readGitlabRootPassword(connection, { path }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitlabRootPasswordError);
    const e = error as GitlabRootPasswordError;
    expect(e.message).toContain('no "Password:" line');
    expect(`${e.message}\n${e.fix}\n${e.stack}`).not.toContain(marker);
  });
});
