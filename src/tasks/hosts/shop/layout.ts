import { posix } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseEnvFile } from './env-file.js';
import type { SourceTree } from './source-tree.js';

/**
 * The shop as its own source describes it, read from its compose file with a YAML parser: the services,
 * the ports published on the host, the service that runs Django's `manage.py`, the env sample the vendor
 * ships, and what the app's settings read. The tool never assumes the vendor's layout; it reads it. What it
 * cannot settle alone (no published port, several candidates) is a ShopLayoutProblem naming what it found
 * and the config field that settles it.
 */

export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
/** Env samples as Django projects ship them (Rocket eCommerce: env.sample). */
export const ENV_SAMPLES = ['env.sample', '.env.example', '.env.sample', 'env.example'];
/** Where a Django project keeps its settings (core/settings.py in the vendor's products). */
const SETTINGS = /(^|\/)settings(\.py|\/[^/]+\.py)$/;

export interface PublishedPort {
  service: string;
  /** The port on the host. */
  port: number;
  /** The port inside the container. */
  target: number;
  /** Bound to loopback only: reachable from the host itself, not from outside. */
  loopbackOnly: boolean;
}

export interface ComposeService {
  name: string;
  /** The build context under the app's root ('.' for the root), when the service is built. */
  build?: string;
  image?: string;
  ports: PublishedPort[];
}

export interface ShopLayout {
  composeFile: string;
  services: ComposeService[];
  /** Ports the web security group opens: every port published on all interfaces, sorted. */
  publicPorts: number[];
  /** The port the shop is reached on (the Summary's URL, the HTTP check). */
  port: number;
  /** The service whose build holds manage.py: migrations and setup commands run in it. */
  manageService: string;
  /** The env sample's entries in its order (values as shipped), or undefined when there is none. */
  envSample?: { file: string; entries: [string, string][] };
  /** Django management commands the source has (e.g. seed_tags). */
  commands: string[];
  /** The settings read ALLOWED_HOSTS from the environment (else writing it would do nothing). */
  readsAllowedHosts: boolean;
  /** The single top-level folder of the archive, when there was one. */
  top: string;
}

export class ShopLayoutProblem extends Error {
  override readonly name = 'ShopLayoutProblem';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

/** What the tool reads from a source tree: the compose files, env samples, settings and management commands. */
export function wantedSourceFile(file: string): boolean {
  return COMPOSE_FILES.includes(file) || ENV_SAMPLES.includes(file) || SETTINGS.test(file);
}

/** The tool's explicit choices for what the source cannot settle alone (config `shop.port`, `shop.service`). */
export interface LayoutChoices {
  port?: number | undefined;
  service?: string | undefined;
}

/** Compose's `${VAR:-default}` / `${VAR-default}` / `${VAR}`: the default when written, else empty (our .env is not written yet). */
function interpolateDefaults(text: string): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-?]([^}]*))?\}/g, (all, _name: string, fallback?: string) => (all === '$$' ? '$' : (fallback ?? '')));
}

/** A `ports:` entry in compose's short ("127.0.0.1:5085:5085/tcp") or long ({published, target, host_ip}) syntax. */
export function parsePortEntry(service: string, entry: unknown): PublishedPort[] {
  if (typeof entry === 'object' && entry !== null) {
    const long = entry as { published?: unknown; target?: unknown; host_ip?: unknown; protocol?: unknown };
    if (long.protocol !== undefined && long.protocol !== 'tcp') return [];
    if (long.published === undefined) return [];
    const port = Number(long.published);
    return [{ service, port, target: Number(long.target ?? port), loopbackOnly: isLoopback(String(long.host_ip ?? '')) }];
  }
  const [mapping = '', protocol = 'tcp'] = String(entry).split('/');
  if (protocol !== 'tcp') return [];
  const parts = mapping.startsWith('[') ? mapping.replace(/^\[([^\]]*)\]:/, '$1|').split(/\||:/) : mapping.split(':');
  if (parts.length < 2) return []; // "5005": a container port, published on a random host port: not an entry point
  const target = parts.pop() as string;
  const host = parts.pop() as string;
  const bind = parts.join(':');
  const [from, to = from] = host.split('-').map(Number);
  const [targetFrom] = target.split('-').map(Number);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from === undefined || to === undefined) return [];
  const ports: PublishedPort[] = [];
  for (let port = from; port <= to; port += 1) ports.push({ service, port, target: (targetFrom ?? port) + (port - from), loopbackOnly: isLoopback(bind) });
  return ports;
}

const isLoopback = (bind: string) => /^(127\.|::1$|localhost$)/.test(bind);

function servicesOf(doc: unknown, composeFile: string): ComposeService[] {
  const services = (doc as { services?: unknown } | null)?.services;
  if (typeof services !== 'object' || services === null || Array.isArray(services) || Object.keys(services).length === 0) {
    throw new ShopLayoutProblem(`the source's ${composeFile} has no services`, 'point shop.source at the Rocket eCommerce source as the vendor ships it (its docker-compose.yml declares the app and nginx services)');
  }
  return Object.entries(services as Record<string, Record<string, unknown> | null>).map(([name, spec]) => {
    const build = spec?.['build'];
    const context = typeof build === 'string' ? build : typeof build === 'object' && build !== null ? String((build as { context?: unknown }).context ?? '.') : undefined;
    const ports = Array.isArray(spec?.['ports']) ? (spec['ports'] as unknown[]).flatMap((entry) => parsePortEntry(name, entry)) : [];
    return {
      name,
      ...(context !== undefined ? { build: posix.normalize(context.replace(/^\.\/?/, '') || '.') } : {}),
      ...(typeof spec?.['image'] === 'string' ? { image: spec['image'] } : {}),
      ports,
    };
  });
}

function listPorts(ports: readonly PublishedPort[]): string {
  return ports.map((p) => `${p.port} (${p.service})`).join(', ');
}

function choosePort(services: readonly ComposeService[], composeFile: string, wanted: number | undefined): { port: number; publicPorts: number[] } {
  const published = services.flatMap((s) => s.ports);
  const open = published.filter((p) => !p.loopbackOnly);
  const publicPorts = [...new Set(open.map((p) => p.port))].sort((a, b) => a - b);
  if (wanted !== undefined) {
    if (publicPorts.includes(wanted)) return { port: wanted, publicPorts };
    throw new ShopLayoutProblem(
      `shop.port is ${wanted}, but the source's ${composeFile} publishes ${open.length > 0 ? listPorts(open) : 'no port'}`,
      open.length > 0 ? `set shop.port to one of ${publicPorts.join(', ')}, or remove it` : 'remove shop.port, and publish the shop\'s port in the compose file (`ports: ["5085:5085"]`)',
    );
  }
  if (publicPorts.length === 1) return { port: publicPorts[0]!, publicPorts };
  if (publicPorts.length === 0) {
    const loopback = published.length > 0 ? ` (only on loopback: ${listPorts(published)})` : '';
    throw new ShopLayoutProblem(
      `the source's ${composeFile} publishes no port on the host${loopback}, so nobody could reach the shop`,
      'use the vendor\'s compose file, whose nginx service publishes the shop ("5085:5085"), or publish one in yours',
    );
  }
  throw new ShopLayoutProblem(`the source's ${composeFile} publishes several ports: ${listPorts(open)}; which one is the shop?`, `set shop.port to the one visitors use (e.g. shop.port: ${publicPorts.at(-1)})`);
}

function chooseManageService(services: readonly ComposeService[], files: readonly string[], composeFile: string, wanted: string | undefined): string {
  const names = services.map((s) => s.name);
  if (wanted !== undefined) {
    if (names.includes(wanted)) return wanted;
    throw new ShopLayoutProblem(`shop.service is "${wanted}", but the source's ${composeFile} has ${names.join(', ')}`, `set shop.service to one of ${names.join(', ')}, or remove it`);
  }
  const manage = (context: string) => (context === '.' ? 'manage.py' : `${context}/manage.py`);
  const candidates = services.filter((s) => s.build !== undefined && files.includes(manage(s.build)));
  if (candidates.length === 1) return candidates[0]!.name;
  if (candidates.length === 0) {
    throw new ShopLayoutProblem(
      `no service of the source's ${composeFile} is built from the folder that holds manage.py (services: ${services.map((s) => `${s.name}${s.build ? ` built from ${s.build}` : s.image ? ` image ${s.image}` : ''}`).join(', ')})`,
      'point shop.source at the Rocket eCommerce source (manage.py next to its docker-compose.yml), or set shop.service to the service that runs Django',
    );
  }
  throw new ShopLayoutProblem(`several services of the source's ${composeFile} are built with manage.py: ${candidates.map((s) => s.name).join(', ')}`, `set shop.service to the one that runs Django's migrations (e.g. shop.service: ${candidates[0]!.name})`);
}

/** Reads the layout from a listed source. Throws ShopLayoutProblem with what it found and the field that settles it. */
export function shopLayout(tree: SourceTree, choices: LayoutChoices = {}): ShopLayout {
  const composeFile = COMPOSE_FILES.find((name) => tree.texts.has(name));
  if (!composeFile) {
    const found = tree.files.find((file) => COMPOSE_FILES.includes(posix.basename(file)));
    const nested = found && tree.top ? `${tree.top}/${found}` : found;
    throw new ShopLayoutProblem(
      `has no compose file (${COMPOSE_FILES.join(', ')}) at the top of the app${nested ? `: it has ${nested}` : ''}`,
      nested ? `point shop.source at the folder that holds ${nested}, or an archive of it` : 'point shop.source at the Rocket eCommerce source as the vendor ships it (a .zip, a .tar.gz or a folder with docker-compose.yml at its top)',
    );
  }
  let doc: unknown;
  try {
    doc = parseYaml(interpolateDefaults(tree.texts.get(composeFile) as string));
  } catch (error) {
    throw new ShopLayoutProblem(`its ${composeFile} is not valid YAML (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`, 'fix the compose file, or use the one the vendor ships');
  }
  const services = servicesOf(doc, composeFile);
  const { port, publicPorts } = choosePort(services, composeFile, choices.port);
  const manageService = chooseManageService(services, tree.files, composeFile, choices.service);
  const sampleFile = ENV_SAMPLES.find((name) => tree.texts.has(name));
  const settings = [...tree.texts].filter(([file]) => SETTINGS.test(file)).map(([, text]) => text);
  return {
    composeFile,
    services,
    publicPorts,
    port,
    manageService,
    ...(sampleFile ? { envSample: { file: sampleFile, entries: [...parseEnvFile(tree.texts.get(sampleFile) as string)] } } : {}),
    commands: tree.files.flatMap((file) => /(^|\/)management\/commands\/([a-z][a-z0-9_]*)\.py$/.exec(file)?.[2] ?? []).filter((c) => c !== '__init__'),
    readsAllowedHosts: settings.some((text) => text.split('\n').some((line) => /^\s*ALLOWED_HOSTS\s*=.*\b(environ|getenv|env)\b/.test(line))),
    top: tree.top,
  };
}
