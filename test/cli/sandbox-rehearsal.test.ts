import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SECTION_IDS } from '../../src/engine/types.js';
import { runCli } from '../helpers/cli.js';

/**
 * Loaded into the tool's process (NODE_OPTIONS=--import): every socket connect it makes is appended to
 * a log, so the test can prove a whole rehearsal talks to loopback only (moto and the gateway).
 */
const SOCKET_GUARD = `
import net from 'node:net';
import { appendFileSync } from 'node:fs';
const log = process.env.AWSRB_SOCKET_LOG;
const original = net.Socket.prototype.connect;
function where(args) {
  const [first, second] = args;
  if (Array.isArray(first)) return where(first);
  if (first && typeof first === 'object') return first.path ?? \`\${first.host ?? 'localhost'}:\${first.port}\`;
  return \`\${typeof second === 'string' ? second : 'localhost'}:\${first}\`;
}
net.Socket.prototype.connect = function (...args) {
  appendFileSync(log, where(args) + '\\n');
  return original.apply(this, args);
};
`;

describe('aws-runbook --sandbox up --yes (the rehearsal a new user runs)', () => {
  it('walks every section, hosts and backup included, on simulated hosts, and connects to nothing but loopback', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'awsrb-rehearsal-cli-'));
    const guard = join(cwd, 'socket-guard.mjs');
    const log = join(cwd, 'sockets.log');
    await writeFile(guard, SOCKET_GUARD);
    await writeFile(log, '');
    const result = await runCli(['--sandbox', 'up', '--yes'], {
      cwd,
      env: { HOME: cwd, NODE_OPTIONS: `--import=${pathToFileURL(guard).href}`, AWSRB_SOCKET_LOG: log },
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    for (const section of SECTION_IDS) expect(result.stdout).toMatch(new RegExp(`■ section ${section} ok`));
    for (const step of ['hosts.login.ia', 'hosts.docker.ecommerce', 'hosts.shop', 'hosts.wordpress', 'hosts.gitlab-ce.gitlab', 'hosts.uptime-kuma.monitoring', 'backup.db-user', 'backup.timer']) {
      expect(result.stdout).toMatch(new RegExp(`✓ ${step.replaceAll('.', '\\.')} `));
    }
    expect(result.stdout).toMatch(/run ok/);
    expect(result.stderr).toMatch(/hosts are simulated in this process: nothing connects anywhere/);
    expect(result.stderr).toMatch(/stand-in shop/);
    expect(result.stderr).toMatch(/fake test keys/);
    expect(result.stdout + result.stderr).not.toMatch(/sk_test_AwsRunbookSandbox/);

    const sockets = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    expect(sockets.length).toBeGreaterThan(10);
    expect(sockets.filter((to) => !/^(127\.0\.0\.1|localhost):\d+$/.test(to))).toEqual([]);
    // The rehearsal's throwaway directory (state, key, stand-in source) is gone with it.
    expect(existsSync(join(cwd, '.aws-runbook'))).toBe(false);
  }, 180_000);
});
