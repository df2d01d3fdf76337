import { chmod, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The stand-in commands of a lab host (test/lab/standins/*.mjs): small /bin/sh stubs in the host's own
 * /usr/local/bin, which comes before /usr/bin in PATH and in Debian sudo's secure_path. apt-get, apt and
 * systemctl are there from the start; docker and gitlab-ctl appear once apt-get installs their package.
 */

export const STANDIN_ENTRY = fileURLToPath(new URL('./standins/standin.mjs', import.meta.url));
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
