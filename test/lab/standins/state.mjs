/* global process, console, URL */
// What the lab's stand-in commands share: the host's record of calls, installed packages and
// "containers", all under /var/lib/lab (a per-host directory in the lab, see test/lab/host-fs.ts).
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';

export const LAB = '/var/lib/lab';
const BIN = '/usr/local/bin';
const ENTRY = fileURLToPath(new URL('./standin.mjs', import.meta.url));
const RESPONDER = fileURLToPath(new URL('./responder.mjs', import.meta.url));

/** Commands each package brings; a command is on PATH only once its package is installed. */
export const PACKAGE_COMMANDS = {
  'docker.io': ['docker'],
  'gitlab-ce': ['gitlab-ctl'],
};

/**
 * Packages Ubuntu 24.04 (noble) does not have, with what its apt answers when asked for one (exit 100):
 * noble's archive has no `awscli`, so a step that asks for it must fail in the lab as it would on AWS.
 */
export const NOT_IN_NOBLE = {
  awscli: [
    'Package awscli is not available, but is referred to by another package.',
    'This may mean that the package is missing, has been obsoleted, or',
    'is only available from another source',
    '',
    "E: Package 'awscli' has no installation candidate",
  ].join('\n'),
};

export const isRoot = () => process.getuid?.() === 0;

/** One JSON line per call: what was asked, where, by whom, and what the stand-in answered. */
export function record(argv, exit) {
  const line = { argv, cwd: process.cwd(), user: userInfo().username, sudoUser: process.env.SUDO_USER, time: new Date().toISOString(), exit };
  appendFileSync(`${LAB}/calls.jsonl`, `${JSON.stringify(line)}\n`);
}

export function writeStub(command) {
  const file = `${BIN}/${command}`;
  writeFileSync(file, `#!/bin/sh\n# lab stand-in (test/lab/standins)\nexec '${process.execPath}' '${ENTRY}' '${command}' "$@"\n`);
  chmodSync(file, 0o755);
}

export function removeStub(command) {
  rmSync(`${BIN}/${command}`, { force: true });
}

export function isInstalled(pkg) {
  return existsSync(`${LAB}/installed/${pkg}`);
}

export function markInstalled(pkg, installed) {
  mkdirSync(`${LAB}/installed`, { recursive: true });
  if (installed) writeFileSync(`${LAB}/installed/${pkg}`, '');
  else rmSync(`${LAB}/installed/${pkg}`, { force: true });
}

export function alive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

const CONTAINERS = `${LAB}/containers`;

/** Containers "started" on this host: { name, image, project, service, ports: [{bind, host, container}], pid, created }. */
export function containers() {
  if (!existsSync(CONTAINERS)) return [];
  return readdirSync(CONTAINERS)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(`${CONTAINERS}/${f}`, 'utf8')))
    .map((c) => ({ ...c, running: c.pids.every(alive) }));
}

export function saveContainer(container) {
  mkdirSync(CONTAINERS, { recursive: true, mode: 0o777 });
  writeFileSync(`${CONTAINERS}/${container.name}.json`, JSON.stringify(container));
}

export function removeContainer(name) {
  const found = containers().find((c) => c.name === name);
  if (!found) return false;
  for (const pid of found.pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  rmSync(`${CONTAINERS}/${name}.json`, { force: true });
  return true;
}

/** A named volume's directory on this host (what Docker keeps in /var/lib/docker/volumes/NAME/_data). */
export function volumeDir(name) {
  const dir = `${LAB}/volumes/${name}`;
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** What the WordPress stand-ins keep in a volume: { files, install } (lab-wordpress.json). */
export function wordpressVolume(dir) {
  const file = `${dir}/lab-wordpress.json`;
  return {
    read: () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}),
    write: (state) => writeFileSync(file, JSON.stringify(state)),
  };
}

/**
 * Starts one detached HTTP responder for a container's published ports ([{ bind, host }]), in this
 * host's namespaces (the stand-in runs there), and waits until it listens on all of them. Resolves to
 * its pid, or rejects with the reason it could not bind (e.g. the port is taken). `container` (image,
 * volumes by mount point → directory) tells it what to answer as.
 */
export function startResponder(label, ports, container = {}) {
  return new Promise((resolve, reject) => {
    const args = [RESPONDER, label, ...ports.map((p) => `${p.bind}:${p.host}`)];
    const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, LAB_CONTAINER: JSON.stringify(container) } });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('\n')) {
        child.stdout.destroy();
        child.unref();
        if (output.startsWith('ready')) resolve(child.pid);
        else reject(new Error(output.trim()));
      }
    });
    child.once('exit', (code) => reject(new Error(`responder exited (${code}): ${output.trim()}`)));
  });
}

export function fail(message, code) {
  console.error(message);
  return code;
}
