import { databaseSettings, isRunning, listContainers, volumeDir } from './containers.js';
import { gitlabAnswer, GITLAB_IMAGE } from './gitlab.js';
import type { ContainerRecord, EmulatedHost, HttpAnswer } from './host.js';
import { kumaHttpAnswer } from './kuma/kuma-http.js';
import { wordpressSite } from './wp-cli.js';

/**
 * What a container answers over HTTP, by its image: GitLab's nginx (readiness, the sign-in page), Uptime
 * Kuma (its HTTP routes; its socket.io API is kumaServer), WordPress (every page redirected to its
 * installer until `wp core install` recorded the site in its volume — wp-includes/load.php's
 * wp_not_installed — then 200), nginx in front of the app built from source in its compose project
 * (Rocket eCommerce's layout: 502 while that app is down; nginx's welcome page when its project has none),
 * and a built app answering its home page. An app whose environment names a database logs in to it on
 * every request, as those apps do, and answers 500 while it cannot (containers.ts: databaseSettings).
 */

const page = (title: string, body = '') => `<!DOCTYPE html><html><head><title>${title}</title></head><body>${body}</body></html>`;
const BAD_GATEWAY = '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>';

export const isKuma = (image: string) => image.startsWith('louislam/uptime-kuma');
const isWordpress = (image: string) => image.startsWith('wordpress') && !image.startsWith('wordpress:cli');

async function wordpress(host: EmulatedHost, container: ContainerRecord, path: string): Promise<HttpAnswer> {
  const volume = container.volumes['/var/www/html'];
  const { install } = volume ? await wordpressSite(host, volume) : { install: undefined };
  if (path.startsWith('/wp-admin/install.php')) return { status: 200, body: page('WordPress › Installation', install ? '<h1>Already Installed</h1>' : '<form id="setup" method="post" action="install.php?step=2">') };
  if (!install) return { status: 302, body: '', headers: { location: '/wp-admin/install.php' } };
  if (path === '/' || path.startsWith('/?')) return { status: 200, body: page(install.title) };
  if (path.startsWith('/wp-login.php')) return { status: 200, body: page('Log In', '<form name="loginform" id="loginform">') };
  if (path.startsWith('/wp-admin')) return { status: 302, body: '', headers: { location: '/wp-login.php?redirect_to=%2Fwp-admin%2F&reauth=1' } };
  return { status: 404, body: '' };
}

function builtApp(container: ContainerRecord, path: string): HttpAnswer {
  if (path === '/' || path.startsWith('/?')) return { status: 200, body: page(`${container.project} (emulated container ${container.name})`) };
  return { status: 404, body: '<h1>Not Found</h1>' };
}

export async function answerHttp(host: EmulatedHost, container: ContainerRecord, path: string): Promise<HttpAnswer> {
  if (container.image === GITLAB_IMAGE) return gitlabAnswer(path);
  let app = container;
  if (container.image.startsWith('nginx')) {
    const upstream = (await listContainers(host)).find((c) => c.project === container.project && c.name !== container.name && c.build !== undefined);
    if (!upstream) return { status: 200, body: page('Welcome to nginx!', `<!-- emulated container ${container.name} -->`) };
    if (!(await isRunning(host, upstream))) return { status: 502, body: BAD_GATEWAY };
    app = upstream;
  }
  const settings = databaseSettings(app.environment);
  if (settings && (await host.database.login(settings))) {
    return { status: 500, body: isWordpress(app.image) ? '<h1>Error establishing a database connection</h1>' : '<h1>Server Error (500)</h1>' };
  }
  if (isKuma(app.image)) return kumaHttpAnswer(path);
  if (isWordpress(app.image)) return wordpress(host, app, path);
  return builtApp(app, path);
}

/**
 * Uptime Kuma's server for a container (the shared stand-in, its data in the container's /app/data volume,
 * each socket event appended to kuma-events.jsonl there for the tests). socket.io is loaded only here.
 */
export async function kumaServer(host: EmulatedHost, container: ContainerRecord) {
  const { createKumaServer } = await import('./kuma/kuma-stand-in.js');
  const dir = volumeDir(container.volumes['/app/data'] ?? container.name);
  const events = `${dir}/kuma-events.jsonl`;
  const store = {
    load: async () => ((await host.fs.exists(`${dir}/kuma-stand-in.json`)) ? JSON.parse(await host.fs.read(`${dir}/kuma-stand-in.json`)) : undefined),
    save: (data: unknown) => host.fs.write(`${dir}/kuma-stand-in.json`, JSON.stringify(data)),
  };
  let log = Promise.resolve();
  const record = (event: string, ok: boolean) => {
    log = log.then(async () => {
      const before = (await host.fs.exists(events)) ? await host.fs.read(events) : '';
      await host.fs.write(events, `${before}${JSON.stringify({ event, ok, time: new Date().toISOString() })}\n`);
    });
  };
  return createKumaServer({ store, record }).http;
}
