/* global process, console */
// `docker compose` stand-in: reads the compose file(s) like Compose does (the project directory's
// compose.yaml / docker-compose.yml or -f, `${VAR:-default}` from the environment and the project's .env),
// and "runs" each service as a container of the docker stand-in: a responder on its published ports.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import YAML from 'yaml';
import { startContainer } from './docker.mjs';
import { describePorts, parseComposePort } from './ports.mjs';
import { containers, fail, removeContainer } from './state.mjs';
import { manage } from './django.mjs';

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

function dotEnv(dir) {
  return envFile(`${dir}/.env`);
}

/** `KEY=value` lines of an env file (Compose's format), {} when the file is missing. */
function envFile(file) {
  if (!existsSync(file)) return {};
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
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
  let project;
  let directory;
  let i = 0;
  for (; i < argv.length && argv[i].startsWith('-'); i += 1) {
    const word = argv[i];
    if (word === '-f' || word === '--file') files.push(argv[(i += 1)]);
    else if (word === '-p' || word === '--project-name') project = argv[(i += 1)];
    else if (word === '--project-directory') directory = argv[(i += 1)];
    else if (word === '--env-file' || word === '--profile' || word === '--ansi' || word === '--progress') i += 1;
  }
  return { files, project, directory, sub: argv[i] ?? '', rest: argv.slice(i + 1) };
}

function load(args) {
  const files = args.files.length > 0 ? args.files.map((f) => resolve(f)) : DEFAULT_FILES.map((f) => resolve(args.directory ?? '.', f)).filter(existsSync).slice(0, 1);
  if (files.length === 0 || !files.every(existsSync)) throw new Error('no configuration file provided: not found');
  const directory = resolve(args.directory ?? dirname(files[0]));
  const env = { ...dotEnv(directory), ...process.env };
  const services = {};
  let name;
  for (const file of files) {
    const doc = YAML.parse(interpolate(readFileSync(file, 'utf8'), env)) ?? {};
    name ??= doc.name;
    for (const [service, spec] of Object.entries(doc.services ?? {})) services[service] = { ...services[service], ...spec };
  }
  const project = (args.project ?? process.env.COMPOSE_PROJECT_NAME ?? name ?? basename(directory)).toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return { project, services, directory };
}

/** A service's container environment: its env_file(s) (a missing one is Compose's error), then `environment`. */
function serviceEnv(directory, spec) {
  const env = {};
  const files = spec.env_file === undefined ? [] : [spec.env_file].flat();
  for (const entry of files) {
    const path = resolve(directory, typeof entry === 'string' ? entry : entry.path);
    if (!existsSync(path)) throw new Error(`env file ${path} not found: stat ${path}: no such file or directory`);
    Object.assign(env, envFile(path));
  }
  const environment = spec.environment ?? {};
  for (const [key, value] of Array.isArray(environment) ? environment.map((item) => String(item).split(/=(.*)/s)) : Object.entries(environment)) env[key] = value ?? '';
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
  return manage(dir, args, { ...serviceEnv(directory, spec), ...env });
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
  let directory;
  try {
    ({ project, services, directory } = load(args));
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
          serviceEnv(directory, spec);
        } catch (error) {
          return fail(error.message, 1);
        }
        if (build !== undefined && args.rest.includes('--build')) console.error(` ${service} Built`);
      }
      for (const [service, spec] of Object.entries(services)) {
        const name = containerName(project, service, spec);
        const ports = (spec.ports ?? []).flatMap(parseComposePort);
        const started = await startContainer({ name, image: spec.image ?? `${project}-${service}`, project, service, ports });
        if (started.code !== 0) return fail(`Error response from daemon: ${started.error}`, 1);
        console.error(` Container ${name}  ${started.existing ? 'Running' : 'Started'}`);
      }
      return 0;
    }
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
