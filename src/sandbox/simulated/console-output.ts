import { sha256Fingerprint } from '../../ssh/fingerprints.js';

/**
 * What GetConsoleOutput shows for a simulated host: cloud-init's boot log with its two blocks, the host
 * key fingerprints and the public keys, every line through `logger -t ec2` (`<14>Mon DD HH:MM:SS ec2: `),
 * as on a fresh EC2 Ubuntu instance. The keys are the host's real (simulated sshd's) keys, so the tool's
 * host-key check runs for real.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function syslogTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${MONTHS[date.getUTCMonth()]} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** `ssh-ed25519 AAAA…` → its `SHA256:` fingerprint and type. */
export function publicKeyFingerprint(publicKey: string): { sha256: string; type: string } {
  const [algorithm = '', base64 = ''] = publicKey.trim().split(/\s+/);
  const type = algorithm === 'ssh-ed25519' ? 'ED25519' : algorithm.startsWith('ecdsa-') ? 'ECDSA' : algorithm === 'ssh-rsa' ? 'RSA' : algorithm;
  return { sha256: sha256Fingerprint(Buffer.from(base64, 'base64')), type };
}

export function consoleOutputFor(hostname: string, publicKeys: readonly string[], at = new Date()): string {
  const ec2 = (text: string) => `<14>${syslogTime(at)} ec2: ${text}`;
  const banner = '#############################################################';
  const keys = publicKeys.map((key) => key.trim().split(/\s+/).slice(0, 2).join(' '));
  return [
    '[    0.000000] Linux version 6.8.0-1021-aws (buildd@lcy02-amd64-019) #23-Ubuntu SMP (simulated by the aws-runbook sandbox)',
    `[    2.104512] systemd[1]: Hostname set to <${hostname}>.`,
    `[    8.210000] cloud-init[712]: Cloud-init v. 24.4.1-0ubuntu0~24.04.1 running 'modules:final' at ${at.toUTCString()}. Up 8.21 seconds.`,
    ec2(''),
    ec2(banner),
    ec2('-----BEGIN SSH HOST KEY FINGERPRINTS-----'),
    ...keys.map((key) => {
      const { sha256, type } = publicKeyFingerprint(key);
      return ec2(`256 ${sha256} root@${hostname} (${type})`);
    }),
    ec2('-----END SSH HOST KEY FINGERPRINTS-----'),
    ec2(banner),
    ec2('-----BEGIN SSH HOST KEY KEYS-----'),
    ...keys.map((key) => ec2(`${key} root@${hostname}`)),
    ec2('-----END SSH HOST KEY KEYS-----'),
    `[    9.020000] cloud-init[712]: Cloud-init v. 24.4.1-0ubuntu0~24.04.1 finished at ${at.toUTCString()}. Datasource DataSourceEc2Local.  Up 9.02 seconds`,
    '',
  ].join('\n');
}
