import type { Container, HttpAnswer, Listener, SimulatedHost } from '../host.js';

/**
 * What a simulated container answers over HTTP, by its image: Uptime Kuma's entry page, WordPress's
 * login page, nginx in front of a built app (the shop: Rocket eCommerce's compose file publishes its
 * nginx, which proxies to the Django service), and a built app answering its home page. An app whose
 * environment names a database logs in to it on every request, as those apps do, and answers 500 while
 * it cannot: WordPress with its WORDPRESS_DB_*, the shop under the vendor's rule (MySQL only when
 * DB_ENGINE, DB_NAME and DB_USERNAME are set, logged in with DB_USERNAME/DB_PASS; otherwise SQLite, and
 * it answers 200 all the same: only its tables on RDS tell).
 */

interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

function databaseSettings(environment: Record<string, string>): DatabaseSettings | undefined {
  const wordpress = environment['WORDPRESS_DB_HOST'];
  if (wordpress !== undefined) {
    const [host = '', port = '3306'] = wordpress.split(':');
    return { host, port: Number(port), user: environment['WORDPRESS_DB_USER'] ?? '', password: environment['WORDPRESS_DB_PASSWORD'] ?? '', database: environment['WORDPRESS_DB_NAME'] ?? '' };
  }
  if (!environment['DB_ENGINE'] || !environment['DB_NAME'] || !environment['DB_USERNAME']) return undefined;
  return { host: environment['DB_HOST'] || 'localhost', port: Number(environment['DB_PORT'] || 3306), user: environment['DB_USERNAME'], password: environment['DB_PASS'] ?? '', database: environment['DB_NAME'] };
}

/** Whether the app's database login works from its host (network and credentials). */
function databaseWorks(host: SimulatedHost, settings: DatabaseSettings): boolean {
  const endpoint = host.world.databaseEndpoint;
  if (settings.host !== endpoint.address || settings.port !== endpoint.port || host.world.reachDatabase(host) !== 'ok') return false;
  try {
    host.world.database.connect(settings.user, settings.password, host.privateIp, settings.database);
    return true;
  } catch {
    return false;
  }
}

function uptimeKuma(path: string): HttpAnswer {
  if (path.startsWith('/api/entry-page')) return { status: 200, body: '{"type":"setup"}' };
  if (path === '/') return { status: 302, body: '', headers: { location: '/setup' } };
  return { status: 200, body: '<!DOCTYPE html><title>Uptime Kuma (simulated)</title>' };
}

function wordpress(path: string): HttpAnswer {
  if (path.startsWith('/wp-admin/install.php')) return { status: 200, body: '<!DOCTYPE html><title>WordPress › Installation (simulated)</title>' };
  if (path === '/' || path.startsWith('/wp-login.php') || path.startsWith('/wp-admin')) return { status: 302, body: '', headers: { location: '/wp-admin/install.php' } };
  return { status: 404, body: '' };
}

function builtApp(container: Container, path: string): HttpAnswer {
  if (path === '/' || path.startsWith('/?')) return { status: 200, body: `<!DOCTYPE html><title>${container.project} (simulated container ${container.name})</title>` };
  return { status: 404, body: '<h1>Not Found</h1>' };
}

/** The built service nginx proxies to: the other container of its compose project that was built from source. */
function upstreamOf(host: SimulatedHost, proxy: Container): Container | undefined {
  return [...host.containers.values()].find((c) => c.project === proxy.project && c.name !== proxy.name && c.image === `${c.project}-${c.service}`);
}

export function containerListener(host: SimulatedHost, container: Container): Listener {
  return {
    owner: `container ${container.name}`,
    answer(request) {
      const { path } = request;
      const proxy = host.containers.get(container.name);
      if (!proxy?.running) return { status: 502, body: '' };
      let current = proxy;
      if (proxy.image.startsWith('nginx')) {
        const upstream = upstreamOf(host, proxy);
        if (!upstream?.running) return { status: 502, body: '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>' };
        current = upstream;
      }
      const settings = databaseSettings(current.environment);
      if (settings && !databaseWorks(host, settings)) {
        return { status: 500, body: current.image.startsWith('wordpress') ? '<h1>Error establishing a database connection</h1>' : '<h1>Server Error (500)</h1>' };
      }
      if (current.image.startsWith('louislam/uptime-kuma')) return uptimeKuma(path);
      if (current.image.startsWith('wordpress')) return wordpress(path);
      return builtApp(current, path);
    },
  };
}
