import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Gateway, NonLoopbackTargetError } from '../../src/sandbox/gateway.js';
import { MotoMissingError } from '../../src/sandbox/moto.js';
import { startSandbox } from '../../src/sandbox/sandbox.js';
import { serveSandbox } from '../../src/sandbox/serve.js';
import { clientsFor, fakeAuthorization } from './clients.js';

/** Child processes of this test worker whose command line mentions moto. */
function motoChildren(): string[] {
  const output = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return output.split('\n').filter((line) => /moto/.test(line));
}

async function refusesConnections(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

describe('startSandbox', () => {
  it('serves AWS calls through the gateway and leaves no process or port behind when stopped', async () => {
    const sandbox = await startSandbox();
    const identity = await clientsFor(sandbox.endpoint).sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe('123456789012');
    expect(sandbox.gateway.log.map((entry) => entry.action)).toEqual(['GetCallerIdentity']);
    expect(motoChildren()).toHaveLength(1);

    await sandbox.stop();
    expect(motoChildren()).toEqual([]);
    expect(await refusesConnections(sandbox.endpoint)).toBe(true);
    expect(await refusesConnections(sandbox.motoEndpoint)).toBe(true);
  });

  it('passes MotoMissingError through when moto is not installed', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent-dir-for-sandbox-test';
    try {
      await expect(startSandbox()).rejects.toBeInstanceOf(MotoMissingError);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('Gateway.start', () => {
  it.each(['http://10.1.2.3:5000', 'http://s3.amazonaws.com', 'https://127.0.0.1:5000'])('refuses the non-loopback target %s', async (target) => {
    await expect(Gateway.start({ target })).rejects.toBeInstanceOf(NonLoopbackTargetError);
  });
});

describe('serveSandbox', () => {
  it('prints how to use it, serves the control API, and stops everything on abort', async () => {
    const lines: string[] = [];
    const stop = new AbortController();
    let announce!: () => void;
    const announced = new Promise<void>((resolve) => (announce = resolve));
    const serving = serveSandbox({
      write: (line) => {
        lines.push(line);
        if (line.startsWith('Press Ctrl-C')) announce();
      },
      signal: stop.signal,
    });
    await Promise.race([announced, serving]);
    const endpoint = lines.join('\n').match(/Sandbox serving at (http:\/\/127\.0\.0\.1:\d+)/)?.[1];
    expect(endpoint).toBeDefined();
    const text = lines.join('\n');
    expect(text).toContain(`aws --endpoint-url ${endpoint} ec2 describe-vpcs`);
    expect(text).toContain('AWS_ACCESS_KEY_ID=testing');
    expect(text).toContain(`${endpoint}/_sandbox/faults`);
    // The control token is printed once, ready to export; the curl lines send it.
    const token = /^ {2}export AWS_RUNBOOK_SANDBOX_TOKEN=([\w-]{43})\b/m.exec(text)?.[1];
    expect(token).toBeDefined();
    expect(text).toContain(`curl -H "Authorization: Bearer $AWS_RUNBOOK_SANDBOX_TOKEN" ${endpoint}/_sandbox/log`);

    expect((await fetch(`${endpoint}/_sandbox/log`)).status).toBe(401);
    const log = (await (await fetch(`${endpoint}/_sandbox/log`, { headers: { authorization: `Bearer ${token}` } })).json()) as { counts: { total: number } };
    expect(log.counts.total).toBe(0);

    stop.abort();
    await serving;
    expect(lines.at(-1)).toBe('Sandbox stopped.');
    expect(await refusesConnections(endpoint!)).toBe(true);
    expect(motoChildren()).toEqual([]);
  });
});

describe('Gateway without moto behind it', () => {
  it('answers 502 and logs it when the target does not answer', async () => {
    const gateway = await Gateway.start({ target: 'http://127.0.0.1:9' });
    try {
      const response = await fetch(gateway.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: fakeAuthorization('ec2') },
        body: 'Action=DescribeVpcs&Version=2016-11-15',
      });
      expect(response.status).toBe(502);
      expect(gateway.log).toMatchObject([{ service: 'ec2', action: 'DescribeVpcs', status: 502 }]);
    } finally {
      await gateway.stop();
    }
  });
});
