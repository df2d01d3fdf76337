import { chmod, readFile, writeFile } from 'node:fs/promises';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { LAB_BASE_DIR } from './paths.js';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

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
function standinCodeDir(): string {
  const source = fileURLToPath(new URL('./standins/', import.meta.url));
  const files = readdirSync(source).sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(readFileSync(join(source, file)));
  hash.update('node_modules/yaml');
  const target = join(LAB_BASE_DIR, `standins-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(target)) return target;
  mkdirSync(LAB_BASE_DIR, { recursive: true, mode: 0o755 });
  const temp = `${target}.${process.pid}`;
  cpSync(source, temp, { recursive: true });
  // The one package the stand-ins import (compose files are YAML); it has no dependencies of its own.
  const yamlPackage = dirname(createRequire(import.meta.url).resolve('yaml/package.json'));
  cpSync(yamlPackage, join(temp, 'node_modules', 'yaml'), { recursive: true });
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
