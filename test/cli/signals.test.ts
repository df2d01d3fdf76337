import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collect, projectDir, runCli, spawnCli } from '../helpers/cli.js';
import { alive, outputMatches, until } from './interrupt-helpers.js';

/** The moto processes started by this pid (its children whose command line names moto). */
function motoChildren(pid: number): number[] {
  let output = '';
  try {
    output = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there is none
  }
  return output
    .split('\n')
    .filter((line) => /moto/.test(line))
    .map((line) => Number(line.trim().split(/\s+/)[0]));
}

/** A test that fails must not leave its moto behind (by pid: only the one this test's tool started). */
function killIfAlive(pid: number): void {
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

/** A private TMPDIR for the tool, so what it leaves in its temporary directory can be listed. */
async function privateTmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'awsrb-tmp-'));
}

describe('signals with no command handler installed: a normal exit, so moto and the temporary directories go', () => {
  it('SIGTERM while moto is starting (--sandbox plan): exit 143, its moto is gone, nothing is left in TMPDIR', async () => {
    const tmp = await privateTmp();
    const child = spawnCli(['--sandbox', 'plan'], { cwd: await projectDir('SigStart'), env: { TMPDIR: tmp } });
    const done = collect(child);
    const moto = await until('moto to be started', async () => motoChildren(child.pid!)[0]);
    try {
      expect(alive(moto)).toBe(true);
      expect((await readdir(tmp)).some((name) => name.startsWith('aws-runbook-amis-'))).toBe(true);
      child.kill('SIGTERM');
      const result = await done;
      expect(result.signal).toBeNull();
      expect(result.code).toBe(143);
      await until('moto to be gone', async () => (alive(moto) ? undefined : true), 3000);
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      killIfAlive(moto);
    }
  }, 30_000);

  it('SIGINT right after the sandbox banner (the throwaway state dir made, the hosts loading): exit 130, moto and the throwaway dir are gone', async () => {
    const tmp = await privateTmp();
    const child = spawnCli(['--sandbox', 'plan'], { cwd: await projectDir('SigBanner'), env: { TMPDIR: tmp } });
    const done = collect(child);
    await Promise.race([outputMatches(child, 'stderr', /^SANDBOX — nothing real is created/m), done]);
    const moto = motoChildren(child.pid!);
    try {
      expect(moto).toHaveLength(1);
      expect((await readdir(tmp)).filter((name) => name.startsWith('aws-runbook-sandbox-'))).toHaveLength(1);
      child.kill('SIGINT');
      const result = await done;
      expect(result.signal).toBeNull();
      expect(result.code).toBe(130);
      expect(result.stdout).toBe(''); // stopped before the plan: no command handler caught it
      await until('moto to be gone', async () => (alive(moto[0]!) ? undefined : true), 3000);
      expect(await readdir(tmp)).toEqual([]);
    } finally {
      moto.forEach(killIfAlive);
    }
  }, 30_000);
});

describe('a rehearsal keeps its run log after its throwaway state is gone', () => {
  it('Ctrl-C during `--sandbox up --yes`: the message names the log, which still exists (0600, redacted JSON lines, closed)', async () => {
    const tmp = await privateTmp();
    const child = spawnCli(['--sandbox', 'up', '--yes', '--only', 'network'], { cwd: await projectDir('SigLog'), env: { TMPDIR: tmp } });
    const done = collect(child);
    // The first finished step: the run is under way (network takes seconds at the rehearsal's time scale).
    await Promise.race([outputMatches(child, 'stdout', /\[network\] ✓ /), done]);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code, result.stderr).toBe(130);
    const logPath = /The run's log \(JSON lines, secrets redacted\): (\S+)/.exec(result.stderr)?.[1];
    expect(logPath).toBeDefined();
    const logDir = join(tmp, 'aws-runbook-sandbox-logs');
    expect(logPath!.startsWith(`${logDir}/`)).toBe(true);
    expect((await stat(logPath!)).mode & 0o777).toBe(0o600);
    expect((await stat(logDir)).mode & 0o777).toBe(0o700);
    const records = (await readFile(logPath!, 'utf8')).trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(records[0]).toMatchObject({ type: 'session-opened', command: 'up', sandbox: true });
    expect(records.some((r) => r.type === 'run-finished')).toBe(true);
    expect(records.at(-1)).toMatchObject({ type: 'session-closed' });
    // The throwaway state went with the session; the log is all that is left.
    expect(await readdir(tmp)).toEqual(['aws-runbook-sandbox-logs']);
  }, 60_000);
});

describe('--version', () => {
  it('prints the version from package.json (-V too) and exits 0', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const cwd = await projectDir('Version');
    for (const flag of ['--version', '-V']) {
      const result = await runCli([flag], { cwd });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
      expect(result.stderr).toBe('');
    }
  });
});
