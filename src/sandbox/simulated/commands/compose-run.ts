import type { ExecResult, ResolvedCommandContext } from 'just-bash';
import type { SimulatedHost } from '../host.js';
import { fail, stdinText } from '../shell/results.js';
import type { Project } from './compose.js';
import { wpCli } from './wp-cli.js';

/**
 * `docker compose run [--rm] [-T] [-e K=V] SERVICE COMMAND…` on a simulated host: a one-off container of the
 * service (whatever its profile: `run` activates it, as Compose does), with the service's environment and
 * volumes and the caller's stdin. The simulated Docker runs one image this way: WP-CLI (`wordpress:cli`),
 * whose commands the runbook uses are in wp-cli.ts; any other image is refused, said so.
 */

const WITH_VALUE = new Set(['-e', '--env', '-w', '--workdir', '-u', '--user', '--name', '--entrypoint', '-l', '--label', '-v', '--volume', '-p', '--publish']);

export async function composeRun(host: SimulatedHost, project: Project, args: readonly string[], ctx: ResolvedCommandContext): Promise<ExecResult> {
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < args.length && (args[i] as string).startsWith('-'); i += 1) {
    const option = args[i] as string;
    if (!WITH_VALUE.has(option)) continue;
    const value = args[++i] ?? '';
    if (option === '-e' || option === '--env') {
      const [key = '', rest] = value.split(/=(.*)/s);
      env[key] = rest ?? '';
    }
  }
  const [serviceName, ...command] = args.slice(i);
  if (!serviceName) return fail('"docker compose run" requires at least 1 argument.\nSee \'docker compose run --help\'.', 1);
  const service = project.services.find((s) => s.name === serviceName);
  if (!service) return fail(`no such service: ${serviceName}`, 1);
  if (service.image.startsWith('wordpress:cli')) {
    return wpCli(host, { environment: { ...service.environment, ...env }, volumes: service.volumes }, command, stdinText(ctx));
  }
  return fail(`the simulated Docker runs only WP-CLI (wordpress:cli) with \`docker compose run\`, not ${service.image}`, 125);
}
