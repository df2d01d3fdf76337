import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import type { Call } from '../../../src/sandbox/emulation/host.js';
import { runOn, testWorld } from '../simulated/helpers.js';

/**
 * One emulation of the hosts (src/sandbox/emulation), for the sandbox and the lab alike: the simulated hosts
 * answer every emulated command through its registry (a command answered elsewhere would be missing from
 * `answered`), and the lab's adapter has no command of its own — its files load the emulation and nothing
 * else (test/lab/lab.test.ts checks on a running lab that its calls were answered by the built copy).
 */

const answered: string[] = [];
vi.mock('../../../src/sandbox/emulation/commands.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../../src/sandbox/emulation/commands.js')>();
  return { ...actual, runEmulated: (call: Call) => (answered.push(call.name), actual.runEmulated(call)) };
});

describe('one host emulation', () => {
  it('answers every command of the sandbox hosts from the emulation registry', async () => {
    const { EMULATED_COMMANDS } = await import('../../../src/sandbox/emulation/commands.js');
    const host = (await testWorld()).host('ecommerce');
    const script = [
      'apt-get -q update',
      'apt -y install docker.io docker-compose-v2 mariadb-client',
      'dpkg -s docker.io',
      'systemctl is-active docker',
      'docker --version',
      'snap list',
      'gitlab-ctl status',
      'curl -sS -m 2 http://localhost:1/',
      'ping -c 1 127.0.0.1',
      'gpg --version',
      'mariadb --version; mysql --version; mariadb-dump; mysqldump',
    ].join('; ');
    await runOn(host, script, { sudo: true });
    const expected = Object.keys(EMULATED_COMMANDS).filter((name) => name !== 'gitlab-ctl');
    expect([...new Set(answered)].sort()).toEqual(expected.sort());
    // gitlab-ctl comes with gitlab-ce, which this host never installed: not there, not answered.
    expect(answered).not.toContain('gitlab-ctl');
  });

  it("the lab's adapter loads the emulation and implements no command itself; the old stand-ins are gone", () => {
    const dir = 'test/lab/emulation';
    expect(readdirSync(dir).sort()).toEqual(['host.mjs', 'lab-host.mjs', 'serve.mjs']);
    for (const file of readdirSync(dir)) {
      const imports = [...readFileSync(`${dir}/${file}`, 'utf8').matchAll(/(?:from |import\()'([^']+)'/g)].map((m) => m[1] as string);
      expect(imports.filter((path) => path.startsWith('.') && !path.startsWith('../emulation/') && path !== './lab-host.mjs'), file).toEqual([]);
    }
    expect(existsSync('test/lab/standins')).toBe(false);
    expect(existsSync('src/sandbox/simulated/commands')).toBe(false);
  });
});
