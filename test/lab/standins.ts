import { chmod, readFile, writeFile } from 'node:fs/promises';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { LAB_BASE_DIR } from './paths.js';
import { fileURLToPath } from 'node:url';
import { dirname, join, relative } from 'node:path';

/**
 * The stand-in commands of a lab host (test/lab/standins/*.mjs): small /bin/sh stubs in the host's own
 * /usr/local/bin, which comes before /usr/bin in PATH and in Debian sudo's secure_path. apt-get, apt and
 * systemctl are there from the start; docker and gitlab-ctl appear once apt-get installs their package.
 */

/**
 * The stand-ins' code, copied out of the checkout into the lab's base dir: the hosts run it, and a checkout
 * under /tmp (or any per-host private path) is not visible from inside a host. The copy is named by the
 * hash of the code, so runs of the same code share it and concurrent copies cannot clash.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Stand-ins shared with the sandbox (the Kuma stand-in, WP-CLI's), from the build (`npm run build`: the lab
 * runs the built tool anyway), copied under `dist/` next to the stand-ins that import them.
 */
const SHARED_MODULES = ['src/sandbox/simulated/kuma/kuma-stand-in.js', 'src/sandbox/simulated/kuma/kuma-http.js', 'src/sandbox/simulated/commands/wp-cli-core.js'];

/** The directory of package `name` as Node resolves it from `from` (the nearest node_modules up the tree). */
function packageDir(name: string, from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`package ${name} not found from ${from}`);
  }
}

/** `name` and its runtime dependencies (not @types), as directories of this checkout's node_modules. */
function packageClosure(name: string, from = ROOT, found = new Set<string>()): Set<string> {
  const dir = packageDir(name, from);
  if (found.has(dir)) return found;
  found.add(dir);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) if (!dependency.startsWith('@types/')) packageClosure(dependency, dir, found);
  return found;
}

function standinCodeDir(): string {
  const source = fileURLToPath(new URL('./standins/', import.meta.url));
  const files = readdirSync(source).sort();
  // The packages the stand-ins import: yaml (compose files), socket.io (the Kuma stand-in), with what they need.
  const packages = [...packageClosure('yaml'), ...packageClosure('socket.io')].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(readFileSync(join(source, file)));
  for (const module of SHARED_MODULES) {
    const built = join(ROOT, 'dist', module);
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first (the lab's stand-ins share it with the sandbox)`);
    hash.update(module).update(readFileSync(built));
  }
  for (const dir of packages) hash.update(relative(ROOT, dir)).update(readFileSync(join(dir, 'package.json')));
  const target = join(LAB_BASE_DIR, `standins-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(target)) return target;
  mkdirSync(LAB_BASE_DIR, { recursive: true, mode: 0o755 });
  const temp = `${target}.${process.pid}`;
  cpSync(source, temp, { recursive: true });
  for (const module of SHARED_MODULES) cpSync(join(ROOT, 'dist', module), join(temp, 'dist', module));
  // Each package where it sits in this checkout's node_modules (nested ones nested), without its own node_modules.
  for (const dir of packages) cpSync(dir, join(temp, relative(ROOT, dir)), { recursive: true, filter: (path) => path === dir || !relative(dir, path).startsWith('node_modules') });
  chmodSync(temp, 0o755);
  try {
    renameSync(temp, target);
  } catch {
    rmSync(temp, { recursive: true, force: true }); // another test file copied the same code first
  }
  return target;
}

export const STANDIN_ENTRY = join(standinCodeDir(), 'standin.mjs');
export const BASE_STANDINS = ['apt-get', 'apt', 'systemctl'];

/** The same stub standins/state.mjs writes when a package is "installed". */
export function stubScript(command: string): string {
  return `#!/bin/sh\n# lab stand-in (test/lab/standins)\nexec '${process.execPath}' '${STANDIN_ENTRY}' '${command}' "$@"\n`;
}

export async function installBaseStandins(usrLocalBin: string): Promise<void> {
  for (const command of BASE_STANDINS) {
    const file = join(usrLocalBin, command);
    await writeFile(file, stubScript(command));
    await chmod(file, 0o755);
  }
}

/** The command that "preinstalls" packages on a host (run inside the host's view, not recorded as a call). */
export const preinstallCommand = (packages: string[]) => [process.execPath, STANDIN_ENTRY, '--lab-install', ...packages];

/** One call a stand-in recorded on a host. */
export interface LabCall {
  /** The command name first: ['apt-get', 'install', '-y', 'docker.io']. */
  argv: string[];
  cwd: string;
  /** Who ran it (root under sudo). */
  user: string;
  /** SUDO_USER when run through sudo. */
  sudoUser?: string;
  time: string;
  /** What the stand-in answered. */
  exit: number;
}

export async function readCalls(callsFile: string): Promise<LabCall[]> {
  const text = await readFile(callsFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabCall);
}
