import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { destinationOf, isAllowed, REFUSED_MARKER } from './socket-guard.mjs';

const GUARD = pathToFileURL(join(import.meta.dirname, 'socket-guard.mjs')).href;
const run = promisify(execFile);

/** A Node child with the guard loaded, as the spawned tool has it. Only what the guard decides is printed. */
async function inGuardedChild(script: string, env: Record<string, string> = {}) {
  const { stdout, stderr } = await run(process.execPath, ['--import', GUARD, '--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
    timeout: 10_000,
  });
  return { stdout, stderr };
}

describe('the tests\' network guard', () => {
  it('reads the destination of every form of Socket#connect', () => {
    expect(destinationOf([{ host: '10.1.1.10', port: 22 }]).text).toBe('10.1.1.10:22');
    expect(destinationOf([[{ port: 4566 }, () => undefined]]).text).toBe('localhost:4566');
    expect(destinationOf([443, 'sts.us-east-2.amazonaws.com']).text).toBe('sts.us-east-2.amazonaws.com:443');
    expect(destinationOf([{ path: '/run/x.sock' }])).toMatchObject({ path: '/run/x.sock' });
  });

  it('allows loopback and Unix sockets only, by default', () => {
    for (const host of ['127.0.0.1', '127.3.4.5', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost']) expect(isAllowed({ host, text: host }), host).toBe(true);
    expect(isAllowed({ path: '/tmp/s', text: '/tmp/s' })).toBe(true);
    // moto's invented addresses, the lab's, a public one, a name (DNS would leave the machine).
    for (const host of ['10.1.1.10', '198.51.100.10', '3.149.236.21', '0.0.0.0', 'sts.us-east-2.amazonaws.com', '2600:1f16::1']) {
      expect(isAllowed({ host, text: host }), host).toBe(false);
    }
  });

  it('refuses a connect outside loopback before it is made, and says so on stderr behind the marker', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): were the guard to let it through, nothing would answer anyway.
    const { stdout, stderr } = await inGuardedChild(
      "import net from 'node:net'; const s = net.connect({ host: '192.0.2.1', port: 9 }); s.on('error', (e) => { console.log('error:', e.message); }); s.on('connect', () => console.log('connected'));",
    );
    expect(stdout).toContain(`error: ${REFUSED_MARKER} a connect to 192.0.2.1:9`);
    expect(stdout).not.toContain('connected');
    expect(stderr).toContain(`${REFUSED_MARKER} a connect to 192.0.2.1:9`);
  });

  it('a fetch to an AWS endpoint is refused too (undici goes through the same connect)', async () => {
    const { stdout, stderr } = await inGuardedChild(
      "try { await fetch('http://ec2.us-east-2.amazonaws.com/'); console.log('fetched'); } catch (e) { console.log('refused:', String(e.cause?.message ?? e.message)); }",
    );
    expect(stdout).toMatch(/^refused: .*\[test network guard\] refused a connect to ec2\.us-east-2\.amazonaws\.com:80/m);
    expect(stderr).toContain(REFUSED_MARKER);
  });

  it('AWSRB_GUARD_ALLOW adds the lab\'s own ranges, and only those', async () => {
    const { stdout } = await inGuardedChild(
      "import { isAllowed } from '" + GUARD + "'; console.log(['10.3.1.10', '198.51.100.11', '10.4.0.1'].map((host) => isAllowed({ host, text: host })).join(','));",
      { AWSRB_GUARD_ALLOW: '10.1.0.0/16,10.2.0.0/16,10.3.0.0/16,198.51.100.0/24' },
    );
    expect(stdout.trim()).toBe('true,true,false');
  });
});
