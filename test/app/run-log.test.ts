import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEPT_LOGS, logDirFor, RunLog, sandboxLogDir, THROWAWAY_STATE_PREFIX } from '../../src/app/run-log.js';
import { SecretRedactor } from '../../src/state/redact.js';

describe('RunLog', () => {
  it('writes JSON lines (0600) with secrets redacted, also in their JSON-escaped form, and mirrors each line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'awsrb-log-'));
    const redactor = new SecretRedactor();
    const mirrored: string[] = [];
    const log = await RunLog.open(dir, 'up', redactor, (line) => mirrored.push(line));
    log.write('step-progress', { stepId: 'hosts.shop', message: 'before the secret is known: nothing to hide' });
    redactor.add('sk_test_51Hunter2"quoted');
    log.write('step-progress', { stepId: 'hosts.shop', message: 'writing STRIPE_SECRET_KEY=sk_test_51Hunter2"quoted' });
    await log.close();
    log.write('ignored', {});
    const text = await readFile(log.path, 'utf8');
    expect(text).not.toContain('Hunter2');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ type: 'step-progress', stepId: 'hosts.shop', message: 'writing STRIPE_SECRET_KEY=[redacted]' });
    expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(mirrored).toEqual(text.trim().split('\n'));
    expect((await stat(log.path)).mode & 0o777).toBe(0o600);
    expect(log.path).toMatch(new RegExp(`^${dir}/logs/\\d{4}-.*-up-${process.pid}\\.jsonl$`));
  });

  it(`keeps the newest ${KEPT_LOGS} logs`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'awsrb-log-'));
    await mkdir(join(dir, 'logs'));
    for (let i = 0; i < KEPT_LOGS + 5; i += 1) await writeFile(join(dir, 'logs', `2020-01-01T00-00-${String(i).padStart(2, '0')}-000Z-up-1.jsonl`), '{}\n');
    const log = await RunLog.open(dir, 'down', new SecretRedactor());
    await log.close();
    const names = (await readdir(join(dir, 'logs'))).sort();
    expect(names).toHaveLength(KEPT_LOGS);
    expect(names.at(-1)).toBe(log.path.split('/').at(-1));
    expect(names[0]).toBe(`2020-01-01T00-00-06-000Z-up-1.jsonl`);
  });

  it('a rehearsal whose state is thrown away logs where the log outlives it; any other state keeps its logs with it', async () => {
    const throwaway = await mkdtemp(join(tmpdir(), THROWAWAY_STATE_PREFIX));
    expect(logDirFor(throwaway, { sandbox: true })).toBe(sandboxLogDir());
    // The same directory outside a sandbox run, a sandbox run with --state, a look-alike elsewhere: their own logs/.
    expect(logDirFor(throwaway, { sandbox: false })).toBe(join(throwaway, 'logs'));
    const chosen = await mkdtemp(join(tmpdir(), 'awsrb-state-'));
    expect(logDirFor(chosen, { sandbox: true })).toBe(join(chosen, 'logs'));
    const nested = join(chosen, `${THROWAWAY_STATE_PREFIX}x`);
    expect(logDirFor(nested, { sandbox: true })).toBe(join(nested, 'logs'));

    const log = await RunLog.openIn(sandboxLogDir(), 'tui', new SecretRedactor());
    log.write('session-opened', {});
    await log.close();
    expect(log.path.startsWith(`${sandboxLogDir()}/`)).toBe(true);
    expect((await stat(sandboxLogDir())).mode & 0o777).toBe(0o700);
    expect((await stat(log.path)).mode & 0o777).toBe(0o600);
  });
});
