import type { Duplex } from 'node:stream';
import type { Container, HttpAnswer, Listener, SimulatedHost } from '../host.js';
import { kumaHttpAnswer } from '../kuma/kuma-http.js';
import { memorySocketPair } from '../memory-socket.js';

/**
 * What a simulated container answers over HTTP, by its image: Uptime Kuma (its HTTP routes, and its
 * socket.io API for a raw connection: an SSH tunnel's), WordPress (every page redirected to its installer
 * until `wp core install` recorded the site in its volume, then 200), nginx in front of a built app (the
 * shop: Rocket eCommerce's compose file publishes its nginx, which proxies to the Django service), and a
 * built app answering its home page. An app whose environment names a database logs in to it on every
 * request, as those apps do, and answers 500 while it cannot: WordPress with its WORDPRESS_DB_*, the shop
 * under the vendor's rule (MySQL only when DB_ENGINE, DB_NAME and DB_USERNAME are set, logged in with
 * DB_USERNAME/DB_PASS; otherwise SQLite, and it answers 200 all the same: only its tables on RDS tell).
 */

export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

export function databaseSettings(environment: Record<string, string>): DatabaseSettings | undefined {
  const wordpress = environment['WORDPRESS_DB_HOST'];
  if (wordpress !== undefined) {
    const [host = '', port = '3306'] = wordpress.split(':');
    return { host, port: Number(port), user: environment['WORDPRESS_DB_USER'] ?? '', password: environment['WORDPRESS_DB_PASSWORD'] ?? '', database: environment['WORDPRESS_DB_NAME'] ?? '' };
  }
  if (!environment['DB_ENGINE'] || !environment['DB_NAME'] || !environment['DB_USERNAME']) return undefined;
  return { host: environment['DB_HOST'] || 'localhost', port: Number(environment['DB_PORT'] || 3306), user: environment['DB_USERNAME'], password: environment['DB_PASS'] ?? '', database: environment['DB_NAME'] };
}

/** Whether the app's database login works from its host (network and credentials). */
export function databaseWorks(host: SimulatedHost, settings: DatabaseSettings): boolean {
  const endpoint = host.world.databaseEndpoint;
  if (settings.host !== endpoint.address || settings.port !== endpoint.port || host.world.reachDatabase(host) !== 'ok') return false;
  try {
    host.world.database.connect(settings.user, settings.password, host.privateIp, settings.database);
    return true;
  } catch {
    return false;
  }
}

/** The volume mounted at `path` in the container, if any. */
export function volumeAt(container: Container, path: string): string | undefined {
  return container.volumes?.[path];
}

/** WordPress (wp-includes/load.php's wp_not_installed): every page but the installer redirects there until the site is installed. */
function wordpress(host: SimulatedHost, container: Container, path: string): HttpAnswer {
  const volume = volumeAt(container, '/var/www/html');
  const installed = volume !== undefined && host.volumes.get(volume)?.wordpressInstall !== undefined;
  if (path.startsWith('/wp-admin/install.php')) {
    return installed
      ? { status: 200, body: '<!DOCTYPE html><title>WordPress › Installation (simulated)</title><h1>Already Installed</h1>' }
      : { status: 200, body: '<!DOCTYPE html><title>WordPress › Installation (simulated)</title><form id="setup">' };
  }
  if (!installed) return { status: 302, body: '', headers: { location: '/wp-admin/install.php' } };
  if (path === '/' || path.startsWith('/?')) return { status: 200, body: `<!DOCTYPE html><title>${host.volumes.get(volume as string)?.wordpressInstall?.title ?? 'WordPress'} (simulated)</title>` };
  if (path.startsWith('/wp-login.php')) return { status: 200, body: '<!DOCTYPE html><title>Log In (simulated)</title><form name="loginform" id="loginform">' };
  if (path.startsWith('/wp-admin')) return { status: 302, body: '', headers: { location: '/wp-login.php?redirect_to=%2Fwp-admin%2F&reauth=1' } };
  return { status: 404, body: '' };
}

function builtApp(container: Container, path: string): HttpAnswer {
  if (path === '/' || path.startsWith('/?')) return { status: 200, body: `<!DOCTYPE html><title>${container.project} (simulated container ${container.name})</title>` };
  return { status: 404, body: '<h1>Not Found</h1>' };
}

/** Uptime Kuma's socket.io API for raw connections: one stand-in server per container, its data in the container's volume on the host. */
function kumaConnector(host: SimulatedHost, container: Container): () => Duplex {
  let server: Promise<{ emit(event: 'connection', socket: Duplex): boolean }> | undefined;
  const start = async () => {
    // socket.io is loaded only when a tunnel reaches a simulated Kuma.
    const { createKumaServer } = await import('../kuma/kuma-stand-in.js');
    const file = `/var/lib/docker/volumes/${volumeAt(container, '/app/data') ?? container.name}/_data/kuma-stand-in.json`;
    const store = {
      load: async () => ((await host.fs.exists(file)) ? JSON.parse(await host.fs.readFile(file)) : undefined),
      save: async (data: unknown) => {
        await host.fs.mkdir(file.slice(0, file.lastIndexOf('/')), { recursive: true });
        await host.fs.writeFile(file, JSON.stringify(data));
      },
    };
    return createKumaServer({ store }).http;
  };
  return () => {
    const [client, serverSide] = memorySocketPair();
    server ??= start();
    // Bytes written meanwhile wait in the pair until the server reads them.
    void server.then((http) => http.emit('connection', serverSide), () => serverSide.destroy());
    return client;
  };
}

/** The built service nginx proxies to: the other container of its compose project that was built from source. */
function upstreamOf(host: SimulatedHost, proxy: Container): Container | undefined {
  return [...host.containers.values()].find((c) => c.project === proxy.project && c.name !== proxy.name && c.image === `${c.project}-${c.service}`);
}

export function containerListener(host: SimulatedHost, container: Container, options: { loopbackOnly?: boolean } = {}): Listener {
  const current = () => host.containers.get(container.name);
  const kuma = container.image.startsWith('louislam/uptime-kuma');
  return {
    owner: `container ${container.name}`,
    ...(options.loopbackOnly ? { loopbackOnly: true } : {}),
    answer({ path }) {
      let running = current();
      if (!running?.running) return { status: 502, body: '' };
      if (running.image.startsWith('nginx')) {
        const upstream = upstreamOf(host, running);
        if (!upstream?.running) return { status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>' };
        running = upstream;
      }
      const settings = databaseSettings(running.environment);
      if (settings && !databaseWorks(host, settings)) {
        return { status: 500, body: running.image.startsWith('wordpress') ? '<h1>Error establishing a database connection</h1>' : '<h1>Server Error (500)</h1>' };
      }
      if (kuma) return kumaHttpAnswer(path);
      if (running.image.startsWith('wordpress')) return wordpress(host, running, path);
      return builtApp(running, path);
    },
    ...(kuma ? { connect: kumaConnector(host, container) } : {}),
  };
}
