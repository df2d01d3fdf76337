/* global console */
// The docker stand-in: `run -d -p`, `compose up -d` start a small HTTP responder per container on its
// published ports (in the host's namespace), `ps` lists them, `rm -f` / `stop` / `compose down` end
// and forget them (no stopped-container state is kept). Everything else answers plausibly and changes
// nothing. No image is pulled, nothing is built.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { compose } from './compose.mjs';
import { describePorts, parsePortSpec } from './ports.mjs';
import { LAB, containers, fail, isInstalled, removeContainer, saveContainer, startResponder } from './state.mjs';

const VERSION = 'Docker version 24.0.7, build 24.0.7-0ubuntu4';
/** `docker run` options that take a value (the next word unless written --opt=value). */
const WITH_VALUE = new Set(['-p', '--publish', '-v', '--volume', '-e', '--env', '--env-file', '--name', '--restart', '--network', '--net', '-w', '--workdir', '-l', '--label', '-u', '--user', '--entrypoint', '-h', '--hostname', '--add-host', '--mount', '-m', '--memory', '--cpus', '--pull', '--log-driver', '--log-opt', '--health-cmd', '--platform']);

export const newId = () => randomBytes(32).toString('hex');

/**
 * Starts one container, or reports it running; shared with compose. A running container whose `config`
 * (compose's hash of the service) changed is recreated, as `docker compose up` does. `volumes`: mount
 * point → volume directory. Returns an exit code and whether it was running, recreated or started.
 */
export async function startContainer({ name, image, project, service, ports, volumes = {}, config }) {
  const existing = containers().find((c) => c.name === name);
  if (existing?.running && existing.config === config) return { code: 0, existing: true };
  if (existing) removeContainer(name);
  let pids = [];
  try {
    if (ports.length > 0) pids = [await startResponder(`${name} (${image})`, ports, { image, volumes })];
  } catch (error) {
    return { code: 125, error: `Error response from daemon: driver failed programming external connectivity on endpoint ${name}: ${error.message}` };
  }
  saveContainer({ id: newId(), name, image, project, service, ports, volumes, config, pids, created: new Date().toISOString() });
  return { code: 0, recreated: existing !== undefined };
}

function parseRun(argv) {
  const options = { ports: [], name: undefined, detach: false };
  let i = 0;
  for (; i < argv.length; i += 1) {
    const word = argv[i];
    if (!word.startsWith('-')) break;
    const [flag, inline] = word.includes('=') ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)] : [word, undefined];
    const value = WITH_VALUE.has(flag) ? (inline ?? argv[(i += 1)]) : undefined;
    if (flag === '-p' || flag === '--publish') options.ports.push(...parsePortSpec(value));
    else if (flag === '--name') options.name = value;
    else if (flag === '-d' || flag === '--detach' || /^-[dit]+$/.test(flag)) options.detach ||= flag.includes('d');
  }
  return { ...options, image: argv[i], command: argv.slice(i + 1) };
}

async function run(argv) {
  const options = parseRun(argv);
  if (!options.image) return fail('"docker run" requires at least 1 argument.', 1);
  const name = options.name ?? `lab_${randomBytes(4).toString('hex')}`;
  const existing = containers().find((c) => c.name === name);
  if (existing) {
    return fail(`docker: Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${existing.id}". You have to remove (or rename) that container to be able to reuse that name.`, 125);
  }
  const started = await startContainer({ name, image: options.image, ports: options.ports });
  if (started.code !== 0) return fail(`docker: ${started.error}`, started.code);
  console.log(containers().find((c) => c.name === name)?.id ?? '');
  return 0;
}

const status = (c) => (c.running ? 'Up 5 seconds' : 'Exited (0) 1 second ago');
const FIELDS = { ID: (c) => c.id.slice(0, 12), Names: (c) => c.name, Image: (c) => c.image, Status: status, State: (c) => (c.running ? 'running' : 'exited'), Ports: (c) => describePorts(c.ports) };

function ps(argv) {
  const format = argv[argv.indexOf('--format') + 1];
  const filters = argv.flatMap((a, i) => (a === '--filter' || a === '-f' ? [argv[i + 1]] : []));
  let list = containers().filter((c) => argv.includes('-a') || argv.includes('--all') || c.running);
  for (const filter of filters) {
    const [key, value] = filter.split('=');
    if (key === 'name') list = list.filter((c) => c.name.includes(value));
    if (key === 'status') list = list.filter((c) => FIELDS.State(c) === value);
  }
  if (argv.includes('-q') || argv.includes('--quiet')) for (const c of list) console.log(FIELDS.ID(c));
  else if (argv.includes('--format') && format) {
    for (const c of list) console.log(format.replace(/^table\s+/, '').replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, field) => FIELDS[field]?.(c) ?? ''));
  } else {
    console.log('CONTAINER ID   IMAGE   COMMAND   CREATED   STATUS   PORTS   NAMES');
    for (const c of list) console.log(`${FIELDS.ID(c)}   ${c.image}   "lab-responder"   5 seconds ago   ${status(c)}   ${FIELDS.Ports(c)}   ${c.name}`);
  }
  return 0;
}

function inspect(argv) {
  const format = argv[argv.findIndex((a) => a === '-f' || a === '--format') + 1];
  const names = argv.filter((a, i) => !a.startsWith('-') && a !== format && (i === 0 || !['-f', '--format'].includes(argv[i - 1])));
  const found = names.map((n) => containers().find((c) => c.name === n || c.id.startsWith(n)));
  if (found.some((c) => !c)) return fail(`Error: No such object: ${names[found.indexOf(undefined)]}`, 1);
  const objects = found.map((c) => ({ Id: c.id, Name: `/${c.name}`, Config: { Image: c.image }, State: { Running: c.running, Status: FIELDS.State(c) } }));
  if (format) for (const o of objects) console.log(format.replace(/\{\{\s*\.([\w.]+)\s*\}\}/g, (_, path) => String(path.split('.').reduce((v, k) => v?.[k], o) ?? '')));
  else console.log(JSON.stringify(objects, null, 4));
  return 0;
}

export async function docker(argv) {
  const [sub = '', ...rest] = argv;
  switch (sub) {
    case '--version':
    case '-v':
      console.log(VERSION);
      return 0;
    case 'version':
      console.log(`Client:\n Version:           24.0.7\n API version:       1.43\n\nServer:\n Engine:\n  Version:          24.0.7\n  API version:      1.43 (minimum version 1.12)`);
      return 0;
    case 'info': {
      // A switch for tests of a broken host: the daemon stops answering, as when dockerd is wedged.
      if (existsSync(`${LAB}/broken/docker-info`)) {
        return fail('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?', 1);
      }
      const format = rest[rest.findIndex((a) => a === '-f' || a === '--format') + 1];
      const info = { ServerVersion: '24.0.7', Containers: containers().length, Driver: 'overlay2', OperatingSystem: 'Ubuntu 24.04 LTS (aws-runbook lab stand-in)' };
      if (rest.some((a) => a === '-f' || a === '--format')) {
        console.log(format.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_, field) => String(info[field] ?? '<no value>')));
        return 0;
      }
      console.log(`Client:\n Version:    24.0.7\n Context:    default\n\nServer:\n Containers: ${containers().length}\n  Running: ${containers().filter((c) => c.running).length}\n Server Version: 24.0.7\n Storage Driver: overlay2\n Cgroup Driver: systemd\n Operating System: Ubuntu 24.04 LTS (aws-runbook lab stand-in)`);
      return 0;
    }
    case 'compose':
      if (!isInstalled('docker-compose-v2') && !isInstalled('docker-compose-plugin')) return fail("docker: 'compose' is not a docker command.\nSee 'docker --help'", 1);
      return compose(rest);
    case 'run':
      return run(rest);
    case 'ps':
      return ps(rest);
    case 'inspect':
      return inspect(rest);
    case 'rm':
    case 'stop':
    case 'kill': {
      const names = rest.filter((a) => !a.startsWith('-'));
      for (const name of names) {
        if (!removeContainer(name) && !rest.includes('-f') && !rest.includes('--force')) return fail(`Error response from daemon: No such container: ${name}`, 1);
        console.log(name);
      }
      return 0;
    }
    case 'volume':
      if (rest[0] === 'create') console.log(rest.filter((a) => !a.startsWith('-'))[1] ?? newId());
      return 0;
    case 'pull':
      console.log(`Status: Image is up to date for ${rest.at(-1)}`);
      return 0;
    default:
      return 0;
  }
}
