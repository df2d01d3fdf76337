import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import type { ExecResult, IFileSystem, ResolvedCommandContext } from 'just-bash';
import { parse as parseYaml } from 'yaml';
import type { Container, SimulatedHost } from '../host.js';
import { fail, ok, parseArgs } from '../shell/results.js';
import { containerListener } from './apps.js';
import { composeRun } from './compose-run.js';
import { manage } from './django.js';

/**
 * `docker compose` on a simulated host: the project's compose file read from the host (with `.env`
 * interpolation, `env_file`, published ports and the address they are bound to, named volumes, profiles),
 * `up -d [--build]` creating or recreating what changed and publishing its ports (services under a profile
 * only when it is active, as Compose does), `run` (compose-run.ts), `ps`, `exec`, `logs`, `down`.
 * Containers answer HTTP as their image would (apps.ts).
 */

const FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
export const COMPOSE_VERSION = '2.27.1+ds1-0ubuntu1~24.04.1';

export interface ServiceSpec {
  name: string;
  image: string;
  build: string | undefined;
  containerName: string;
  ports: number[];
  /** Of `ports`, those published on 127.0.0.1 only. */
  loopback: number[];
  environment: Record<string, string>;
  /** Named volumes by mount point. */
  volumes: Record<string, string>;
  profiles: string[];
}

export interface Project {
  name: string;
  dir: string;
  services: ServiceSpec[];
}

export class ComposeError extends Error {}

/** `KEY=value` lines (comments, blanks skipped; surrounding quotes removed). */
function envLines(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (match) values[match[1] as string] = (match[2] ?? '').trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced?: string, op?: string, fallback?: string, bare?: string) => {
    if (all === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = vars[name];
    if (op === ':-') return value ? value : (fallback ?? '');
    if (op === '-') return value ?? fallback ?? '';
    return value ?? '';
  });
}

function publishedPort(entry: unknown): { port: number; bind: string } {
  if (typeof entry === 'object' && entry !== null && 'published' in entry) {
    const long = entry as { published: unknown; host_ip?: unknown };
    return { port: Number(long.published), bind: typeof long.host_ip === 'string' ? long.host_ip : '0.0.0.0' };
  }
  const parts = String(entry).replace(/\/(tcp|udp)$/, '').split(':');
  if (parts.length < 2) throw new ComposeError(`port ${String(entry)} is not published on the host`);
  return { port: Number(parts.at(-2)), bind: parts.length > 2 ? parts.slice(0, -2).join(':').replace(/^\[|\]$/g, '') : '0.0.0.0' };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** A service's named volumes (`name:/path[:ro]` or `{ type: volume, source, target }`), as Compose names them: `name:` or `<project>_<key>`. */
function namedVolumes(entries: unknown, declared: Record<string, { name?: unknown } | null>, project: string): Record<string, string> {
  const volumes: Record<string, string> = {};
  for (const entry of Array.isArray(entries) ? entries : []) {
    const [source, target] = typeof entry === 'object' && entry !== null ? [String((entry as { source?: unknown }).source ?? ''), String((entry as { target?: unknown }).target ?? '')] : String(entry).split(':');
    if (!source || !target || source.startsWith('.') || source.startsWith('/')) continue;
    if (!(source in declared)) throw new ComposeError(`service refers to undefined volume ${source}: invalid compose project`);
    const name = declared[source]?.name;
    volumes[target] = typeof name === 'string' ? name : `${project}_${source}`;
  }
  return volumes;
}

function asRecord(value: unknown): Record<string, string> {
  if (Array.isArray(value)) return Object.fromEntries(value.map((item) => String(item).split(/=(.*)/s).slice(0, 2) as [string, string]));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null ? '' : String(v)]));
  return {};
}

async function loadProject(fs: IFileSystem, dir: string, file: string | undefined, env: Record<string, string>): Promise<Project> {
  const candidates = file ? [file] : FILES.map((name) => posix.join(dir, name));
  let path: string | undefined;
  for (const candidate of candidates) if (await fs.exists(candidate)) path = path ?? candidate;
  if (!path) throw new ComposeError(file ? `open ${file}: no such file or directory` : 'no configuration file provided: not found');
  const dotEnv = (await fs.exists(posix.join(dir, '.env'))) ? envLines(await fs.readFile(posix.join(dir, '.env'))) : {};
  const vars = { ...dotEnv, ...env };
  let doc: { name?: unknown; services?: Record<string, Record<string, unknown>>; volumes?: Record<string, { name?: unknown } | null> };
  try {
    doc = (parseYaml(interpolate(await fs.readFile(path), vars)) ?? {}) as typeof doc;
  } catch (error) {
    throw new ComposeError(`${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
  const name = typeof doc.name === 'string' ? doc.name : posix.basename(dir).toLowerCase().replace(/[^a-z0-9_-]/g, '');
  const services: ServiceSpec[] = [];
  for (const [service, spec] of Object.entries(doc.services ?? {})) {
    const build = typeof spec['build'] === 'string' ? spec['build'] : typeof spec['build'] === 'object' && spec['build'] !== null ? String((spec['build'] as { context?: unknown }).context ?? '.') : undefined;
    const envFiles = spec['env_file'] === undefined ? [] : Array.isArray(spec['env_file']) ? spec['env_file'].map(String) : [String(spec['env_file'])];
    const environment: Record<string, string> = {};
    for (const envFile of envFiles) {
      const envPath = posix.resolve(dir, envFile);
      if (!(await fs.exists(envPath))) throw new ComposeError(`env file ${envPath} not found: stat ${envPath}: no such file or directory`);
      Object.assign(environment, envLines(await fs.readFile(envPath)));
    }
    Object.assign(environment, asRecord(spec['environment']));
    const image = typeof spec['image'] === 'string' ? spec['image'] : `${name}-${service}`;
    if (spec['image'] === undefined && build === undefined) throw new ComposeError(`service "${service}" has neither an image nor a build context specified: invalid compose project`);
    const published = (Array.isArray(spec['ports']) ? spec['ports'] : []).map(publishedPort);
    services.push({
      name: service,
      image,
      build: build === undefined ? undefined : posix.resolve(dir, build),
      containerName: typeof spec['container_name'] === 'string' ? spec['container_name'] : `${name}-${service}-1`,
      ports: published.map((p) => p.port),
      loopback: published.filter((p) => LOOPBACK.has(p.bind)).map((p) => p.port),
      environment,
      volumes: namedVolumes(spec['volumes'], doc.volumes ?? {}, name),
      profiles: Array.isArray(spec['profiles']) ? spec['profiles'].map(String) : [],
    });
  }
  return { name, dir, services };
}

function configHash(service: ServiceSpec): string {
  return createHash('sha256').update(JSON.stringify(service)).digest('hex');
}

async function up(host: SimulatedHost, fs: IFileSystem, project: Project, build: boolean, profiles: readonly string[]): Promise<ExecResult> {
  let stderr = '';
  // A service under a profile starts only when one of its profiles is active (--profile, COMPOSE_PROFILES).
  for (const service of project.services.filter((s) => s.profiles.length === 0 || s.profiles.some((p) => profiles.includes(p)))) {
    if (service.build !== undefined && !(await fs.exists(posix.join(service.build, 'Dockerfile')))) {
      return fail(`${stderr}failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory`, 17);
    }
    for (const port of service.ports) {
      const taken = host.listeners.get(port);
      if (taken && taken.owner !== `container ${service.containerName}`) return fail(`${stderr}Error response from daemon: driver failed programming external connectivity on endpoint ${service.containerName}: Bind for 0.0.0.0:${port} failed: port is already allocated`);
    }
    if (service.build !== undefined && build) stderr += ` => [${service.name}] building ${service.image} from ${service.build}/Dockerfile (simulated)\n`;
    const hash = configHash(service);
    const existing = host.containers.get(service.containerName);
    const same = existing?.running && existing.environment['__config'] === hash && !(build && service.build !== undefined);
    const container: Container = { name: service.containerName, image: service.image, project: project.name, service: service.name, running: true, ports: service.ports, environment: { ...service.environment, __config: hash }, volumes: service.volumes };
    host.containers.set(container.name, container);
    for (const port of service.ports) host.listeners.set(port, containerListener(host, container, { loopbackOnly: service.loopback.includes(port) }));
    // The wordpress image's entrypoint copies WordPress into an empty /var/www/html before Apache starts.
    const html = service.volumes['/var/www/html'];
    if (html && service.image.startsWith('wordpress') && !service.image.startsWith('wordpress:cli')) host.volumes.set(html, { ...host.volumes.get(html), wordpressFiles: true });
    stderr += ` Container ${container.name}  ${same ? 'Running' : existing ? 'Recreated' : 'Started'}\n`;
  }
  return ok('', stderr);
}

function down(host: SimulatedHost, project: Project): ExecResult {
  let stderr = '';
  for (const container of [...host.containers.values()].filter((c) => c.project === project.name)) {
    host.containers.delete(container.name);
    for (const port of container.ports) if (host.listeners.get(port)?.owner === `container ${container.name}`) host.listeners.delete(port);
    stderr += ` Container ${container.name}  Removed\n`;
  }
  return ok('', stderr);
}

/** `docker compose ARGS` (after `compose`) in the caller's directory. */
export async function compose(host: SimulatedHost, args: string[], ctx: ResolvedCommandContext): Promise<ExecResult> {
  const parsed = parseArgs(args, ['-f', '--file', '--project-directory', '-p', '--project-name', '--status', '--tail', '--profile']);
  const [action = ''] = parsed.operands;
  if (action === 'version') return ok(`Docker Compose version ${COMPOSE_VERSION}\n`);
  const file = parsed.values.get('-f') ?? parsed.values.get('--file');
  const filePath = file === undefined ? undefined : ctx.fs.resolvePath(ctx.cwd, file);
  const dir = parsed.values.get('--project-directory') ?? (filePath ? posix.dirname(filePath) : ctx.cwd);
  try {
    const project = await loadProject(ctx.fs, dir, filePath, ctx.exportedEnv ?? {});
    const containers = () => [...host.containers.values()].filter((c) => c.project === project.name);
    switch (action) {
      case 'up':
        if (!parsed.flags.has('-d') && !parsed.flags.has('--detach')) return fail('the simulated Docker runs compose projects detached only: use `up -d`');
        return await up(host, ctx.fs, project, parsed.flags.has('--build'), [...(parsed.values.get('--profile') ?? '').split(','), ...(ctx.exportedEnv?.['COMPOSE_PROFILES'] ?? '').split(',')].filter(Boolean));
      case 'run':
        return await composeRun(host, project, args.slice(args.indexOf('run') + 1), ctx);
      case 'down':
        return down(host, project);
      case 'ps': {
        const status = parsed.values.get('--status');
        const listed = containers().filter((c) => status === undefined || (status === 'running') === c.running);
        return ok(listed.map((c) => (parsed.flags.has('--services') ? `${c.service}\n` : `${c.name}\t${c.image}\t${c.running ? 'running' : 'exited'}\n`)).join(''));
      }
      case 'exec': {
        const tail = args.slice(args.indexOf('exec') + 1);
        const extraEnv: Record<string, string> = {};
        while (tail[0]?.startsWith('-')) {
          const option = tail.shift() as string;
          if (option === '-e' || option === '--env') {
            // `-e NAME` takes NAME from the caller's environment, as Compose does.
            const [name = '', value] = (tail.shift() ?? '').split(/=(.*)/s);
            const resolved = value ?? ctx.exportedEnv?.[name];
            if (resolved !== undefined) extraEnv[name] = resolved;
          } else if (['-u', '--user', '-w', '--workdir', '--index'].includes(option)) tail.shift();
        }
        const [service = '', ...command] = tail;
        const spec = project.services.find((s) => s.name === service);
        if (!spec) return fail(`no such service: ${service}`);
        const container = containers().find((c) => c.service === service);
        if (!container?.running) return fail(`service "${service}" is not running`);
        const [program, script, ...rest] = command;
        if (!['python', 'python3'].includes(program ?? '') || script !== 'manage.py') return fail(`the simulated containers run only \`python manage.py …\` (asked: ${command.join(' ')})`, 126);
        return await manage(host, ctx.fs, container, spec.build ?? '/nonexistent-image-filesystem', rest, extraEnv);
      }
      case 'logs':
        return ok(containers().map((c) => `${c.name}  | (simulated: ${c.image} started)\n`).join(''));
      default:
        return fail(`unknown docker compose command: ${action}`);
    }
  } catch (error) {
    if (error instanceof ComposeError) return fail(error.message, 1);
    throw error;
  }
}
