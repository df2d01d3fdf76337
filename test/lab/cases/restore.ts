import { expect, it } from 'vitest';
import { shellQuote } from '../../../src/ssh/remote-command.js';
import { assertNoRefusedConnects, CLI } from '../../helpers/cli.js';
import { gatewayLog, type GetJourney } from './journey.js';
import { bucketOf, connectsDuring, lastSeq, listKeys, sqlAsApp } from './backup-tools.js';

/**
 * `aws-runbook restore` in the lab, with the real MariaDB: rows changed and deleted after a dump come back,
 * streamed from the sandbox's S3 through the tool and SSH into `gunzip | mariadb` on each app's own host,
 * logged in as the app's own database user (never the master, never the backup account). Ctrl-C stops the
 * remote side. The rows are those backup.ts's beforeAll made.
 */

const ORDERS = 'SELECT id, customer, total, note, HEX(raw) FROM lab_orders ORDER BY id;';

/**
 * `aws-runbook restore ARGS` at a terminal (util-linux `script` gives it a pty), answering `typed` when it
 * asks for the database name. The terminal's output (stdout and stderr together) comes back as `output`.
 */
async function restoreAtTerminal(j: GetJourney, args: string[], typed: string): Promise<{ code: number | undefined; output: string }> {
  const { run, keys, printed } = j();
  const command = [process.execPath, CLI, 'restore', ...args, '--endpoint-url', run.endpoint].map(shellQuote).join(' ');
  const child = run.lab.runInOperator('script', ['-qec', command, '/dev/null'], { cwd: run.cwd, env: run.toolEnv(keys), extendEnv: false, reject: false, timeout: 90_000 });
  let output = '';
  let answered = false;
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (!answered && output.includes('anything else to cancel: ')) {
      answered = true;
      child.stdin?.write(`${typed}\n`);
    }
  });
  const result = await child;
  printed.push(output, String(result.stderr));
  return { code: result.exitCode, output };
}
const POSTS = 'SELECT id, title, MD5(body) FROM lab_posts ORDER BY id;';

/** Phase 3, right after the journey's one backup. */
export function restoreRoundTrip(j: GetJourney): void {
  it('restore brings back changed and deleted rows, as each app’s own user through its own host; nothing read the master secret', async () => {
    const { run, tool } = j();
    const bucket = await bucketOf(run);
    const [shopDump, wordpressDump] = [(await listKeys(run, 'backups/shop/')).at(-1)?.Key, (await listKeys(run, 'backups/wordpress/')).at(-1)?.Key];
    expect(shopDump).toBeDefined();
    const orders = await sqlAsApp(run, 'shop', ORDERS);
    const posts = await sqlAsApp(run, 'wordpress', POSTS);
    expect([orders.length, posts.length]).toEqual([2002, 500]);

    // After the dump: rows deleted and changed, one added, the trigger dropped; WordPress's rows all gone.
    await sqlAsApp(run, 'shop', "DELETE FROM lab_orders WHERE id <= 10; UPDATE lab_orders SET customer = 'changed', raw = NULL WHERE id > 1990; INSERT INTO lab_orders (id, customer) VALUES (99999, 'after the dump'); DROP TRIGGER lab_orders_audit;");
    await sqlAsApp(run, 'wordpress', 'DELETE FROM lab_posts;');
    expect(await sqlAsApp(run, 'shop', ORDERS)).not.toEqual(orders);

    const since = await lastSeq(run);
    const from = ['--from', `s3://${bucket}/${wordpressDump}`];
    const { value: results, connects } = await connectsDuring(run, async () => ({
      // The newest dump of shop by default, without a terminal: --yes.
      shop: await tool(['restore', '--database', 'shop', '--yes']),
      // WordPress's named by its key, as `backup` printed it, at a terminal: a wrong name restores nothing; its name does.
      refused: await restoreAtTerminal(j, from, 'shop'),
      wordpress: await restoreAtTerminal(j, from, 'wordpress'),
    }));
    const { shop, refused, wordpress } = results;
    expect(shop.code, `${shop.stdout}\n${shop.stderr}`).toBe(0);
    expect(shop.stdout).toContain(`Restore s3://${bucket}/${shopDump} (`);
    expect(shop.stdout).toMatch(new RegExp(`Restored shop from s3://${bucket}/${shopDump}: [\\d.]+ (B|KiB|MiB) streamed in`));
    expect([refused.code, refused.output]).toEqual([1, expect.stringContaining('Not confirmed: nothing was restored.')]);
    expect(wordpress.code, wordpress.output).toBe(0);
    expect(wordpress.output).toMatch(/into the database wordpress, as its user wordpress, through wordpress\./);
    expect(wordpress.output).toMatch(/Type the database name \(wordpress\) to restore it, anything else to cancel: /);
    expect(wordpress.output).toContain(`Restored wordpress from s3://${bucket}/${wordpressDump}`);

    expect(await sqlAsApp(run, 'shop', ORDERS)).toEqual(orders);
    expect(await sqlAsApp(run, 'wordpress', POSTS)).toEqual(posts);
    expect(await sqlAsApp(run, 'shop', "SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = 'shop';")).toEqual(['lab_orders_audit']);
    expect(await sqlAsApp(run, 'shop', "SELECT EVENT_NAME FROM information_schema.EVENTS WHERE EVENT_SCHEMA = 'shop';")).toEqual(['lab_nightly']);

    // Each as the app's own user from its own host (ecommerce 10.1.1.10, wordpress 10.1.1.11), nobody else;
    // the refused one not at all.
    expect(connects.map((c) => c.replace(/ .*$/, '')).sort()).toEqual(['shop@10.1.1.10', 'wordpress@10.1.1.11']);
    expect((await gatewayLog(run)).filter((e) => e.seq > since && e.service === 'secretsmanager').map((e) => e.action)).toEqual([]);
  }, 120_000);
}

/** Phase 5 (from backup-failures.ts): Ctrl-C in the middle of restoring a big dump of WordPress's database. */
export function restoreInterrupted(j: GetJourney, bigTable: string): void {
  it('Ctrl-C during a restore stops gunzip | mariadb on the host: exit 130, nothing left running', async () => {
    const { run, tool, printed } = j();
    await sqlAsApp(run, 'wordpress', bigTable);
    try {
      const dumped = await tool(['backup', '--database', 'wordpress']);
      expect(dumped.code, dumped.stderr).toBe(0);
      const key = /Uploaded s3:\/\/[^/]+\/(backups\/wordpress\/\S+\.sql\.gz):/.exec(dumped.stdout)?.[1] ?? '';
      expect(key).not.toBe('');
      const child = run.lab.runInOperator(process.execPath, [CLI, 'restore', '--from', key, '--yes', '--endpoint-url', run.endpoint], {
        cwd: run.cwd,
        env: run.toolEnv(),
        extendEnv: false,
        reject: false,
        timeout: 90_000,
      });
      const running = async () => (await run.lab.exec('wordpress', 'pgrep -f "^mariadb --defaults-extra-file=/dev/fd/.* wordpress$" || true')).stdout.trim();
      // Until the restore's mariadb runs on the host (the stream is under way).
      for (let i = 0; i < 300 && !(await running()); i += 1) await new Promise((r) => setTimeout(r, 100));
      expect(await running()).not.toBe('');
      child.kill('SIGINT');
      const result = await child;
      printed.push(String(result.stdout), String(result.stderr));
      assertNoRefusedConnects(String(result.stderr));
      expect(result.exitCode, String(result.stderr)).toBe(130);
      expect(String(result.stderr)).toMatch(/Stopped: the restore of wordpress was interrupted and `gunzip \| mariadb` on wordpress stopped; the database may be partly restored/);
      let left = '';
      // Up to 15 s: on a loaded 2-core machine the TERM takes a while to travel through sshd.
      for (let i = 0; i < 150; i += 1) {
        left = (await run.lab.exec('wordpress', 'pgrep -f "^gunzip -c$|^mariadb --defaults-extra-file=/dev/fd/" || true')).stdout.trim();
        if (!left) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(left).toBe('');
    } finally {
      await sqlAsApp(run, 'wordpress', 'DROP TABLE IF EXISTS lab_big;');
    }
  }, 150_000);
}
