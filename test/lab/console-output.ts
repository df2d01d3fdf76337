import type { HostKeyFingerprint } from './sshd.js';

/**
 * What GetConsoleOutput shows for a fresh EC2 Ubuntu instance once cloud-init has run: its
 * write-ssh-key-fingerprints helper pipes the fingerprints (`ssh-keygen -l` lines) and the public keys
 * through `logger --stderr -t ec2`, so on the console every line of both blocks carries the syslog
 * prefix `<14>Mon DD HH:MM:SS ec2: `. Keys are listed in /etc/ssh/ssh_host_*key.pub glob order.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3164 timestamp as logger writes it: `Mar  4 09:05:01`. */
function syslogTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

export function consoleOutputFor(hostname: string, keys: HostKeyFingerprint[], at = new Date()): string {
  const ordered = [...keys].sort((a, b) => keyFileName(a).localeCompare(keyFileName(b)));
  const ec2 = (text: string) => `<14>${syslogTime(at)} ec2: ${text}`;
  const banner = '#############################################################';
  const booted = `[   ${(8 + Math.random()).toFixed(6)}] cloud-init[712]: Cloud-init v. 24.4.1-0ubuntu0~24.04.1 running 'modules:final' at ${at.toUTCString()}. Up 8.21 seconds.`;
  return [
    `[    0.000000] Linux version 6.8.0-1021-aws (buildd@lcy02-amd64-019) #23-Ubuntu SMP`,
    `[    2.104512] systemd[1]: Hostname set to <${hostname}>.`,
    booted,
    ec2(''),
    ec2(banner),
    ec2('-----BEGIN SSH HOST KEY FINGERPRINTS-----'),
    ...ordered.map((key) => ec2(`${key.bits} ${key.sha256} root@${hostname} (${key.type})`)),
    ec2('-----END SSH HOST KEY FINGERPRINTS-----'),
    ec2(banner),
    ec2('-----BEGIN SSH HOST KEY KEYS-----'),
    ...ordered.map((key) => ec2(key.publicKey)),
    ec2('-----END SSH HOST KEY KEYS-----'),
    `[   ${(9 + Math.random()).toFixed(6)}] cloud-init[712]: Cloud-init v. 24.4.1-0ubuntu0~24.04.1 finished at ${at.toUTCString()}. Datasource DataSourceEc2Local.  Up 9.02 seconds`,
    '',
  ].join('\n');
}

/** ssh_host_ecdsa_key.pub sorts before ssh_host_ed25519_key.pub, as the helper's glob does. */
function keyFileName(key: HostKeyFingerprint): string {
  return `ssh_host_${key.type.toLowerCase()}_key.pub`;
}
