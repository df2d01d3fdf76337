import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { quoteIdentifier, quoteString } from '../../../src/tasks/hosts/db-users-sql.js';
import { parseEnvFile } from '../../../src/tasks/hosts/shop/env-file.js';
import { ensureLabUser } from '../../helpers/lab-user.js';
import type { LabCall } from '../lab.js';
import { DB_HOST, UP_TO_HOSTS, type GetJourney } from './journey.js';

/**
 * The shop (Rocket eCommerce stand-in from test/fixtures/shop, handed over as the vendor's .zip) and WordPress set
 * up by `up` over real SSH, with their own users on the lab's real MariaDB (playing RDS). docker and
 * apt-get are the lab's recording stand-ins; SSH, uploads and modes, sudo, curl and MariaDB are real.
 * (That no secret shows on the operator's side is secrets.ts.)
 */

const composeCalls = (calls: LabCall[]) => calls.filter((c) => c.argv[0] === 'docker' && c.argv[1] === 'compose' && ['up', 'exec'].includes(c.argv[2] ?? ''));

/** Before anything exists: the refusals leave no state behind. */
export function shopBeforeUp(j: GetJourney): void {
  it('refuses to start (exit 2, state untouched) without usable Stripe keys or shop source, naming what is wrong', async () => {
    const { run, keys, tool } = j();
    const missing = await tool(['up', '--yes', '--only', UP_TO_HOSTS], { env: { STRIPE_PUBLISHABLE_KEY: keys.STRIPE_PUBLISHABLE_KEY } });
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/STRIPE_SECRET_KEY: is not set/);

    const typo = `sk_tset_${keys.STRIPE_SECRET_KEY.slice(8)}`;
    const malformed = await tool(['up', '--yes', '--only', UP_TO_HOSTS], { env: { ...keys, STRIPE_SECRET_KEY: typo } });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(/STRIPE_SECRET_KEY: does not look like a Stripe secret key/);
    expect(malformed.stderr + malformed.stdout).not.toContain(typo.slice(8));

    writeFileSync(join(run.cwd, 'no-source.yaml'), readFileSync(join(run.cwd, 'aws-runbook.yaml'), 'utf8').replace(/source: .*/, 'source: /nonexistent/rocket.tar.gz'));
    const noSource = await tool(['up', '--yes', '--only', UP_TO_HOSTS, '--config', 'no-source.yaml']);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/shop\.source: "\/nonexistent\/rocket\.tar\.gz" does not exist/);

    expect(existsSync(join(run.cwd, '.aws-runbook', 'state.json'))).toBe(false);
  }, 60_000);
}

/** On what the one up did. */
export function shopAfterUp(j: GetJourney): void {
  it("up --yes installed the vendor's zip: source in /opt/shop, .env 0600 under the vendor's names, compose up, Django's setup, the admin", async () => {
    const { run, keys } = j();
    const state = await run.state();
    expect(state.steps['hosts.shop']?.status).toBe('done');
    expect(state.steps['hosts.wordpress']?.status).toBe('done');
    expect(state.steps['hosts.shop']?.outputs).toMatchObject({ service: 'appseed-app', url: 'http://198.51.100.11:5085/' });

    // The zip's top-level folder is left out: the app's root is /opt/shop.
    expect(existsSync(run.lab.hostPath('ecommerce', '/opt/shop/manage.py'))).toBe(true);
    expect(existsSync(run.lab.hostPath('ecommerce', '/opt/shop/rocket-ecommerce'))).toBe(false);
    const envPath = run.lab.hostPath('ecommerce', '/opt/shop/.env');
    const info = statSync(envPath);
    expect(info.mode & 0o777).toBe(0o600);
    expect(info.uid).toBe(ensureLabUser().uid);
    const text = readFileSync(envPath, 'utf8');
    const env = parseEnvFile(text);
    // The env.sample's keys in its order, then ours, under the names Rocket eCommerce reads.
    expect([...env.keys()]).toEqual([
      'DEBUG', 'SECRET_KEY', 'DEMO_MODE', 'STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'EMAIL_HOST', 'EMAIL_PORT', 'EMAIL_USE_TLS', 'EMAIL_HOST_USER', 'EMAIL_HOST_PASSWORD',
      'DB_ENGINE', 'DB_HOST', 'DB_NAME', 'DB_USERNAME', 'DB_PASS', 'DB_PORT',
    ]);
    expect([env.get('DEBUG'), env.get('DEMO_MODE'), env.get('DB_ENGINE'), env.get('DB_HOST'), env.get('DB_USERNAME')]).toEqual(['False', 'False', 'mysql', DB_HOST, 'shop']);
    expect(env.get('STRIPE_SECRET_KEY')).toBe(keys.STRIPE_SECRET_KEY);
    expect(text).not.toMatch(/^(DB_USER|DB_PASSWORD|SHOP_PORT)=/m);

    const calls = composeCalls(await run.lab.calls('ecommerce')).map((c) => `${c.cwd}: ${c.argv.join(' ')}`);
    expect(calls).toEqual([
      '/opt/shop: docker compose up -d --build',
      '/opt/shop: docker compose exec -T appseed-app python manage.py migrate --noinput',
      '/opt/shop: docker compose exec -T appseed-app python manage.py seed_tags',
      '/opt/shop: docker compose exec -T appseed-app python manage.py collectstatic --no-input',
      '/opt/shop: docker compose exec -T -e DJANGO_SUPERUSER_PASSWORD appseed-app python manage.py createsuperuser --noinput --username admin --email admin@localhost',
    ]);
    // The admin's password is kept on the host only, root-only, never in the state.
    const adminFile = run.lab.hostPath('ecommerce', '/etc/aws-runbook/admin/shop.password');
    expect([statSync(adminFile).mode & 0o777, statSync(adminFile).uid]).toEqual([0o600, 0]);
    expect(JSON.stringify(state)).not.toContain(readFileSync(adminFile, 'utf8').trim());
  });

  it('the shop answers on 5085 from outside (its nginx, through the web security group) and keeps its data on RDS, not in SQLite', async () => {
    const { run, sqlAs } = j();
    const page = await run.lab.runInOperator('curl', ['-sS', '-m', '5', '-o', '/dev/null', '-w', '%{http_code}', 'http://198.51.100.11:5085/'], { reject: false });
    expect(page.stdout).toBe('200');
    const closed = await run.lab.runInOperator('curl', ['-sS', '-m', '3', 'http://198.51.100.11:8000/'], { reject: false });
    expect(closed.exitCode).not.toBe(0);

    const password = parseEnvFile(readFileSync(run.lab.hostPath('ecommerce', '/opt/shop/.env'), 'utf8')).get('DB_PASS') ?? '';
    const tables = await sqlAs('ecommerce', 'shop', password, 'SHOW TABLES FROM shop;');
    expect(tables.lines).toEqual(expect.arrayContaining(['django_migrations', 'auth_user', 'common_product']));
    expect((await sqlAs('ecommerce', 'shop', password, "SELECT username, is_superuser FROM shop.auth_user WHERE username = 'admin';")).lines).toEqual(['admin\t1']);
    expect(existsSync(run.lab.hostPath('ecommerce', '/opt/shop/db.sqlite3'))).toBe(false);

    // The old, invented layout appears nowhere the tool wrote: not in the state, not in the web group's rules.
    const state = JSON.stringify(await run.state());
    expect(state).not.toMatch(/DB_USER\b|DB_PASSWORD|:8000\b/);
    expect(state).toContain(':5085/');
  });
}

/** Reads only. */
export function shopReadOnly(j: GetJourney): void {
  it('the shop user logs in to RDS and sees only its own database; WordPress has its own user and database', async () => {
    const { run, sqlAs } = j();
    const shopPassword = parseEnvFile(readFileSync(run.lab.hostPath('ecommerce', '/opt/shop/.env'), 'utf8')).get('DB_PASS') ?? '';
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
    // Up with port 80 on the loopback, WP-CLI's install between the two (apps.ts), up again with port 80 public.
    expect(wpCalls).toEqual(['/opt/wordpress: docker compose up -d', '/opt/wordpress: docker compose up -d']);
    expect((await run.lab.exec('wordpress', "curl -s -o /dev/null -w '%{http_code}' http://localhost/wp-login.php")).stdout).toBe('200');

    // The quoting the steps rely on, against the real server: what goes in comes back byte for byte.
    const tricky = "it's \\ a `test` \"with\" \n newline; DROP --";
    const echo = await sqlAs('ecommerce', 'shop', shopPassword, `SELECT HEX(${quoteString(tricky)}) AS ${quoteIdentifier('we`ird')};`);
    expect(echo.lines).toEqual([Buffer.from(tricky).toString('hex').toUpperCase()]);
  });
}

/** On the one rerun (journey.ts watched it: host calls, the .env's inode, MariaDB's general log). */
export function shopRerun(j: GetJourney): void {
  it('the rerun changed nothing for the shop and WordPress: no-change, no compose, no user statements, .env untouched', async () => {
    const { run } = j();
    const { result, envBefore, callsBefore, generalLog } = j().rerun();
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/✓ hosts\.shop\s+no-change/);
    expect(result.stdout).toMatch(/✓ hosts\.wordpress\s+no-change/);

    const after = statSync(run.lab.hostPath('ecommerce', '/opt/shop/.env'));
    expect([after.ino, after.mtimeMs]).toEqual([envBefore.ino, envBefore.mtimeMs]);
    for (const host of ['ecommerce', 'wordpress'] as const) {
      const newCalls = (await run.lab.calls(host)).slice(callsBefore[host]);
      expect(composeCalls(newCalls).map((c) => c.argv.join(' ')), host).toEqual([]);
      expect(newCalls.filter((c) => c.argv[0] === 'apt-get').map((c) => c.argv.join(' ')), host).toEqual([]);
    }
    // find logged in as each app (the log was on and saw it) …
    expect(generalLog.some((line) => /^Connect\tshop@/.test(line))).toBe(true);
    expect(generalLog.some((line) => /^Connect\twordpress@/.test(line))).toBe(true);
    // … and nothing created, altered or granted anything.
    expect(generalLog.filter((line) => /^Query\t\s*(CREATE|ALTER|GRANT|DROP|SET PASSWORD)/i.test(line))).toEqual([]);
  });
}
