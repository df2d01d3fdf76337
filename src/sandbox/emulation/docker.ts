import { compose } from './compose.js';
import { isRunning, listContainers } from './containers.js';
import { fail, ok, parseArgs, type Call, type ContainerRecord, type Outcome } from './host.js';
import { installedPackages } from './packages.js';
import { DOCKER_SOCKET, unitState } from './systemctl.js';

/**
 * The docker CLI of package docker.io (24.0.7 in noble): it needs root (the login user is not in the docker
 * group) and a daemon that answers (docker.service running, its socket there: systemctl.ts); `docker
 * compose` needs package docker-compose-v2 (compose.ts). Of the daemon's commands the runbook uses `info`
 * and `inspect`; `ps` lists the containers. Anything else is refused, said so.
 */

export const DOCKER_VERSION = '24.0.7';
const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

/** `{{.State.Running}} {{.Config.Image}}`-style templates over an object. */
function render(template: string, value: object): string {
  return template.replace(/\{\{\s*\.([A-Za-z.]+)\s*\}\}/g, (all, path: string) => {
    const found = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], value);
    return found === undefined ? '<no value>' : String(found);
  });
}

async function inspected(call: Call, container: ContainerRecord) {
  const running = await isRunning(call.host, container);
  return { Name: `/${container.name}`, Config: { Image: container.image }, State: { Running: running, Status: running ? 'running' : 'exited' } };
}

export async function docker(call: Call): Promise<Outcome> {
  const { host } = call;
  const [sub = '', ...rest] = call.args;
  if (sub === '--version' || sub === 'version') return ok(`Docker version ${DOCKER_VERSION}, build ${DOCKER_VERSION}-0ubuntu4\n`);
  if (sub === 'compose' && !(await installedPackages(call)).has('docker-compose-v2')) return fail(`docker: 'compose' is not a docker command.\nSee 'docker --help'`);
  if (sub === 'compose' && rest[0] === 'version') return compose(call, rest);
  if (call.user !== 'root') return fail('permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock');
  if (!(await unitState(host.fs, 'docker.service')).active || !(await host.fs.exists(DOCKER_SOCKET))) return fail(NO_DAEMON);
  const parsed = parseArgs(rest, ['--format', '-f', '--filter']);
  const format = parsed.values.get('--format') ?? parsed.values.get('-f');
  switch (sub) {
    case 'compose':
      return compose(call, rest);
    case 'info': {
      const all = await listContainers(host);
      const info = { ServerVersion: DOCKER_VERSION, Containers: all.length, Driver: 'overlay2', OperatingSystem: 'Ubuntu 24.04 LTS' };
      return ok(format ? `${render(format, info)}\n` : `Server Version: ${DOCKER_VERSION}\nContainers: ${all.length}\nStorage Driver: overlay2\n`);
    }
    case 'inspect': {
      let out = '';
      for (const name of parsed.operands) {
        const container = (await listContainers(host)).find((c) => c.name === name);
        if (!container) return fail(`Error: No such object: ${name}`, 1, out);
        const object = await inspected(call, container);
        out += format ? `${render(format, object)}\n` : `${JSON.stringify([object], null, 4)}\n`;
      }
      return ok(out);
    }
    case 'ps': {
      let out = format ? '' : 'NAMES   IMAGE   STATUS\n';
      for (const c of await listContainers(host)) {
        const running = await isRunning(host, c);
        if (!running && !parsed.flags.has('-a')) continue;
        out += format ? `${render(format, { Names: c.name, Image: c.image, Status: running ? 'Up' : 'Exited (0)', Ports: c.ports.map((p) => `${p.bind}:${p.port}->${p.target}/tcp`).join(', ') })}\n` : `${c.name}   ${c.image}   ${running ? 'Up' : 'Exited (0)'}\n`;
      }
      return ok(out);
    }
    default:
      return fail(`docker: the emulated Docker knows compose, info, inspect and ps, not '${sub}'`);
  }
}
