import type { Emulated } from './host.js';

/**
 * Every emulated command, by name: the one place both hosts take them from (the sandbox registers them in
 * its shells, the lab's /usr/bin stubs run them). Loaded on first use, so a host loads only the commands it
 * runs (the lab never loads curl's or the MariaDB client's: it has the real ones).
 */

const load = <K extends string>(module: () => Promise<Record<K, Emulated>>, key: K) => async () => (await module())[key];

export const EMULATED_COMMANDS: Readonly<Record<string, () => Promise<Emulated>>> = {
  'apt-get': load(() => import('./apt.js'), 'apt'),
  apt: load(() => import('./apt.js'), 'apt'),
  dpkg: load(() => import('./apt.js'), 'dpkg'),
  snap: load(() => import('./snap.js'), 'snap'),
  systemctl: load(() => import('./systemctl.js'), 'systemctl'),
  docker: load(() => import('./docker.js'), 'docker'),
  'gitlab-ctl': load(() => import('./gitlab.js'), 'gitlabCtl'),
  curl: load(() => import('./curl.js'), 'curl'),
  ping: load(() => import('./ping.js'), 'ping'),
  gpg: load(() => import('./gpg.js'), 'gpg'),
  mariadb: async () => (await import('./mariadb.js')).MARIADB_CLIENT['mariadb'] as Emulated,
  mysql: async () => (await import('./mariadb.js')).MARIADB_CLIENT['mysql'] as Emulated,
  'mariadb-dump': async () => (await import('./mariadb.js')).MARIADB_CLIENT['mariadb-dump'] as Emulated,
  mysqldump: async () => (await import('./mariadb.js')).MARIADB_CLIENT['mysqldump'] as Emulated,
};

/** Run a command line's command on a call; a crash becomes `NAME: message` on stderr and exit 1, as a crashed tool prints. */
export async function runEmulated(call: Parameters<Emulated>[0]): Promise<Awaited<ReturnType<Emulated>>> {
  const loader = EMULATED_COMMANDS[call.name];
  if (!loader) return { exitCode: 127, stdout: '', stderr: `${call.name}: command not found\n` };
  try {
    return await (await loader())(call);
  } catch (error) {
    return { exitCode: 1, stdout: '', stderr: `${call.name}: ${error instanceof Error ? error.message : String(error)}\n` };
  }
}
