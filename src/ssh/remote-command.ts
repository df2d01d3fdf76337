/**
 * The command line sent to the host for one command: `bash -c SCRIPT`, or `sudo -n -- bash -c SCRIPT`.
 *
 * The script, in order:
 *  1. reads the secrets from stdin, one line each, into exported variables: a secret never appears in
 *     a process's argv (world-readable through `ps`), only in the environment of the command's own
 *     processes (readable by the same user and root only);
 *  2. exports the plain environment and changes directory;
 *  3. runs the command in the background and waits for it, with a trap that, on TERM/HUP/INT, signals
 *     the whole process group. OpenSSH delivers the client's "signal" request with killpg() on the
 *     session's group, but under sudo the group leader is root's: sudo relays the signal to bash only,
 *     which on its own would leave the command's children (apt, dpkg, sleep) running.
 * The command's stdin (after the secret lines) is passed through to it.
 */

export interface SudoOptions {
  /** Run as this user instead of root (`sudo -u`). */
  user?: string;
  /** Run with this group (`sudo -g`). */
  group?: string;
}

export interface RemoteCommandSpec {
  command: string;
  sudo?: boolean | SudoOptions;
  cwd?: string;
  /** Plain environment: visible in the command line, so never for secrets. */
  env?: Record<string, string>;
  /** Names of the secret variables, in the order their values are written to stdin. */
  secretNames?: readonly string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ACCOUNT = /^[a-z_][a-z0-9_.-]*\$?$/i;

/** POSIX single-quoting: safe for any string as one shell word. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function buildRemoteCommand(spec: RemoteCommandSpec): string {
  const lines: string[] = [];
  for (const name of spec.secretNames ?? []) {
    assertName(name, 'secret');
    // `read -r` with an empty IFS keeps the value byte for byte (no escapes, no trimming).
    lines.push(`IFS= read -r ${name} || { echo 'aws-runbook: secret ${name} missing on stdin' >&2; exit 97; }; export ${name}`);
  }
  for (const [name, value] of Object.entries(spec.env ?? {})) {
    assertName(name, 'environment');
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  if (spec.cwd !== undefined) lines.push(`cd -- ${shellQuote(spec.cwd)} || exit 1`);
  lines.push(
    "trap 'trap - TERM HUP INT; kill -TERM 0 2>/dev/null' TERM HUP INT",
    // Explicit <&0: without it a background job's stdin would be /dev/null.
    `( ${spec.command}\n) <&0 &`,
    'wait $!',
  );
  const script = shellQuote(lines.join('\n'));
  return spec.sudo ? `${sudoPrefix(spec.sudo)} bash -c ${script}` : `bash -c ${script}`;
}

function sudoPrefix(sudo: true | SudoOptions): string {
  const parts = ['sudo', '-n'];
  if (sudo !== true) {
    if (sudo.user !== undefined) parts.push('-u', account(sudo.user));
    if (sudo.group !== undefined) parts.push('-g', account(sudo.group));
  }
  return [...parts, '--'].join(' ');
}

export function account(name: string): string {
  if (!ACCOUNT.test(name)) throw new TypeError(`not a user or group name: ${JSON.stringify(name)}`);
  return name;
}

function assertName(name: string, what: string): void {
  if (!NAME.test(name)) throw new TypeError(`not a valid ${what} variable name: ${JSON.stringify(name)}`);
}

/** Secrets travel as one line each on stdin: a newline or NUL inside one would split or cut it. */
export function secretLines(secrets: Record<string, string>): string {
  return Object.entries(secrets)
    .map(([name, value]) => {
      if (/[\n\0]/.test(value)) throw new TypeError(`the secret ${name} contains a newline or NUL and cannot be passed on stdin`);
      return `${value}\n`;
    })
    .join('');
}
