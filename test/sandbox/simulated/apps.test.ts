import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../../src/config/schema.js';
import { listContainers } from '../../../src/sandbox/emulation/containers.js';
import { wordpressSite } from '../../../src/sandbox/emulation/wp-cli.js';
import { ed25519KeyPair } from '../../../src/sandbox/simulated/keys.js';
import { SimulatedHosts } from '../../../src/sandbox/simulated/simulated-hosts.js';
import type { SimulatedHost } from '../../../src/sandbox/simulated/host.js';
import type { SimulatedWorld } from '../../../src/sandbox/simulated/world.js';
import { simulatedAddressPolicy } from '../../../src/ssh/address-policy.js';
import { exec, openTunnel, parseConsoleFingerprints, SshPool, type SshHost } from '../../../src/ssh/index.js';
import { aptInstallScript } from '../../../src/tasks/hosts/docker-remote.js';
import { appDatabase, ensureAppDatabaseSql } from '../../../src/tasks/hosts/db-users-sql.js';
import { connectKuma } from '../../../src/tasks/hosts/uptime-kuma-client.js';
import { KUMA_COMPOSE_FILE, kumaComposeFile } from '../../../src/tasks/hosts/uptime-kuma-compose.js';
import { setUpKuma, wantedMonitors } from '../../../src/tasks/hosts/uptime-kuma-setup.js';
import { wordpressComposeFile, wordpressEnvFile } from '../../../src/tasks/hosts/wordpress/files.js';
import { designedNetwork, runOn, testWorld } from './helpers.js';

/**
 * The simulated hosts' WordPress and Uptime Kuma: WordPress redirects to its installer until WP-CLI (the
 * wordpress:cli service, by `docker compose run`) installs it, refusing what WP-CLI refuses; a port
 * published on 127.0.0.1 is closed to other hosts; Kuma's socket.io API is reached through an SSH tunnel
 * (direct-tcpip to the host's own loopback) over the in-memory SSH, and keeps its data in its volume.
 */

const DB_PASSWORD = 'Wordpress-Db-Password-0123';
const ADMIN_PASSWORD = 'Kept-WordPress-Admin-Password-42';

async function dockerOn(host: SimulatedHost): Promise<void> {
  expect((await runOn(host, aptInstallScript(['docker.io', 'docker-compose-v2']), { sudo: true })).code).toBe(0);
}

describe('WordPress and WP-CLI on a simulated host', () => {
  let world: SimulatedWorld;
  let wordpress: SimulatedHost;
  const compose = (args: string, stdin?: string) => runOn(wordpress, `docker compose ${args}`, { sudo: true, cwd: '/opt/wordpress', ...(stdin === undefined ? {} : { stdin }) });
  const curl = (from: SimulatedHost, url: string) => runOn(from, `curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' ${url}`).then((r) => (r.code === 0 ? r.stdout : `exit ${r.code}`));

  beforeAll(async () => {
    world = await testWorld();
    wordpress = world.host('wordpress');
    const session = world.database.connect('admin', 'master-password-123', wordpress.privateIp);
    for (const statement of world.database.statements(ensureAppDatabaseSql(appDatabase('wordpress'), DB_PASSWORD))) world.database.execute(session, statement.text);
    await dockerOn(wordpress);
    const endpoint = { host: world.databaseEndpoint.address, port: world.databaseEndpoint.port };
    await runOn(wordpress, 'install -d /opt/wordpress && cat > /opt/wordpress/wordpress.env', { sudo: true, stdin: wordpressEnvFile(DB_PASSWORD) });
    await runOn(wordpress, 'cat > /opt/wordpress/compose.yaml', { sudo: true, stdin: wordpressComposeFile(endpoint, 'loopback') });
  });

  it('is at its installer, on the loopback only, until WP-CLI installs it; then it answers 200 and a rerun installs nothing', async () => {
    const isInstalled = 'run --rm -T wp-cli wp core is-installed';
    // WP-CLI before the wordpress container put WordPress on the volume: not a WordPress installation.
    expect(await compose(isInstalled)).toMatchObject({ code: 1, stderr: expect.stringContaining('This does not seem to be a WordPress installation') });
    const up = await compose('up -d');
    expect(up.stderr).toContain('Container wordpress-wordpress-1  Started');
    expect(up.stderr).not.toContain('wp-cli');
    expect((await listContainers(wordpress.emulated)).map((c) => c.name)).toEqual(['wordpress-wordpress-1']);

    expect(await curl(wordpress, 'http://localhost/')).toBe('302 http://localhost/wp-admin/install.php');
    expect(await curl(wordpress, 'http://localhost/wp-login.php')).toBe('302 http://localhost/wp-admin/install.php');
    // Port 80 on 127.0.0.1: the shop's host (same VPC, same security group) cannot connect.
    expect(await curl(world.host('ecommerce'), `http://${wordpress.privateIp}/`)).toBe('exit 7');
    expect(await compose(isInstalled)).toEqual({ code: 1, stdout: '', stderr: '' });

    const base = "run --rm -T wp-cli wp core install --url=http://198.51.100.12/ --title='WordPress BFHK' --admin_user=admin";
    expect((await compose(`${base} --skip-email --prompt=admin_password`, `${ADMIN_PASSWORD}\n`)).stderr).toBe('Error: Parameter errors:\n missing --admin_email parameter (The email address for the admin user.)\n');
    expect((await compose(`${base} --admin_email=not-an-email --skip-email --prompt=admin_password`, `${ADMIN_PASSWORD}\n`)).stderr).toMatch(/The 'not-an-email' email address is invalid/);
    expect((await compose(`${base} --admin_email=admin@bfhk.invalid --skip-email --prompt=admin_password`, '')).stderr).toMatch(/no admin password given/);
    const installed = await compose(`${base} --admin_email=admin@bfhk.invalid --skip-email --prompt=admin_password`, `${ADMIN_PASSWORD}\n`);
    expect(installed).toMatchObject({ code: 0, stdout: '1/1 [--admin_password=<admin_password>]: \nSuccess: WordPress installed successfully.\n' });
    expect((await wordpressSite(wordpress.emulated, 'wordpress_wordpress_data')).install).toEqual({
      url: 'http://198.51.100.12/',
      title: 'WordPress BFHK',
      adminUser: 'admin',
      adminEmail: 'admin@bfhk.invalid',
      passwordSha256: createHash('sha256').update(ADMIN_PASSWORD).digest('hex'),
    });
    expect((await compose(isInstalled)).code).toBe(0);
    expect((await compose(`${base} --admin_email=admin@bfhk.invalid --skip-email --prompt=admin_password`, `${ADMIN_PASSWORD}\n`)).stdout).toContain('WordPress is already installed.');

    expect(await curl(wordpress, 'http://localhost/')).toBe('200 ');
    expect(await curl(wordpress, 'http://localhost/wp-login.php')).toBe('200 ');
    // Published on every interface now: the container is recreated with the new ports, the volume kept.
    const endpoint = { host: world.databaseEndpoint.address, port: world.databaseEndpoint.port };
    await runOn(wordpress, 'cat > /opt/wordpress/compose.yaml', { sudo: true, stdin: wordpressComposeFile(endpoint, 'public') });
    expect((await compose('up -d')).stderr).toContain('Container wordpress-wordpress-1  Recreated');
    expect(await curl(world.host('ecommerce'), `http://${wordpress.privateIp}/`)).toBe('200 ');
  });

  it('refuses WP-CLI when its database login fails, and `run` of an image it does not simulate', async () => {
    const session = world.database.connect('admin', 'master-password-123', wordpress.privateIp);
    world.database.execute(session, "ALTER USER 'wordpress'@'%' IDENTIFIED BY 'another-password-000'");
    try {
      expect(await compose('run --rm -T wp-cli wp core is-installed')).toMatchObject({ code: 1, stderr: expect.stringContaining('Error establishing a database connection') });
    } finally {
      world.database.execute(session, `ALTER USER 'wordpress'@'%' IDENTIFIED BY '${DB_PASSWORD}'`);
    }
    expect(await compose('run --rm -T wordpress php -v')).toMatchObject({ code: 125, stderr: expect.stringContaining('runs only WP-CLI') });
    expect(await compose('run --rm -T no-such-service true')).toMatchObject({ code: 1, stderr: 'no such service: no-such-service\n' });
  });
});

describe("Uptime Kuma's API through an SSH tunnel to a simulated host", () => {
  const client = ed25519KeyPair('operator');
  const config = configSchema.parse({ access: { adminCidr: '203.0.113.7/32' } });
  let hosts: SimulatedHosts;
  let pool: SshPool;

  beforeAll(async () => {
    hosts = await SimulatedHosts.start({ config, authorizedKey: client.publicKey, network: designedNetwork(config) });
    const poolHost = (name: 'gitlab' | 'monitoring'): SshHost => {
      const host = hosts.world.host(name);
      return {
        name,
        address: name === 'gitlab' ? (host.publicIp as string) : host.privateIp,
        username: 'ubuntu',
        privateKey: client.privateKey,
        fingerprints: parseConsoleFingerprints(hosts.labMap().instances[`compute.${name}`]?.consoleOutput ?? ''),
        simulated: true,
        ...(name === 'gitlab' ? {} : { via: 'gitlab' }),
      };
    };
    const policy = simulatedAddressPolicy(hosts.addresses(), (address, port) => hosts.connect(address, port));
    pool = new SshPool([poolHost('gitlab'), poolHost('monitoring')], { connector: policy.connect, readyTimeoutMs: 10_000 });
  });

  afterAll(async () => {
    await pool?.closeAll();
    hosts?.close();
  });

  it('sets Kuma up over its socket.io API; the data is in its volume; other hosts cannot reach the loopback port', async () => {
    const monitoring = hosts.world.host('monitoring');
    await dockerOn(monitoring);
    await runOn(monitoring, `install -d /opt/uptime-kuma && cat > ${KUMA_COMPOSE_FILE}`, { sudo: true, stdin: kumaComposeFile() });
    expect((await runOn(monitoring, `docker compose -f ${KUMA_COMPOSE_FILE} up -d`, { sudo: true })).code).toBe(0);

    const connection = await pool.get('monitoring');
    const tunnel = await openTunnel(connection, { host: '127.0.0.1', port: 3001 });
    try {
      const session = await connectKuma(tunnel.url, { timeoutMs: 5_000 });
      try {
        const wanted = wantedMonitors(config, (host) => hosts.world.host(host).privateIp);
        expect(await setUpKuma(session, ADMIN_PASSWORD, wanted)).toEqual({ adminCreated: true, added: wanted });
        expect(await setUpKuma(session, ADMIN_PASSWORD, wanted)).toEqual({ adminCreated: false, added: [] });
      } finally {
        session.close();
      }
    } finally {
      await tunnel.close();
    }
    const stored = JSON.parse(await monitoring.fs.readFile('/var/lib/docker/volumes/uptime-kuma/_data/kuma-stand-in.json')) as { users: unknown[]; monitors: { url: string }[] };
    expect(stored.users).toHaveLength(1);
    expect(stored.monitors.map((m) => m.url)).toEqual(['http://10.1.1.10:5085/', 'http://10.1.1.11/', 'http://10.3.1.10/users/sign_in']);

    // The bastion cannot forward to monitoring:3001 (published on its loopback), and curl from it fails too.
    const gitlab = await pool.get('gitlab');
    const around = await openTunnel(gitlab, { host: monitoring.privateIp, port: 3001 });
    try {
      await expect(connectKuma(around.url, { timeoutMs: 2_000 })).rejects.toThrow(/does not answer/);
      expect(around.lastError?.message).toMatch(/could not open a connection to 10\.3\.2\.10:3001/);
    } finally {
      await around.close();
    }
    expect((await exec(gitlab, `curl -sS -m 5 http://${monitoring.privateIp}:3001/api/entry-page`, { allowFailure: true })).code).not.toBe(0);
  });
});
