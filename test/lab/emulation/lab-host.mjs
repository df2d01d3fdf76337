/* global process, URL, setTimeout */
// The lab's adapter of the host emulation (src/sandbox/emulation/host.ts, built): the host's own files
// through node:fs (each lab host has its own root, test/lab/host-root.ts), a package's commands put on the
// PATH in /usr/bin (the real program from the pool when the lab has it — curl, ping, gpg, the MariaDB
// client — or a stub running the emulation), a container served by a detached process of serve.mjs on the
// host's own network namespace, and the database reached with the real MariaDB client, as the app would.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const LAB = fileURLToPath(new URL('../../', import.meta.url)); // /usr/local/lib/aws-runbook-lab/
const POOL = `${LAB}pool`;
const HOST = fileURLToPath(new URL('./host.mjs', import.meta.url));
const SERVE = fileURLToPath(new URL('./serve.mjs', import.meta.url));
const SERVERS = '/run/emulated-containers';
const quote = (sql) => `'${String(sql).replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

const files = {
  exists: async (path) => existsSync(path),
  isDirectory: async (path) => (await stat(path).catch(() => undefined))?.isDirectory() === true,
  read: (path) => readFile(path, 'utf8'),
  async write(path, text, mode) {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    if (mode !== undefined) await chmod(path, mode);
  },
  list: async (path) => readdir(path).catch(() => []),
  remove: (path) => rm(path, { recursive: true, force: true }),
};

/** SQL as the app's user, with the real client: its output, or MariaDB's error as a DatabaseFailure. */
function sql(settings, statement) {
  const args = ['--connect-timeout=5', '-h', settings.host, '-P', String(settings.port), '-u', settings.user, '-D', settings.database, '-N', '-B', '-e', statement];
  const result = spawnSync(`${POOL}/mariadb`, args, { env: { MYSQL_PWD: settings.password }, encoding: 'utf8', timeout: 20_000 });
  if (result.status === 0) return { out: result.stdout.trim() };
  const match = /ERROR (\d+) \([^)]*\)(?: at line \d+)?: (.*)/.exec(result.stderr ?? '');
  return { failure: { code: match ? Number(match[1]) : 2002, message: match ? match[2].trim() : (result.stderr || 'no answer').trim() } };
}

/** The tables Django creates, with the columns the emulation uses (auth_user's username). */
function createTable(table) {
  const columns = table === 'auth_user' ? 'id INT AUTO_INCREMENT PRIMARY KEY, username VARCHAR(150) UNIQUE, password VARCHAR(128), is_superuser TINYINT' : 'id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255)';
  return `CREATE TABLE IF NOT EXISTS ${table} (${columns});`;
}

const database = {
  login: async (settings) => sql(settings, 'SELECT 1').failure,
  async createTables(settings, tables) {
    const done = sql(settings, tables.map(createTable).join('\n'));
    if (done.failure) return done.failure;
    return sql(settings, "INSERT INTO django_migrations (name) SELECT 'contenttypes.0001_initial' FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM django_migrations)").failure;
  },
  async addUser(settings, username) {
    // Django keeps a salted hash; the emulation never keeps the password itself.
    const taken = sql(settings, `SELECT COUNT(*) FROM auth_user WHERE username = ${quote(username)}`);
    if (taken.failure) return taken.failure;
    if (taken.out !== '0') return false;
    const added = sql(settings, `INSERT INTO auth_user (username, password, is_superuser) VALUES (${quote(username)}, 'pbkdf2_sha256$emulated', 1)`);
    return added.failure ?? true;
  },
};

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const pidOf = async (name) => Number(await readFile(`${SERVERS}/${name}.pid`, 'utf8').catch(() => '0'));

/** A container's server: serve.mjs, detached, in this host's namespaces; resolves once it listens on every port. */
function startServer(container) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVE], { detached: true, cwd: '/', stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, EMULATED_CONTAINER: JSON.stringify(container) } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (!output.includes('\n')) return;
      child.stdout.destroy();
      child.unref();
      const taken = /^taken (\d+)/.exec(output);
      if (output.startsWith('ready')) resolve(child.pid);
      else reject(Object.assign(new Error(output.trim()), taken ? { port: Number(taken[1]) } : {}));
    });
    child.once('exit', (code) => reject(new Error(`the server of container ${container.name} exited (${code}): ${output.trim()}`)));
  });
}

export async function labHost() {
  const { PortTakenError } = await import('../emulation/host.js');
  return {
    hostname: hostname(),
    fs: files,
    database,
    async provide(commands) {
      for (const command of commands) {
        const path = `/usr/bin/${command}`;
        await rm(path, { force: true });
        if (existsSync(`${POOL}/${command}`)) await symlink(`${POOL}/${command}`, path);
        else await writeFile(path, `#!/bin/sh\n# the lab's emulation of ${command} (src/sandbox/emulation)\nexec '${process.execPath}' '${HOST}' '${command}' "$@"\n`, { mode: 0o755 });
      }
    },
    async serve(container) {
      try {
        const pid = await startServer(container);
        await files.write(`${SERVERS}/${container.name}.pid`, String(pid));
      } catch (error) {
        throw error.port ? new PortTakenError(error.port) : error;
      }
    },
    async unserve(name) {
      const pid = await pidOf(name);
      if (pid && alive(pid)) process.kill(pid, 'SIGTERM');
      // Until it is gone (reaped by the host's pid 1): its ports are free for the next container.
      for (let waited = 0; pid && alive(pid) && waited < 3000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
      await rm(`${SERVERS}/${name}.pid`, { force: true });
    },
    serving: async (name) => {
      const pid = await pidOf(name);
      return pid > 0 && alive(pid);
    },
  };
}
