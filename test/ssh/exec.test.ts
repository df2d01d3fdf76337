import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exec,
  RemoteCommandAbortedError,
  RemoteCommandError,
  RemoteCommandTimeoutError,
  SshPool,
  SudoPasswordRequiredError,
  type SshConnection,
} from '../../src/ssh/index.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { eventually, hostFor, processesMatching } from './fixture.js';

let sshd: TestSshd;
let pool: SshPool;
let host: SshConnection;
// Unique per run: the "remote" processes live on this machine, next to other test files' processes.
const tag = `${process.pid}${Date.now() % 100000}`;

beforeAll(async () => {
  sshd = await startSshd({ address: '127.0.0.4' });
  pool = new SshPool([hostFor(sshd, sshd.makeClientKey(), 'shop')]);
  host = await pool.get('shop');
});

afterAll(async () => {
  await pool?.closeAll();
  await sshd?.stop();
});

describe('exec', () => {
  it('returns exit code, stdout and stderr', async () => {
    const result = await exec(host, 'echo out; echo err >&2; exit 0');
    expect(result).toEqual({ code: 0, stdout: 'out\n', stderr: 'err\n' });
  });

  it('runs more commands at once than sshd allows sessions (MaxSessions 10), each with its own exit status', async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => exec(host, `exit ${i % 3}`, { allowFailure: true })));
    expect(results.map((r) => r.code)).toEqual(Array.from({ length: 30 }, (_, i) => i % 3));
  });

  it('streams lines as they come, joining lines and UTF-8 characters cut across chunks', async () => {
    const lines: string[] = [];
    // The sleeps make the chunk boundaries fall mid-line and mid-character (é = c3 a9).
    const command = "printf 'al'; sleep 0.2; printf 'pha\\r\\nbe'; sleep 0.2; printf 'ta\\ngam\\303'; sleep 0.2; printf '\\251\\nlast'; echo oops >&2";
    const result = await exec(host, command, { onLine: (line, stream) => lines.push(`${stream}:${line}`) });
    expect(lines.filter((l) => l.startsWith('stdout:'))).toEqual(['stdout:alpha', 'stdout:beta', 'stdout:gamé', 'stdout:last']);
    expect(lines).toContain('stderr:oops');
    expect(result.stdout).toBe('alpha\r\nbeta\ngamé\nlast');
  });

  it('passes cwd, env and stdin through', async () => {
    const result = await exec(host, 'pwd; echo "$GREETING"; cat', { cwd: '/usr/share', env: { GREETING: "it's me" }, stdin: 'from stdin' });
    expect(result.stdout).toBe("/usr/share\nit's me\nfrom stdin");
  });

  it('rejects a non-zero exit with the label, code and stderr tail, never the command text', async () => {
    const command = `echo TOKEN-in-argv-${tag} >/dev/null; for i in $(seq 1 30); do echo "line $i" >&2; done; exit 3`;
    const error = (await exec(host, command, { label: 'configure the shop' }).catch((e: unknown) => e)) as RemoteCommandError;
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect(error.name).toBe('RemoteCommandError');
    expect(error.host).toBe(`shop (127.0.0.4:${sshd.port})`);
    expect(error.label).toBe('configure the shop');
    expect(error.code).toBe(3);
    expect(error.stderrTail).toEqual(Array.from({ length: 20 }, (_, i) => `line ${i + 11}`));
    expect(error.message).toMatch(/^"configure the shop" failed on shop \(127\.0\.0\.4:\d+\) with exit code 3:\nline 11\n/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('TOKEN-in-argv');
  });

  it('resolves a failure when allowed', async () => {
    const result = await exec(host, 'echo no >&2; exit 4', { allowFailure: true });
    expect(result).toEqual({ code: 4, stdout: '', stderr: 'no\n' });
  });

  it('hands secrets over stdin: in the environment of the command, never in any argv, redacted from errors', async () => {
    const secret = `Db-pa$$ 'w0rd' ${tag}`;
    const result = await exec(host, 'ps -eo args; printf %s "$DB_PASSWORD" | sha256sum; cat', {
      secretEnv: { DB_PASSWORD: secret },
      stdin: 'after the secret',
      sudo: true,
    });
    expect(result.stdout).not.toContain(tag); // ps listed every process's argv while the command ran
    expect(result.stdout).toContain(createHash('sha256').update(secret).digest('hex'));
    expect(result.stdout.endsWith('after the secret')).toBe(true);

    const lines: string[] = [];
    const error = (await exec(host, 'echo "login failed for $DB_PASSWORD" >&2; exit 1', {
      secretEnv: { DB_PASSWORD: secret },
      onLine: (line) => lines.push(line),
    }).catch((e: unknown) => e)) as RemoteCommandError;
    expect(error.stderrTail).toEqual(['login failed for ***']);
    expect(error.message).not.toContain(tag);
    expect(lines).toEqual(['login failed for ***']);
  });

  it('runs as root with sudo -n', async () => {
    expect((await exec(host, 'id -u', { sudo: true })).stdout).toBe('0\n');
    expect((await exec(host, 'id -un', { sudo: { user: 'nobody' } })).stdout).toBe('nobody\n');
  });

  it('fails at once, with a clear error, when sudo would ask for a password', async () => {
    // ubuntu's sudoers rule is (ALL) NOPASSWD: a group switch is not covered, so sudo wants a password.
    const attempt = exec(host, 'id', { sudo: { group: 'nogroup' }, allowFailure: true, label: 'check groups' });
    const error = (await attempt.catch((e: unknown) => e)) as SudoPasswordRequiredError;
    expect(error).toBeInstanceOf(SudoPasswordRequiredError);
    expect(error).toBeInstanceOf(RemoteCommandError);
    expect(error.message).toContain('"check groups" failed on shop');
    expect(error.stderrTail.join('\n')).toMatch(/a password is required/);
    expect(error.fix).toMatch(/NOPASSWD/);
  });

  it.each([
    { how: 'as the login user', sudo: false },
    { how: 'under sudo', sudo: true },
  ])('stops the remote processes on abort ($how) and rejects with AbortError', async ({ sudo }) => {
    const marker = `${sudo ? 31 : 30}.${tag}`;
    const controller = new AbortController();
    // A compound command: its children must go too, not just the shell.
    const running = exec(host, `sleep ${marker}; echo never`, { sudo, signal: controller.signal, label: 'wait a while' });
    expect(await eventually(() => processesMatching(`sleep ${marker}`).length > 0)).toBe(true);
    controller.abort();
    const error = (await running.catch((e: unknown) => e)) as RemoteCommandAbortedError;
    expect(error).toBeInstanceOf(RemoteCommandAbortedError);
    expect(error.name).toBe('AbortError');
    expect(error.message).toContain('"wait a while" on shop');
    expect(await eventually(() => processesMatching(`sleep ${marker}`).length === 0)).toBe(true);
  });

  it('stops the remote process on timeout and names host and label', async () => {
    const marker = `32.${tag}`;
    const error = (await exec(host, `sleep ${marker}`, { timeoutMs: 500, label: 'slow step' }).catch((e: unknown) => e)) as RemoteCommandTimeoutError;
    expect(error).toBeInstanceOf(RemoteCommandTimeoutError);
    expect(error.message).toContain('"slow step" on shop');
    expect(await eventually(() => processesMatching(`sleep ${marker}`).length === 0)).toBe(true);
  });

  it('rejects at once when already aborted, without starting anything', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(exec(host, 'touch /tmp/never', { signal: controller.signal })).rejects.toBeInstanceOf(RemoteCommandAbortedError);
  });

  it('leaves the connection usable after aborts and timeouts', async () => {
    expect((await exec(host, 'echo still here')).stdout).toBe('still here\n');
    expect(pool.connectCount).toBe(1);
  });
});
