import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from './lab.js';

/**
 * Files for the OpenSSH client (`ssh -F`) against a lab: the lab's client key, StrictHostKeyChecking=yes
 * and a known_hosts built from what the instances print on their console, as the tool verifies them.
 * Options go in a config file, not `-o`: the jump (`-J`) ssh process reads -F but not the first one's -o.
 */

/** The `ssh-… AAAA… root@…` lines between BEGIN/END SSH HOST KEY KEYS of a console output. */
export function hostKeysFromConsole(consoleOutput: string): string[] {
  const lines = consoleOutput.split('\n').map((line) => line.replace(/^(<\d+>\w{3} [ \d]\d \d\d:\d\d:\d\d )?ec2: /, ''));
  const begin = lines.indexOf('-----BEGIN SSH HOST KEY KEYS-----');
  const end = lines.indexOf('-----END SSH HOST KEY KEYS-----');
  return begin < 0 || end < begin ? [] : lines.slice(begin + 1, end);
}

/** known_hosts lines for every host, under its private address and, when it has one, its public address. */
export function knownHostsFor(lab: Lab): string {
  const lines: string[] = [];
  for (const host of Object.values(lab.hosts)) {
    const names = [host.privateAddress, ...(host.publicAddress ? [host.publicAddress] : [])].join(',');
    for (const key of hostKeysFromConsole(host.consoleOutput)) lines.push(`${names} ${key.split(' ').slice(0, 2).join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

export interface SshClientFiles {
  configFile: string;
  knownHostsFile: string;
}

export async function writeSshClientFiles(lab: Lab, dir = lab.dir, knownHosts = knownHostsFor(lab)): Promise<SshClientFiles> {
  const knownHostsFile = join(dir, 'client_known_hosts');
  const configFile = join(dir, 'client_ssh_config');
  await writeFile(knownHostsFile, knownHosts, { mode: 0o600 });
  const config = [
    'Host *',
    '  User ubuntu',
    `  IdentityFile ${lab.clientKey.privateKeyPath}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHostsFile}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '  ConnectTimeout 3',
    '  LogLevel ERROR',
    '',
  ].join('\n');
  await writeFile(configFile, config, { mode: 0o600 });
  return { configFile, knownHostsFile };
}
