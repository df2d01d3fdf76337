/* global process */
// What a "container" started by the docker stand-in serves: a tiny HTTP server on each published
// port, so the runbook's checks have something real to hit. Usage: responder.mjs LABEL BIND:PORT...
// Prints "ready" once listening on every port, or the error that stopped it.
import { createServer } from 'node:http';
import { hostname } from 'node:os';

const [label = 'container', ...listens] = process.argv.slice(2);

function handler(port) {
  return (request, response) => {
    const body = `aws-runbook lab: ${label} on ${hostname()}:${port}\n`;
    // WordPress answers its login page with a redirect once installed; checks may look for it.
    if (request.url?.startsWith('/wp-login.php')) {
      response.writeHead(302, { location: '/wp-admin/', 'x-lab-container': label });
      response.end();
      return;
    }
    // What GitLab's readiness probe and Uptime Kuma's entry-page API answer, so checks can parse them.
    const json = { '/-/readiness': { status: 'ok', master_check: [{ status: 'ok' }] }, '/api/entry-page': { type: 'entryPage', entryPage: 'dashboard' } }[request.url?.split('?')[0] ?? ''];
    if (json) {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-lab-container': label });
      response.end(JSON.stringify(json));
      return;
    }
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-lab-container': label });
    response.end(request.method === 'HEAD' ? undefined : body);
  };
}

let pending = listens.length;
if (pending === 0) process.stdout.write('ready\n');
for (const listen of listens) {
  const at = listen.lastIndexOf(':');
  const bind = listen.slice(0, at);
  const port = Number(listen.slice(at + 1));
  const server = createServer(handler(port));
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
