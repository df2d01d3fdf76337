import type { Command } from 'just-bash';
import type { CommandEnv } from '../host.js';
import { command, fail, ok, parseArgs } from '../shell/results.js';
import { compose } from './compose.js';

/**
 * The docker CLI of package docker.io: it needs root (the login user is not in the docker group) and a
 * running daemon (unit docker.service); `docker compose` needs package docker-compose-v2.
 */

export const DOCKER_VERSION = '24.0.7';
const NO_DAEMON = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

/** `{{.State.Running}} {{.Config.Image}}`-style templates over a container. */
function render(template: string, fields: Record<string, string>): string {
  return template.replace(/\{\{\s*(\.[A-Za-z.]+)\s*\}\}/g, (all, path: string) => fields[path] ?? all);
}

export function docker(env: CommandEnv): Command {
  return command('docker', async (args, ctx) => {
    env.host.record(['docker', ...args]);
    const host = env.host;
    const [sub = ''] = args;
    if (sub === 'compose' && !host.installed.has('docker-compose-v2')) return fail(`docker: 'compose' is not a docker command.\nSee 'docker --help'`);
    if (sub === 'compose' && args[1] === 'version') return compose(host, args.slice(1), ctx);
    if (sub === '--version' || sub === 'version') return ok(`Docker version ${DOCKER_VERSION}, build 24.0.7-0ubuntu4 (simulated)\n`);
    if (env.user !== 'root') return fail('permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock');
    if (!host.units.get('docker.service')?.active) return fail(NO_DAEMON);
    const parsed = parseArgs(args.slice(1), ['--format', '-f']);
    switch (sub) {
      case 'compose':
        return compose(host, args.slice(1), ctx);
      case 'info': {
        const format = parsed.values.get('--format') ?? parsed.values.get('-f');
        const fields = { '.ServerVersion': DOCKER_VERSION, '.Containers': String(host.containers.size) };
        return ok(format ? `${render(format, fields)}\n` : `Server Version: ${DOCKER_VERSION}\nContainers: ${host.containers.size}\n`);
      }
      case 'inspect': {
        const format = parsed.values.get('--format') ?? parsed.values.get('-f');
        let out = '';
        for (const name of parsed.operands) {
          const container = host.containers.get(name);
          if (!container) return fail(`Error: No such object: ${name}`, 1, out);
          const fields = { '.State.Running': String(container.running), '.Config.Image': container.image, '.Name': `/${container.name}` };
          out += format ? `${render(format, fields)}\n` : `${JSON.stringify([{ Name: `/${container.name}`, Config: { Image: container.image }, State: { Running: container.running } }], null, 4)}\n`;
        }
        return ok(out);
      }
      case 'ps':
        return ok([...host.containers.values()].filter((c) => c.running || parsed.flags.has('-a')).map((c) => `${c.name}\t${c.image}\n`).join(''));
      default:
        return fail(`docker: the simulated Docker knows compose, info, inspect and ps, not '${sub}'`);
    }
  });
}
