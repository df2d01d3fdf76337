import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { motoEnvironment, startMoto, type MotoServer } from '../../src/sandbox/moto.js';

/** The operator's own secrets, as they might be exported in the shell that runs the tool. */
const OPERATOR_SECRETS = {
  AWS_ACCESS_KEY_ID: 'AKIAOPERATORREALKEY01',
  AWS_SECRET_ACCESS_KEY: 'operator-real-secret-access-key-0123456789',
  AWS_SESSION_TOKEN: 'operator-real-session-token-0123456789',
  AWS_PROFILE: 'production',
  STRIPE_SECRET_KEY: 'sk_live_operatorRealStripeKey0123456789',
  STRIPE_PUBLISHABLE_KEY: 'pk_live_operatorRealStripeKey0123456789',
  GITHUB_TOKEN: 'ghp_operatorRealToken0123456789',
};

/** A process's environment as the kernel keeps it (proc(5): NUL-separated NAME=value). */
function environOf(pid: number): Map<string, string> {
  const entries = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return new Map(entries.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

/** The pid and every descendant of it (moto's launcher may exec or fork python). */
function processTree(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 1).trim().split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  return tree;
}

let moto: MotoServer;
const saved: Record<string, string | undefined> = {};
beforeAll(async () => {
  for (const [name, value] of Object.entries({ ...OPERATOR_SECRETS, LC_ALL: 'C.UTF-8', MOTO_ALLOW_NONEXISTENT_REGION: 'false' })) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  moto = await startMoto({ env: { MOTO_AMIS_PATH: '/nonexistent/amis.json' } });
});
afterAll(async () => {
  await moto?.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe("moto's environment", () => {
  it('holds PATH, HOME, the locale and moto settings, never the operator’s credentials or keys (read from /proc/PID/environ)', () => {
    const tree = processTree(moto.pid);
    expect(tree.length).toBeGreaterThanOrEqual(1);
    for (const pid of tree) {
      const env = environOf(pid);
      for (const [name, value] of Object.entries(OPERATOR_SECRETS)) {
        expect(env.has(name), `${name} in pid ${pid}'s environment`).toBe(false);
        expect([...env.values()].some((v) => v.includes(value)), `the value of ${name} in pid ${pid}'s environment`).toBe(false);
      }
    }
    const env = environOf(moto.pid);
    expect(env.get('HOME')).toBe(process.env.HOME);
    expect(env.get('LC_ALL')).toBe('C.UTF-8');
    expect(env.get('MOTO_AMIS_PATH')).toBe('/nonexistent/amis.json');
    expect(env.get('MOTO_ALLOW_NONEXISTENT_REGION')).toBe('false');
    expect(env.has('PATH')).toBe(true);
  });

  it('motoEnvironment keeps names by rule, not by guess', () => {
    const env = motoEnvironment({ PATH: '/bin', HOME: '/h', LANG: 'C', LC_TIME: 'C', MOTO_X: '1', PYTHONPATH: '/p', AWS_REGION: 'us-east-2', NODE_OPTIONS: '--x', ...OPERATOR_SECRETS });
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', LANG: 'C', LC_TIME: 'C', MOTO_X: '1', PYTHONPATH: '/p' });
  });
});
