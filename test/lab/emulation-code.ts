import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_IN_HOST, POOL_IN_HOST } from './host-root.js';
import { LAB_BASE_DIR } from './paths.js';

/**
 * The code the lab's hosts run for their emulated commands: the emulation as built (`npm run build`:
 * dist/src/sandbox/emulation, the directory the sandbox runs from src — one emulation for both), the lab's
 * adapter (test/lab/emulation/*.mjs) and the packages the emulation imports (yaml, socket.io). Copied out
 * of the checkout into the lab's base dir (a host sees only its own root, test/lab/host-root.ts: the copy
 * is mounted read-only at CODE_IN_HOST), named by the hash of the code, so runs of the same code share it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUILT_EMULATION = join(ROOT, 'dist/src/sandbox/emulation');
const ADAPTER = fileURLToPath(new URL('./emulation/', import.meta.url));

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

/** Every file under `dir`, relative to it, sorted. */
export function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name), base) : [relative(base, join(dir, name))]));
}

export function labCodeDir(): string {
  if (!existsSync(join(BUILT_EMULATION, 'commands.js'))) throw new Error(`${BUILT_EMULATION} is missing: run \`npm run build\` first (the lab's hosts run the built emulation)`);
  const packages = [...packageClosure('yaml'), ...packageClosure('socket.io')].sort();
  const hash = createHash('sha256');
  for (const [dir, files] of [[BUILT_EMULATION, filesUnder(BUILT_EMULATION)], [ADAPTER, filesUnder(ADAPTER)]] as const) {
    for (const file of files) hash.update(file).update(readFileSync(join(dir, file)));
  }
  for (const dir of packages) hash.update(relative(ROOT, dir)).update(readFileSync(join(dir, 'package.json')));
  const target = join(LAB_BASE_DIR, `code-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(target)) return target;
  mkdirSync(LAB_BASE_DIR, { recursive: true, mode: 0o755 });
  const temp = `${target}.${process.pid}`;
  cpSync(BUILT_EMULATION, join(temp, 'emulation'), { recursive: true });
  cpSync(ADAPTER, join(temp, 'lab'), { recursive: true });
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

/** Inside a host: the emulation's entry, run by node from the pool (node is on no host's PATH). */
export const HOST_ENTRY = [`${POOL_IN_HOST}/node`, `${CODE_IN_HOST}/lab/host.mjs`];

/** What makes a fresh host: the base commands and the image's packages, plus `packages` (run inside the host, not recorded). */
export const preinstallCommand = (packages: readonly string[]) => [...HOST_ENTRY, '--preinstall', ...packages];

/** One call an emulated command recorded on a host. */
export interface LabCall {
  /** The command name first: ['apt-get', 'install', '-y', 'docker.io']. */
  argv: string[];
  cwd: string;
  /** Who ran it (root under sudo). */
  user: string;
  /** SUDO_USER when run through sudo. */
  sudoUser?: string;
  time: string;
  /** What the command answered. */
  exit: number;
  /** The emulation module that answered (inside the host). */
  emulation: string;
}

export async function readCalls(callsFile: string): Promise<LabCall[]> {
  const text = await readFile(callsFile, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LabCall);
}
