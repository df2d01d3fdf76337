/* global process, console */
// `docker compose` stand-in: reads the compose file(s) like Compose does (the project directory's
// compose.yaml / docker-compose.yml or -f, `${VAR:-default}` from the environment and the project's .env,
// named volumes, profiles), and "runs" each service as a container of the docker stand-in: a responder on
// its published ports, recreated when its service changed (`up` compares a hash of it, as Compose does),
// services under a profile only when the profile is active. `run` starts a one-off container of a service
// (wp-cli.mjs: the wordpress:cli image is the only one it runs).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { startContainer } from './docker.mjs';
import { describePorts, parseComposePort } from './ports.mjs';
import { containers, fail, removeContainer, volumeDir, wordpressVolume } from './state.mjs';
import { manage } from './django.mjs';
import { wpCli } from './wp-cli.mjs';

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

function dotEnv(dir) {
  const file = `${dir}/.env`;
  return existsSync(file) ? dotEnvText(readFileSync(file, 'utf8')) : {};
}

function dotEnvText(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (match) env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/** ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?message}, $VAR and $$, as Compose interpolates. */
function interpolate(text, env) {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name, op, arg, bare) => {
    if (whole === '$$') return '$';
    const key = name ?? bare;
    const value = env[key];
    const unset = op?.startsWith(':') ? !value : value === undefined;
    if (op?.endsWith('-') && unset) return arg;
    if (op?.endsWith('?') && unset) throw new Error(`required variable ${key} is missing a value: ${arg}`);
    return value ?? '';
  });
}

function parseArgs(argv) {
  const files = [];
  const profiles = (process.env.COMPOSE_PROFILES ?? '').split(',').filter(Boolean);
  let project;
  let directory;
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i += 1) {
    const word = argv[i];
    if (word === '-f' || word === '--file') files.push(argv[(i += 1)]);
    else if (word === '-p' || word === '--project-name') project = argv[(i += 1)];
    else if (word === '--project-directory') directory = argv[(i += 1)];
    else if (word === '--profile') profiles.push(argv[(i += 1)]);
    else if (word === '--env-file' || word === '--ansi' || word === '--progress') i += 1;
  }
  return { files, project, directory, profiles, sub: argv[i] ?? '', rest: argv.slice(i + 1) };
}

function load(args) {
  const files = args.files.length > 0 ? args.files.map((f) => resolve(f)) : DEFAULT_FILES.map((f) => resolve(args.directory ?? '.', f)).filter(existsSync).slice(0, 1);
  if (files.length === 0 || !files.every(existsSync)) throw new Error('no configuration file provided: not found');
  const directory = resolve(args.directory ?? dirname(files[0]));
  const env = { ...dotEnv(directory), ...process.env };
  const services = {};
  const declared = {};
  let name;
  for (const file of files) {
    const doc = YAML.parse(interpolate(readFileSync(file, 'utf8'), env)) ?? {};
    name ??= doc.name;
    for (const [service, spec] of Object.entries(doc.services ?? {})) services[service] = { ...services[service], ...spec };
    Object.assign(declared, doc.volumes ?? {});
  }
  const project = (args.project ?? process.env.COMPOSE_PROJECT_NAME ?? name ?? basename(directory)).toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return { project, services, declared, directory };
}

/** A service's named volumes (`name:/path[:ro]`, long syntax), mount point → Compose's volume name (`name:` or `<project>_<key>`). */
function namedVolumes(spec, declared, project) {
  const volumes = {};
  for (const entry of spec.volumes ?? []) {
    const [source, target] = typeof entry === 'object' ? [entry.source, entry.target] : String(entry).split(':');
    if (!source || !target || source.startsWith('.') || source.startsWith('/')) continue;
    if (!(source in declared)) throw new Error(`service refers to undefined volume ${source}: invalid compose project`);
    volumes[target] = declared[source]?.name ?? `${project}_${source}`;
  }
  return volumes;
}

/** The service's environment as its container gets it: env_file(s) (relative to the project directory), then `environment`. */
function serviceEnv(spec, directory) {
  const env = {};
  for (const file of [spec.env_file ?? []].flat()) {
    const path = resolve(directory, typeof file === 'object' ? file.path : file);
    if (!existsSync(path)) throw new Error(`env file ${path} not found: stat ${path}: no such file or directory`);
    Object.assign(env, dotEnvText(readFileSync(path, 'utf8')));
  }
  const listed = Array.isArray(spec.environment) ? Object.fromEntries(spec.environment.map((e) => String(e).split(/=(.*)/s).slice(0, 2))) : (spec.environment ?? {});
  for (const [key, value] of Object.entries(listed)) env[key] = value === null ? '' : String(value);
  return env;
}

/** `exec [-T] [-e K[=V]]... SERVICE COMMAND...`: only Django's manage.py runs in a lab "container". */
function exec(rest, project, services, directory, running) {
  const env = {};
  let i = 0;
  for (; i < rest.length && rest[i].startsWith('-'); i += 1) {
    const word = rest[i];
    if (word === '-e' || word === '--env') {
      const [key, value] = rest[(i += 1)].split(/=(.*)/s);
      // `-e NAME` takes NAME from the caller's environment, as Compose does.
      if (value !== undefined || process.env[key] !== undefined) env[key] = value ?? process.env[key];
    } else if (['-u', '--user', '-w', '--workdir', '--index'].includes(word)) i += 1;
  }
  const [service, ...command] = rest.slice(i);
  const spec = services[service];
  if (!spec) return fail(`no such service: ${service}`, 1);
  if (!running.some((c) => c.service === service && c.running)) return fail(`service "${service}" is not running`, 1);
  const [program, script, ...args] = command;
  if (!['python', 'python3'].includes(program) || script !== 'manage.py') return fail(`the lab's containers run only \`python manage.py …\` (asked: ${command.join(' ')})`, 126);
  const build = typeof spec.build === 'string' ? spec.build : spec.build?.context;
  const dir = build === undefined ? '/nonexistent-image-filesystem' : resolve(directory, build);
  return manage(dir, args, { ...serviceEnv(spec, directory), ...env });
}

function containerName(project, service, spec) {
  return spec.container_name ?? `${project}-${service}-1`;
}

export async function compose(argv) {
  const args = parseArgs(argv);
  if (args.sub === 'version') {
    console.log('Docker Compose version 2.24.6+ds1-0ubuntu2');
    return 0;
  }
  let project;
  let services;
  let declared;
  let directory;
  try {
    ({ project, services, declared, directory } = load(args));
  } catch (error) {
    return fail(error.message, 1);
  }
  const mine = () => containers().filter((c) => c.project === project);
  switch (args.sub) {
    case 'up':
    case 'start':
    case 'restart': {
      for (const [service, spec] of Object.entries(services)) {
        const build = typeof spec.build === 'string' ? spec.build : spec.build?.context;
        if (build !== undefined && !existsSync(resolve(directory, build, spec.build?.dockerfile ?? 'Dockerfile'))) {
          return fail(`failed to solve: failed to read dockerfile: open Dockerfile: no such file or directory (service ${service})`, 17);
        }
        try {
          serviceEnv(spec, directory);
        } catch (error) {
          return fail(error.message, 1);
        }
        if (build !== undefined && args.rest.includes('--build')) console.error(` ${service} Built`);
      }
      for (const [service, spec] of Object.entries(services)) {
        if (spec.profiles?.length > 0 && !spec.profiles.some((p) => args.profiles.includes(p))) continue;
        const name = containerName(project, service, spec);
        const ports = (spec.ports ?? []).flatMap(parseComposePort);
        const image = spec.image ?? `${project}-${service}`;
        let volumes;
        try {
          volumes = Object.fromEntries(Object.entries(namedVolumes(spec, declared, project)).map(([target, volume]) => [target, volumeDir(volume)]));
        } catch (error) {
          return fail(error.message, 1);
        }
        // The wordpress image's entrypoint copies WordPress into an empty /var/www/html before Apache starts.
        if (volumes['/var/www/html'] && image.startsWith('wordpress') && !image.startsWith('wordpress:cli')) {
          const volume = wordpressVolume(volumes['/var/www/html']);
          volume.write({ ...volume.read(), files: true });
        }
        const config = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
        const started = await startContainer({ name, image, project, service, ports, volumes, config });
        if (started.code !== 0) return fail(`Error response from daemon: ${started.error}`, 1);
        console.error(` Container ${name}  ${started.existing ? 'Running' : started.recreated ? 'Recreated' : 'Started'}`);
      }
      return 0;
    }
    case 'run':
      return runService(args.rest, { project, services, declared, directory });
    case 'down':
    case 'stop':
    case 'rm':
      for (const c of mine()) {
        removeContainer(c.name);
        console.error(` Container ${c.name}  Removed`);
      }
      return 0;
    case 'ps': {
      const list = mine().filter((c) => c.running || args.rest.includes('-a'));
      if (args.rest.includes('-q')) for (const c of list) console.log(c.id);
      else if (args.rest.includes('--services')) for (const c of list) console.log(c.service);
      else if (args.rest.includes('json')) for (const c of list) console.log(JSON.stringify({ Name: c.name, Service: c.service, State: c.running ? 'running' : 'exited', Publishers: c.ports.map((p) => ({ URL: p.bind, TargetPort: p.container, PublishedPort: p.host, Protocol: 'tcp' })) }));
      else {
        console.log('NAME   IMAGE   SERVICE   STATUS   PORTS');
        for (const c of list) console.log(`${c.name}   ${c.image}   ${c.service}   ${c.running ? 'Up 5 seconds' : 'Exited (0)'}   ${describePorts(c.ports)}`);
      }
      return 0;
    }
    case 'exec':
      try {
        return exec(args.rest, project, services, directory, mine());
      } catch (error) {
        return fail(error.message, 1);
      }
    case 'config':
      if (args.rest.includes('--services')) for (const service of Object.keys(services)) console.log(service);
      else if (!args.rest.includes('-q') && !args.rest.includes('--quiet')) console.log(YAML.stringify({ name: project, services }));
      return 0;
    default:
      return 0;
  }
}

const RUN_WITH_VALUE = new Set(['-e', '--env', '-w', '--workdir', '-u', '--user', '--name', '--entrypoint', '-l', '--label', '-v', '--volume', '-p', '--publish']);

/** `docker compose run [--rm] [-T] [-e K=V] SERVICE COMMAND…`: a one-off container (its profile need not be active). */
async function runService(argv, { project, services, declared, directory }) {
  const extra = {};
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i += 1) {
    if (!RUN_WITH_VALUE.has(argv[i])) continue;
    const value = argv[(i += 1)] ?? '';
    if (argv[i - 1] === '-e' || argv[i - 1] === '--env') extra[value.split('=')[0]] = value.slice(value.indexOf('=') + 1);
  }
  const [service, ...command] = argv.slice(i);
  if (!service) return fail('"docker compose run" requires at least 1 argument.', 1);
  const spec = services[service];
  if (!spec) return fail(`no such service: ${service}`, 1);
  if (!String(spec.image ?? '').startsWith('wordpress:cli')) return fail(`the lab's docker stand-in runs only WP-CLI (wordpress:cli) with \`compose run\`, not ${spec.image ?? service}`, 125);
  let env;
  let volumes;
  try {
    env = { ...serviceEnv(spec, directory), ...extra };
    volumes = Object.fromEntries(Object.entries(namedVolumes(spec, declared, project)).map(([target, volume]) => [target, volumeDir(volume)]));
  } catch (error) {
    return fail(error.message, 1);
  }
  return wpCli(command, { env, volumes });
}
