/* global process, URL */
// What a "container" started by the docker stand-in serves: a tiny HTTP server on each published
// port (bound where compose asked: 127.0.0.1 stays unreachable from other hosts), so the runbook's checks
// have something real to hit. By image (LAB_CONTAINER: { image, volumes: mount point → directory }):
// WordPress redirects every page to its installer until WP-CLI recorded the install in its volume
// (wp-includes/load.php's wp_not_installed), then answers 200; Uptime Kuma is the shared Kuma stand-in
// (src/sandbox/simulated/kuma, from the build): its HTTP routes and its socket.io API, its data in its
// volume, each socket event it handled appended to /var/lib/lab/kuma-events.jsonl for the tests.
// Usage: responder.mjs LABEL BIND:PORT... Prints "ready" once listening on every port, or the error that stopped it.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { hostname } from 'node:os';

const [label = 'container', ...listens] = process.argv.slice(2);
const container = JSON.parse(process.env.LAB_CONTAINER || '{}');
const image = String(container.image ?? '');
const volumes = container.volumes ?? {};

function wordpressInstalled() {
  const file = `${volumes['/var/www/html']}/lab-wordpress.json`;
  return existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).install !== undefined;
}

function wordpress(request, response, port) {
  const path = request.url ?? '/';
  const origin = `http://${request.headers.host ?? `localhost:${port}`}`;
  if (path.startsWith('/wp-admin/install.php')) {
    response.writeHead(200, { 'content-type': 'text/html; charset=UTF-8' });
    response.end(wordpressInstalled() ? '<h1>Already Installed</h1>' : '<form id="setup" method="post" action="install.php?step=2">');
    return;
  }
  if (!wordpressInstalled()) {
    response.writeHead(302, { location: `${origin}/wp-admin/install.php`, 'x-lab-container': label });
    response.end();
    return;
  }
  if (path.startsWith('/wp-admin')) {
    response.writeHead(302, { location: `${origin}/wp-login.php?redirect_to=%2Fwp-admin%2F&reauth=1` });
    response.end();
    return;
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=UTF-8', 'x-lab-container': label });
  response.end(path.startsWith('/wp-login.php') ? '<form name="loginform" id="loginform">' : `<title>WordPress (lab: ${label})</title>`);
}

function handler(port) {
  return (request, response) => {
    if (image.startsWith('wordpress') && !image.startsWith('wordpress:cli')) return wordpress(request, response, port);
    const body = `aws-runbook lab: ${label} on ${hostname()}:${port}\n`;
    // What GitLab's readiness probe answers, so checks can parse it.
    const json = { '/-/readiness': { status: 'ok', master_check: [{ status: 'ok' }] } }[request.url?.split('?')[0] ?? ''];
    if (json) {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-lab-container': label });
      response.end(JSON.stringify(json));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-lab-container': label });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}

/** Uptime Kuma: the shared stand-in, over a JSON file in its volume (Kuma's /app/data). */
async function kumaServer() {
  const { createKumaServer } = await import(new URL('./dist/src/sandbox/simulated/kuma/kuma-stand-in.js', import.meta.url).href);
  const file = `${volumes['/app/data'] ?? '/var/lib/lab'}/kuma-stand-in.json`;
  const store = {
    load: async () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined),
    save: async (data) => writeFileSync(file, JSON.stringify(data)),
  };
  const record = (event, ok) => appendFileSync('/var/lib/lab/kuma-events.jsonl', `${JSON.stringify({ event, ok, time: new Date().toISOString() })}\n`);
  return createKumaServer({ store, record }).http;
}

let pending = listens.length;
if (pending === 0) process.stdout.write('ready\n');
for (const listen of listens) {
  const at = listen.lastIndexOf(':');
  const bind = listen.slice(0, at);
  const port = Number(listen.slice(at + 1));
  const server = image.startsWith('louislam/uptime-kuma') ? await kumaServer() : createServer(handler(port));
  server.once('error', (error) => {
    process.stdout.write(`cannot listen on ${bind}:${port}: ${error.code ?? error.message}\n`);
    process.exit(1);
  });
  server.listen(port, bind, () => {
    pending -= 1;
    if (pending === 0) process.stdout.write('ready\n');
  });
}
process.on('SIGTERM', () => process.exit(0));
// Writes after the stand-in that started us has gone must not kill us.
process.stdout.on('error', () => undefined);
