import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { resolvePath, type HostFiles, type PublishedPort } from './host.js';

/**
 * A Compose project as `docker compose` reads it (the Compose specification): the project directory's
 * compose.yaml … docker-compose.yml (or `-f`), `${VAR}`, `${VAR:-default}`, `${VAR:?error}` and `$$` from
 * the environment and the project's .env, each service's env_file(s) (a missing one is Compose's error)
 * and environment, published ports (short and long syntax, the host address they are bound to), named
 * volumes (`name:` or `<project>_<key>`; an undeclared one is an invalid project), profiles, and the build
 * context (its Dockerfile must exist to build).
 */

const FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

export interface ServiceSpec {
  name: string;
  image: string;
  build: string | undefined;
  dockerfile: string;
  containerName: string;
  ports: PublishedPort[];
  environment: Record<string, string>;
  volumes: Record<string, string>;
  profiles: string[];
  /** A hash of the service as resolved (its env files' values included): a changed service is recreated by `up`. */
  config: string;
}

export interface Project {
  name: string;
  dir: string;
  services: ServiceSpec[];
}

export class ComposeError extends Error {}

/** `KEY=value` lines (comments, blanks skipped; surrounding quotes removed). */
export function envLines(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (match) values[match[1] as string] = (match[2] ?? '').trim().replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (all === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = vars[name];
    const unset = op?.startsWith(':') ? !value : value === undefined;
    if (op?.endsWith('-') && unset) return arg ?? '';
    if (op?.endsWith('?') && unset) throw new ComposeError(`required variable ${name} is missing a value: ${arg ?? ''}`);
    return value ?? '';
  });
}

const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function publishedPorts(entry: unknown): PublishedPort[] {
  if (typeof entry === 'object' && entry !== null) {
    const long = entry as { published?: unknown; target?: unknown; host_ip?: unknown; protocol?: unknown };
    if (long.published === undefined || (long.protocol ?? 'tcp') !== 'tcp') return [];
    return [{ bind: typeof long.host_ip === 'string' ? long.host_ip : '0.0.0.0', port: Number(long.published), target: Number(long.target) }];
  }
  const [mapping = '', protocol = 'tcp'] = String(entry).split('/');
  const parts = mapping.split(':');
  if (parts.length < 2 || protocol !== 'tcp') return [];
  const target = Number(parts.pop());
  const port = Number(parts.pop());
  return [{ bind: parts.length > 0 ? parts.join(':').replace(/^\[|\]$/g, '') : '0.0.0.0', port, target }];
}

function namedVolumes(entries: unknown, declared: Record<string, { name?: unknown } | null>, project: string): Record<string, string> {
  const volumes: Record<string, string> = {};
  for (const entry of asList(entries)) {
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

type Doc = { name?: unknown; services?: Record<string, Record<string, unknown>>; volumes?: Record<string, { name?: unknown } | null> };

export async function loadProject(fs: HostFiles, options: { cwd: string; files: string[]; directory?: string; name?: string; env: Record<string, string | undefined> }): Promise<Project> {
  let files = options.files.map((file) => resolvePath(options.cwd, file));
  if (files.length === 0) {
    const dir = resolvePath(options.cwd, options.directory ?? '.');
    for (const name of FILES) if (files.length === 0 && (await fs.exists(`${dir}/${name}`))) files = [`${dir}/${name}`];
  }
  for (const file of files) if (!(await fs.exists(file))) throw new ComposeError(`open ${file}: no such file or directory`);
  if (files.length === 0) throw new ComposeError('no configuration file provided: not found');
  const dir = resolvePath(options.cwd, options.directory ?? ((files[0] as string).replace(/\/[^/]*$/, '') || '/'));
  const dotEnv = (await fs.exists(`${dir}/.env`)) ? envLines(await fs.read(`${dir}/.env`)) : {};
  const vars = { ...dotEnv, ...options.env };
  const doc: Required<Doc> = { name: undefined, services: {}, volumes: {} };
  for (const file of files) {
    let part: Doc;
    try {
      part = (parseYaml(interpolate(await fs.read(file), vars)) ?? {}) as Doc;
    } catch (error) {
      throw error instanceof ComposeError ? error : new ComposeError(`${file}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    doc.name ??= part.name;
    for (const [service, spec] of Object.entries(part.services ?? {})) doc.services[service] = { ...doc.services[service], ...spec };
    Object.assign(doc.volumes, part.volumes ?? {});
  }
  const fallback = dir.split('/').pop() ?? '';
  const name = (options.name ?? vars['COMPOSE_PROJECT_NAME'] ?? (typeof doc.name === 'string' ? doc.name : fallback)).toLowerCase().replace(/[^a-z0-9_-]/g, '');
  const services: ServiceSpec[] = [];
  for (const [service, spec] of Object.entries(doc.services)) {
    const build = spec['build'] as string | { context?: string; dockerfile?: string } | undefined;
    if (spec['image'] === undefined && build === undefined) throw new ComposeError(`service "${service}" has neither an image nor a build context specified: invalid compose project`);
    const environment: Record<string, string> = {};
    for (const entry of asList(spec['env_file'])) {
      const path = resolvePath(dir, typeof entry === 'object' && entry !== null ? String((entry as { path?: unknown }).path) : String(entry));
      if (!(await fs.exists(path))) throw new ComposeError(`env file ${path} not found: stat ${path}: no such file or directory`);
      Object.assign(environment, envLines(await fs.read(path)));
    }
    Object.assign(environment, asRecord(spec['environment']));
    const resolved: Omit<ServiceSpec, 'config'> = {
      name: service,
      image: typeof spec['image'] === 'string' ? spec['image'] : `${name}-${service}`,
      build: build === undefined ? undefined : resolvePath(dir, typeof build === 'string' ? build : (build.context ?? '.')),
      dockerfile: typeof build === 'object' ? (build.dockerfile ?? 'Dockerfile') : 'Dockerfile',
      containerName: typeof spec['container_name'] === 'string' ? spec['container_name'] : `${name}-${service}-1`,
      ports: asList(spec['ports']).flatMap(publishedPorts),
      environment,
      volumes: namedVolumes(spec['volumes'], doc.volumes, name),
      profiles: asList(spec['profiles']).map(String),
    };
    services.push({ ...resolved, config: createHash('sha256').update(JSON.stringify(resolved)).digest('hex') });
  }
  return { name, dir, services };
}
