import { readJson, type ContainerRecord, type DatabaseSettings, type EmulatedHost } from './host.js';

/**
 * Docker's containers and named volumes on a host, kept where Docker keeps them: a container's
 * configuration in /var/lib/docker/containers/NAME/config.v2.json (this emulation's own fields), a named
 * volume's files in /var/lib/docker/volumes/NAME/_data. A container with published ports runs while the
 * host serves it (apps.ts says what it answers); one without ports runs while it is recorded.
 */

const CONTAINERS = '/var/lib/docker/containers';

export const volumeDir = (name: string) => `/var/lib/docker/volumes/${name}/_data`;

export async function listContainers(host: EmulatedHost): Promise<ContainerRecord[]> {
  const names = await host.fs.list(CONTAINERS);
  const records = await Promise.all(names.map((name) => readJson<ContainerRecord | undefined>(host.fs, `${CONTAINERS}/${name}/config.v2.json`, undefined)));
  return records.filter((record): record is ContainerRecord => record !== undefined);
}

export async function findContainer(host: EmulatedHost, name: string): Promise<ContainerRecord | undefined> {
  return readJson<ContainerRecord | undefined>(host.fs, `${CONTAINERS}/${name}/config.v2.json`, undefined);
}

export async function isRunning(host: EmulatedHost, container: ContainerRecord): Promise<boolean> {
  return container.ports.length === 0 || host.serving(container.name);
}

/** Record the container and serve its ports (PortTakenError, and nothing recorded, when one is taken). */
export async function startContainer(host: EmulatedHost, container: ContainerRecord): Promise<void> {
  await host.fs.write(`${CONTAINERS}/${container.name}/config.v2.json`, JSON.stringify(container));
  for (const mount of Object.values(container.volumes)) if (!(await host.fs.exists(volumeDir(mount)))) await host.fs.write(`${volumeDir(mount)}/.created`, '');
  try {
    if (container.ports.length > 0) await host.serve(container);
  } catch (error) {
    await host.fs.remove(`${CONTAINERS}/${container.name}`);
    throw error;
  }
}

export async function removeContainer(host: EmulatedHost, name: string): Promise<void> {
  await host.unserve(name);
  await host.fs.remove(`${CONTAINERS}/${name}`);
}

/**
 * How an app logs in to its database, from its container's environment: WordPress's WORDPRESS_DB_*, or
 * Rocket eCommerce's rule (core/settings.py): MySQL only when DB_ENGINE, DB_NAME and DB_USERNAME are all
 * set (with DB_PASS, DB_HOST, DB_PORT), otherwise SQLite — no database login at all.
 */
export function databaseSettings(environment: Record<string, string>): DatabaseSettings | undefined {
  const wordpress = environment['WORDPRESS_DB_HOST'];
  if (wordpress !== undefined) {
    const [host = '', port = '3306'] = wordpress.split(':');
    return { host, port: Number(port), user: environment['WORDPRESS_DB_USER'] ?? '', password: environment['WORDPRESS_DB_PASSWORD'] ?? '', database: environment['WORDPRESS_DB_NAME'] ?? '' };
  }
  if (!environment['DB_ENGINE'] || !environment['DB_NAME'] || !environment['DB_USERNAME']) return undefined;
  return { host: environment['DB_HOST'] || 'localhost', port: Number(environment['DB_PORT'] || 3306), user: environment['DB_USERNAME'], password: environment['DB_PASS'] ?? '', database: environment['DB_NAME'] };
}
