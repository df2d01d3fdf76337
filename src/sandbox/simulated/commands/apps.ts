import type { Container, HttpAnswer, Listener, SimulatedHost } from '../host.js';

/**
 * What a simulated container answers over HTTP, by its image: Uptime Kuma's entry page, WordPress's
 * login page, and a built app (the shop) answering its home page. An app whose environment names a
 * database (WordPress's WORDPRESS_DB_*, or DB_HOST/DB_USER/DB_PASSWORD/DB_NAME) logs in to it on every
 * request, as those apps do, and answers 500 while it cannot.
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
  const host = environment['DB_HOST'];
  if (host === undefined) return undefined;
  return { host, port: Number(environment['DB_PORT'] ?? 3306), user: environment['DB_USER'] ?? '', password: environment['DB_PASSWORD'] ?? '', database: environment['DB_NAME'] ?? '' };
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

export function containerListener(host: SimulatedHost, container: Container): Listener {
  return {
    owner: `container ${container.name}`,
    answer({ path }) {
      const current = host.containers.get(container.name);
      if (!current?.running) return { status: 502, body: '' };
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
