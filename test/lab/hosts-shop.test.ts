import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quoteIdentifier, quoteString } from '../../src/tasks/hosts/db-users-sql.js';
import { parseEnvFile } from '../../src/tasks/hosts/shop/env-file.js';
import { packShopFixture, testStripeKeys } from '../fixtures/shop/index.js';
import { ensureLabUser } from '../helpers/lab-user.js';
import type { LabCall } from './lab.js';
import { startLabRun, type LabRun } from './lab-run.js';

/**
 * The shop (Rocket eCommerce stand-in from test/fixtures/shop) and WordPress set up by `up` over real SSH
 * in the lab, with their own users on the lab's real MariaDB (playing RDS). docker and apt-get are the
 * lab's recording stand-ins; SSH, uploads and modes, sudo, curl and MariaDB are real. Secrets (Stripe
 * keys, the master password, the apps' DB passwords) must appear nowhere on the operator's side.
 */

const SECTIONS = 'network,peering,security,database,storage,compute,hosts';
const DB_HOST = '10.1.2.10';

let run: LabRun;
let archiveDir: string;
const keys = testStripeKeys();
/** Everything the tool printed, in every run of this file. */
const printed: string[] = [];

async function tool(args: string[], env: Record<string, string> = keys) {
  const result = await run.tool(args, { env });
  printed.push(result.stdout, result.stderr);
  return result;
}
const up = () => tool(['up', '--yes', '--verbose', '--only', SECTIONS]);

/** Runs SQL as an app user from its host (the password in the environment, the SQL on stdin). */
async function sqlAs(host: 'ecommerce' | 'wordpress', user: string, password: string, sql: string): Promise<{ code: number; lines: string[] }> {
  const result = await run.lab.exec(host, `mariadb -h ${DB_HOST} -u ${user} -N -B`, { input: sql, env: { MYSQL_PWD: password } });
  return { code: result.exitCode, lines: result.stdout.split('\n').filter(Boolean) };
}
const adminSql = (sql: string) => sqlAs('ecommerce', run.lab.db.adminUser, run.lab.db.adminPassword(), sql);

const composeCalls = (calls: LabCall[]) => calls.filter((c) => c.argv[0] === 'docker' && c.argv[1] === 'compose' && ['up', 'exec'].includes(c.argv[2] ?? ''));

beforeAll(async () => {
  archiveDir = await mkdtemp(join(tmpdir(), 'hosts-shop-'));
  const archive = await packShopFixture(archiveDir);
  run = await startLabRun({ suffix: 'LabShop', configYaml: `shop:\n  source: ${archive}\n` });
}, 120_000);

afterAll(async () => {
  await run?.stop();
  await rm(archiveDir, { recursive: true, force: true });
});

describe('the shop and WordPress in the lab', () => {
  it('refuses to start (exit 2, state untouched) without usable Stripe keys or shop source, naming what is wrong', async () => {
    const missing = await tool(['up', '--yes', '--only', SECTIONS], { STRIPE_PUBLISHABLE_KEY: keys.STRIPE_PUBLISHABLE_KEY });
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/STRIPE_SECRET_KEY: is not set/);

    const typo = `sk_tset_${keys.STRIPE_SECRET_KEY.slice(8)}`;
    const malformed = await tool(['up', '--yes', '--only', SECTIONS], { ...keys, STRIPE_SECRET_KEY: typo });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/STRIPE_SECRET_KEY: does not look like a Stripe secret key/);
    expect(malformed.stderr + malformed.stdout).not.toContain(typo.slice(8));

    writeFileSync(join(run.cwd, 'no-source.yaml'), readFileSync(join(run.cwd, 'aws-runbook.yaml'), 'utf8').replace(/source: .*/, 'source: /nonexistent/rocket.tar.gz'));
    const noSource = await tool(['up', '--yes', '--only', SECTIONS, '--config', 'no-source.yaml']);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/shop\.source: "\/nonexistent\/rocket\.tar\.gz" does not exist/);

    expect(existsSync(join(run.cwd, '.aws-runbook', 'state.json'))).toBe(false);
  }, 60_000);

  it('up --yes installs the shop: source in /opt/shop, .env 0600 for ubuntu, compose up and migrations, HTTP on 8000', async () => {
    const result = await up();
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const state = await run.state();
    expect(state.steps['hosts.shop']?.status).toBe('done');
    expect(state.steps['hosts.wordpress']?.status).toBe('done');

    expect(existsSync(run.lab.hostPath('ecommerce', '/opt/shop/manage.py'))).toBe(true);
    const envPath = run.lab.hostPath('ecommerce', '/opt/shop/.env');
    const info = statSync(envPath);
    expect(info.mode & 0o777).toBe(0o600);
    expect(info.uid).toBe(ensureLabUser().uid);
    const env = parseEnvFile(readFileSync(envPath, 'utf8'));
    expect([...env.keys()].sort()).toEqual(
      ['ALLOWED_HOSTS', 'DB_ENGINE', 'DB_HOST', 'DB_NAME', 'DB_PASSWORD', 'DB_PORT', 'DB_USER', 'DEBUG', 'SECRET_KEY', 'SHOP_PORT', 'STRIPE_PUBLISHABLE_KEY', 'STRIPE_SECRET_KEY'].sort(),
    );
    expect(env.get('DEBUG')).toBe('False');
    expect(env.get('DB_ENGINE')).toBe('mysql');
    expect(env.get('DB_HOST')).toBe(DB_HOST);
    expect(env.get('DB_USER')).toBe('shop');
    expect(env.get('STRIPE_SECRET_KEY')).toBe(keys.STRIPE_SECRET_KEY);
    expect(env.get('ALLOWED_HOSTS')?.split(',')).toContain('localhost');

    const calls = composeCalls(await run.lab.calls('ecommerce')).map((c) => `${c.cwd}: ${c.argv.join(' ')}`);
    expect(calls).toEqual(['/opt/shop: docker compose up -d --build', '/opt/shop: docker compose exec -T web python manage.py migrate --noinput']);
    // The stand-in container answers where the step's own check looked.
    expect((await run.lab.exec('ecommerce', "curl -s -o /dev/null -w '%{http_code}' http://localhost:8000/")).stdout).toBe('200');
  }, 120_000);

  it('the shop user logs in to RDS and sees only its own database; WordPress has its own user and database', async () => {
    const shopPassword = parseEnvFile(readFileSync(run.lab.hostPath('ecommerce', '/opt/shop/.env'), 'utf8')).get('DB_PASSWORD') ?? '';
    const shop = await sqlAs('ecommerce', 'shop', shopPassword, 'SHOW DATABASES;');
    expect(shop).toEqual({ code: 0, lines: ['information_schema', 'shop'] });
    const grants = await sqlAs('ecommerce', 'shop', shopPassword, 'SHOW GRANTS;');
    expect(grants.lines.some((line) => /^GRANT ALL PRIVILEGES ON `shop`\.\* TO `shop`@`%`$/.test(line))).toBe(true);
    expect(grants.lines.filter((line) => line.includes('*.*')).every((line) => line.startsWith('GRANT USAGE ON *.*'))).toBe(true);

    const wpEnvPath = run.lab.hostPath('wordpress', '/opt/wordpress/wordpress.env');
    expect(statSync(wpEnvPath).mode & 0o777).toBe(0o600);
    const wpPassword = parseEnvFile(readFileSync(wpEnvPath, 'utf8')).get('WORDPRESS_DB_PASSWORD') ?? '';
    expect(await sqlAs('wordpress', 'wordpress', wpPassword, 'SHOW DATABASES;')).toEqual({ code: 0, lines: ['information_schema', 'wordpress'] });
    expect(readFileSync(run.lab.hostPath('wordpress', '/opt/wordpress/compose.yaml'), 'utf8')).not.toContain(wpPassword);
    const wpCalls = composeCalls(await run.lab.calls('wordpress')).map((c) => `${c.cwd}: ${c.argv.join(' ')}`);
    expect(wpCalls).toEqual(['/opt/wordpress: docker compose up -d']);
    expect((await run.lab.exec('wordpress', "curl -s -o /dev/null -w '%{http_code}' http://localhost/wp-login.php")).stdout).toBe('302');

    // The quoting the steps rely on, against the real server: what goes in comes back byte for byte.
    const tricky = "it's \\ a `test` \"with\" \n newline; DROP --";
    const echo = await sqlAs('ecommerce', 'shop', shopPassword, `SELECT HEX(${quoteString(tricky)}) AS ${quoteIdentifier('we`ird')};`);
    expect(echo.lines).toEqual([Buffer.from(tricky).toString('hex').toUpperCase()]);
  });

  it('a rerun changes nothing: no-change, no compose, no user statements, .env untouched', async () => {
    const envPath = run.lab.hostPath('ecommerce', '/opt/shop/.env');
    const before = statSync(envPath);
    const callsBefore = { ecommerce: (await run.lab.calls('ecommerce')).length, wordpress: (await run.lab.calls('wordpress')).length };
    expect((await adminSql("SET GLOBAL log_output = 'TABLE'; TRUNCATE mysql.general_log; SET GLOBAL general_log = 'ON';")).code).toBe(0);

    const result = await up();
    await adminSql("SET GLOBAL general_log = 'OFF';");
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/✓ hosts\.shop\s+no-change/);
    expect(result.stdout).toMatch(/✓ hosts\.wordpress\s+no-change/);

    const after = statSync(envPath);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    for (const host of ['ecommerce', 'wordpress'] as const) {
      const newCalls = (await run.lab.calls(host)).slice(callsBefore[host]);
      expect(composeCalls(newCalls).map((c) => c.argv.join(' ')), host).toEqual([]);
      expect(newCalls.filter((c) => c.argv[0] === 'apt-get').map((c) => c.argv.join(' ')), host).toEqual([]);
    }
    const log = await adminSql("SELECT command_type, argument FROM mysql.general_log WHERE command_type IN ('Connect', 'Query');");
    // find logged in as each app (the log was on and saw it) …
    expect(log.lines.some((line) => /^Connect\tshop@/.test(line))).toBe(true);
    expect(log.lines.some((line) => /^Connect\twordpress@/.test(line))).toBe(true);
    // … and nothing created, altered or granted anything.
    expect(log.lines.filter((line) => /^Query\t\s*(CREATE|ALTER|GRANT|DROP|SET PASSWORD)/i.test(line))).toEqual([]);
  }, 120_000);

  it('no secret appears in the state, the tool output or any file of the project', () => {
    const shopEnv = parseEnvFile(readFileSync(run.lab.hostPath('ecommerce', '/opt/shop/.env'), 'utf8'));
    const wpEnv = parseEnvFile(readFileSync(run.lab.hostPath('wordpress', '/opt/wordpress/wordpress.env'), 'utf8'));
    const secrets = {
      stripeSecret: keys.STRIPE_SECRET_KEY,
      masterPassword: run.lab.db.adminPassword(),
      shopDbPassword: shopEnv.get('DB_PASSWORD') ?? 'missing!',
      shopSecretKey: shopEnv.get('SECRET_KEY') ?? 'missing!',
      wordpressDbPassword: wpEnv.get('WORDPRESS_DB_PASSWORD') ?? 'missing!',
    };
    // lab.json is the harness's input to the sandbox (it plays Secrets Manager and holds the master secret).
    const files = listFiles(run.cwd).filter((file) => file !== join(run.cwd, 'lab.json'));
    expect(files).toContain(join(run.cwd, '.aws-runbook', 'state.json'));
    const haystacks = [...printed.map((text, i) => [`tool output ${i}`, text] as const), ...files.map((file) => [file, readFileSync(file, 'latin1')] as const)];
    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThanOrEqual(16);
      for (const [where, text] of haystacks) expect(text.includes(secret), `${name} found in ${where}`).toBe(false);
    }
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : entry.isFile() ? [path] : [];
  });
}
