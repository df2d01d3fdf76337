import { ComposeError, loadProject, type Project, type ServiceSpec } from './compose-file.js';
import { findContainer, isRunning, listContainers, removeContainer, startContainer } from './containers.js';
import { manage } from './django.js';
import { fail, ok, parseArgs, PortTakenError, type Call, type Outcome } from './host.js';
import { NOBLE_PACKAGES } from './noble-packages.js';
import { copyWordpressFiles, wpCliContainer } from './wp-cli.js';

/**
 * `docker compose` (package docker-compose-v2) on a host: `up -d [--build]` creating what is missing and
 * recreating what changed (services under a profile only when it is active: --profile, COMPOSE_PROFILES),
 * publishing their ports; `down`; `ps`; `logs`; `exec SERVICE python manage.py …` in the shop's Django
 * container (django.ts); `run SERVICE wp …` for WP-CLI's one-off container (wp-cli.ts), whatever its
 * profile, as Compose does. The images' programs do not run: the emulation answers as they would
 * (apps.ts); any other image asked to run a command is refused, said so. The project is compose-file.ts.
 */

export const COMPOSE_VERSION = NOBLE_PACKAGES['docker-compose-v2']?.version ?? '';
const GLOBAL_VALUED = ['-f', '--file', '-p', '--project-name', '--project-directory', '--profile', '--env-file', '--ansi', '--progress'];

/** Global options (before the subcommand) and the subcommand's own words. */
function split(args: readonly string[]): { files: string[]; values: Map<string, string[]>; action: string; rest: string[] } {
  const values = new Map<string, string[]>();
  let i = 0;
  for (; i < args.length && (args[i] as string).startsWith('-'); i += 1) {
    const [flag = '', inline] = (args[i] as string).split(/=(.*)/s);
    if (!GLOBAL_VALUED.includes(flag)) continue;
    values.set(flag, [...(values.get(flag) ?? []), inline ?? (args[++i] as string)]);
  }
  return { files: [...(values.get('-f') ?? []), ...(values.get('--file') ?? [])], values, action: args[i] ?? '', rest: args.slice(i + 1) };
}

/** `-e K=V` / `-e K` (from the caller's environment) and the options taking a value, before the service. */
function serviceArgs(call: Call, rest: readonly string[]): { env: Record<string, string>; service: string | undefined; command: string[] } {
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < rest.length && (rest[i] as string).startsWith('-'); i += 1) {
    const option = rest[i] as string;
    if (option === '-e' || option === '--env') {
      const [name = '', value] = (rest[++i] ?? '').split(/=(.*)/s);
      const resolved = value ?? call.env[name];
      if (resolved !== undefined) env[name] = resolved;
    } else if (['-u', '--user', '-w', '--workdir', '--index', '--name', '--entrypoint', '-l', '--label', '-v', '--volume', '-p', '--publish'].includes(option)) i += 1;
  }
  const [service, ...command] = rest.slice(i);
  return { env, service, command };
}

async function up(call: Call, project: Project, build: boolean, profiles: readonly string[]): Promise<Outcome> {
  const { host } = call;
  const active = project.services.filter((s) => s.profiles.length === 0 || s.profiles.some((p) => profiles.includes(p)));
  for (const service of active) {
    if (service.build !== undefined && !(await host.fs.exists(`${service.build}/${service.dockerfile}`))) {
      return fail(`failed to solve: failed to read dockerfile: open ${service.dockerfile}: no such file or directory`, 17);
    }
  }
  let stderr = '';
  for (const service of active) {
    const existing = await findContainer(host, service.containerName);
    if (existing && existing.config === service.config && !(build && service.build) && (await isRunning(host, existing))) {
      stderr += ` Container ${service.containerName}  Running\n`;
      continue;
    }
    if (existing) await removeContainer(host, existing.name);
    if (service.build !== undefined && build) stderr += ` ${service.name} Built\n`;
    try {
      await startContainer(host, record(project, service));
    } catch (error) {
      if (!(error instanceof PortTakenError)) throw error;
      return fail(`${stderr}Error response from daemon: driver failed programming external connectivity on endpoint ${service.containerName}: Bind for 0.0.0.0:${error.port} failed: port is already allocated`);
    }
    const html = service.volumes['/var/www/html'];
    if (html && service.image.startsWith('wordpress') && !service.image.startsWith('wordpress:cli')) await copyWordpressFiles(host, html);
    stderr += ` Container ${service.containerName}  ${existing ? 'Recreated' : 'Started'}\n`;
  }
  return ok('', stderr);
}

const record = (project: Project, service: ServiceSpec) => ({
  name: service.containerName,
  image: service.image,
  project: project.name,
  service: service.name,
  ports: service.ports,
  environment: service.environment,
  volumes: service.volumes,
  ...(service.build === undefined ? {} : { build: service.build }),
  config: service.config,
});

async function exec(call: Call, project: Project, rest: readonly string[]): Promise<Outcome> {
  const { env, service, command } = serviceArgs(call, rest);
  const spec = project.services.find((s) => s.name === service);
  if (!spec) return fail(`no such service: ${service ?? ''}`);
  const container = (await listContainers(call.host)).find((c) => c.project === project.name && c.service === service);
  if (!container || !(await isRunning(call.host, container))) return fail(`service "${service}" is not running`);
  const [program, script, ...args] = command;
  if (!['python', 'python3'].includes(program ?? '') || script !== 'manage.py') return fail(`the emulated containers run only \`python manage.py …\` (asked: ${command.join(' ')})`, 126);
  return manage(call, spec.build ?? '/nonexistent-image-filesystem', args, { ...container.environment, ...env });
}

async function run(call: Call, project: Project, rest: readonly string[]): Promise<Outcome> {
  const { env, service, command } = serviceArgs(call, rest);
  if (!service) return fail('"docker compose run" requires at least 1 argument.\nSee \'docker compose run --help\'.');
  const spec = project.services.find((s) => s.name === service);
  if (!spec) return fail(`no such service: ${service}`);
  if (!spec.image.startsWith('wordpress:cli')) return fail(`the emulated Docker runs only WP-CLI (wordpress:cli) with \`docker compose run\`, not ${spec.image}`, 125);
  return wpCliContainer(call, { environment: { ...spec.environment, ...env }, volumes: spec.volumes }, command);
}

/** `docker compose ARGS` (after `compose`) in the caller's directory. */
export async function compose(call: Call, args: readonly string[]): Promise<Outcome> {
  const { files, values, action, rest } = split(args);
  if (action === 'version') return ok(`Docker Compose version ${COMPOSE_VERSION}\n`);
  try {
    const project = await loadProject(call.host.fs, { cwd: call.cwd, files, env: call.env, ...optional('directory', values.get('--project-directory')?.[0]), ...optional('name', (values.get('-p') ?? values.get('--project-name'))?.[0]) });
    const mine = async () => (await listContainers(call.host)).filter((c) => c.project === project.name);
    const parsed = parseArgs(rest, ['--status', '--tail', '--format']);
    switch (action) {
      case 'up': {
        if (!parsed.flags.has('-d') && !parsed.flags.has('--detach')) return fail('the emulated Docker runs compose projects detached only: use `up -d`');
        const profiles = [...(values.get('--profile') ?? []), ...(call.env['COMPOSE_PROFILES'] ?? '').split(',')].filter(Boolean);
        return await up(call, project, parsed.flags.has('--build'), profiles);
      }
      case 'down': {
        let stderr = '';
        for (const container of await mine()) {
          await removeContainer(call.host, container.name);
          stderr += ` Container ${container.name}  Removed\n`;
        }
        return ok('', stderr);
      }
      case 'ps': {
        const status = parsed.values.get('--status');
        let out = parsed.flags.has('--services') ? '' : 'NAME   IMAGE   SERVICE   STATUS\n';
        for (const c of await mine()) {
          const running = await isRunning(call.host, c);
          if (status !== undefined && (status === 'running') !== running) continue;
          out += parsed.flags.has('--services') ? `${c.service}\n` : `${c.name}   ${c.image}   ${c.service}   ${running ? 'Up' : 'Exited (0)'}\n`;
        }
        return ok(out);
      }
      case 'exec':
        return await exec(call, project, rest);
      case 'run':
        return await run(call, project, rest);
      case 'logs':
        return ok((await mine()).map((c) => `${c.name}  | (emulated: ${c.image} started)\n`).join(''));
      default:
        return fail(`unknown docker compose command: ${action}`);
    }
  } catch (error) {
    if (error instanceof ComposeError) return fail(error.message, 1);
    throw error;
  }
}

const optional = <K extends string>(key: K, value: string | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, string>));
