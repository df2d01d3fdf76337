/* global process */
// A container's server on a lab host, started by lab-host.mjs (detached): what the emulation says the
// container's image answers (src/sandbox/emulation/apps.ts), on each published port, bound where Compose
// asked (a port on 127.0.0.1 is not reachable from other hosts). Prints "ready" once it listens on every
// port, "taken PORT" when one is in use, or the error that stopped it. The container is EMULATED_CONTAINER.
import { createServer } from 'node:http';
import { answerHttp, isKuma, kumaServer } from '../emulation/apps.js';
import { labHost } from './lab-host.mjs';

const container = JSON.parse(process.env.EMULATED_CONTAINER ?? '{}');
const host = await labHost();
// Writes after the command that started us has gone must not kill us.
process.stdout.on('error', () => undefined);
process.on('SIGTERM', () => process.exit(0));

async function server() {
  if (isKuma(container.image)) return kumaServer(host, container);
  return createServer((request, response) => {
    answerHttp(host, container, request.url ?? '/').then(
      (answer) => {
        response.writeHead(answer.status, answer.headers ?? {});
        response.end(request.method === 'HEAD' ? undefined : answer.body);
      },
      (error) => {
        response.writeHead(500);
        response.end(String(error));
      },
    );
  });
}

let pending = container.ports.length;
if (pending === 0) process.stdout.write('ready\n');
for (const { bind, port } of container.ports) {
  const listening = await server();
  listening.once('error', (error) => {
    process.stdout.write(error.code === 'EADDRINUSE' ? `taken ${port}\n` : `cannot listen on ${bind}:${port}: ${error.code ?? error.message}\n`);
    process.exit(1);
  });
  listening.listen(port, bind, () => {
    pending -= 1;
    if (pending === 0) process.stdout.write('ready\n');
  });
}
