import { isUtf8 } from 'node:buffer';
import type { Duplex } from 'node:stream';
import { Bash, latin1FromBytes, stdoutKind, type ExecResult, type ResolvedCommandContext } from 'just-bash';
import type { VpcKey } from '../../config/schema.js';
import type { HostName } from '../../engine/types.js';
import { shellQuote } from '../../ssh/remote-command.js';
import { BASE_COMMANDS } from '../emulation/packages.js';
import type { EmulatedHost, HttpAnswer } from '../emulation/host.js';
import { emulatedHost, shellCommand } from './emulated-host.js';
import { coreCommands, homeOf } from './shell/core-commands.js';
import { HostFs } from './shell/host-fs.js';
import { polyfilled } from './shell/job-polyfill.js';
import { Owners } from './shell/owners.js';
import type { SimulatedWorld } from './world.js';

/**
 * One simulated EC2 host: an Ubuntu 24.04 look-alike in memory. Its shell is just-bash over an in-memory
 * filesystem (one per host, shared by its two users, root and ubuntu), with the emulated commands of
 * src/sandbox/emulation for what a real host would run (packages, systemd, Docker, GitLab, MariaDB's
 * client, ping, curl), through emulated-host.ts. What steps write stays here and reads back the same, so a
 * rerun finds nothing to do.
 */

export type HostUser = 'root' | 'ubuntu';
export const HOST_USERS: readonly HostUser[] = ['root', 'ubuntu'];

export interface SimulatedHostSpec {
  name: HostName;
  privateIp: string;
  /** Absent: a private-subnet host. */
  publicIp?: string;
  /** The VPC whose subnet its addresses come from (who reaches it is the cloud's to say: network.ts). */
  vpc: VpcKey;
}

/** What a command of a host's shell knows: its host, the simulated world, and who runs it. */
export interface CommandEnv {
  host: SimulatedHost;
  world: SimulatedWorld;
  user: HostUser;
}

export type { HttpAnswer };

export interface HttpRequest {
  path: string;
  /** The host the request comes from. */
  from: SimulatedHost;
}

/** Something answering HTTP on a port of a host (a container, GitLab's nginx). */
export interface Listener {
  /** Who opened the port, for errors and tests (`container shop-web-1`, `gitlab`). */
  owner: string;
  /** Published on the host's 127.0.0.1 only (`127.0.0.1:80:80`): other hosts cannot connect. */
  loopbackOnly?: boolean;
  answer(request: HttpRequest): HttpAnswer | Promise<HttpAnswer>;
  /** A raw connection to the port (an SSH tunnel's direct-tcpip channel), for listeners that speak more than one request. */
  connect?(): Duplex;
}

export interface RunResult {
  stdout: Buffer;
  stderr: Buffer;
  /** Exit code; null when the command was stopped. */
  code: number | null;
}

const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin';

/** `ip-10-3-1-10`, as an EC2 Ubuntu host names itself. */
export function ec2Hostname(privateIp: string): string {
  return `ip-${privateIp.replaceAll('.', '-')}`;
}

/**
 * A command line's stdout as bytes. just-bash hands the top level's output back as one string, UTF-8
 * decoded when its bytes were valid UTF-8 and as a latin1 view of the raw bytes when not (gzip output),
 * without saying which. A character above U+00FF means decoded text; bytes that are valid UTF-8 as they
 * stand are taken as they are; otherwise control characters other than whitespace mean binary (raw
 * bytes), and their absence text with Latin-1 characters.
 */
export function outputBytes(result: ExecResult): Buffer {
  if (stdoutKind(result) === 'bytes') return Buffer.from(result.stdout, 'latin1');
  const text = result.stdout;
  // eslint-disable-next-line no-control-regex
  if (/[^\u0000-\u00ff]/.test(text)) return Buffer.from(text, 'utf8');
  const raw = Buffer.from(text, 'latin1');
  if (isUtf8(raw)) return raw;
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f]/.test(text) ? raw : Buffer.from(text, 'utf8');
}

export class SimulatedHost {
  readonly name: HostName;
  readonly hostname: string;
  readonly privateIp: string;
  readonly publicIp: string | undefined;
  readonly vpc: VpcKey;
  readonly fs = new HostFs();
  readonly owners = new Owners({ path: homeOf('ubuntu'), user: 'ubuntu' });
  /** What answers on each port of the host (a container, GitLab's nginx). */
  readonly listeners = new Map<number, Listener>();
  /** Every command line an emulated command was asked to run, as argv (for tests and diagnostics). */
  readonly calls: string[][] = [];
  /** This host as the emulated commands see it. */
  readonly emulated: EmulatedHost;
  private readonly shells: Record<HostUser, Bash>;

  constructor(
    spec: SimulatedHostSpec,
    readonly world: SimulatedWorld,
  ) {
    this.name = spec.name;
    this.privateIp = spec.privateIp;
    this.publicIp = spec.publicIp;
    this.vpc = spec.vpc;
    this.hostname = ec2Hostname(spec.privateIp);
    const shellOf = (user: HostUser) =>
      new Bash({
        fs: this.fs,
        cwd: homeOf(user),
        env: this.baseEnv(user),
        processInfo: { uid: user === 'root' ? 0 : 1000, gid: user === 'root' ? 0 : 1000 },
        customCommands: [...coreCommands(this.envFor(user)), ...BASE_COMMANDS.map((name) => shellCommand(this, name, user))],
      });
    this.emulated = emulatedHost(this);
    this.shells = { root: shellOf('root'), ubuntu: shellOf('ubuntu') };
  }

  envFor(user: HostUser): CommandEnv {
    return { host: this, world: this.world, user };
  }

  /** Every address the host answers on. */
  get addresses(): string[] {
    return [this.privateIp, ...(this.publicIp ? [this.publicIp] : [])];
  }

  /** Make emulated commands available to both users (a package was installed). */
  addCommands(names: readonly string[]): void {
    for (const user of HOST_USERS) for (const name of names) this.shells[user].registerCommand(shellCommand(this, name, user));
  }

  /** A command line as the SSH server receives it, run by `user` in its home directory, on the network as the cloud holds it now. */
  async run(commandLine: string, options: { user: HostUser; stdin: Buffer; signal: AbortSignal }): Promise<RunResult> {
    await this.world.refreshNetwork();
    const result = await this.shells[options.user].exec(polyfilled(commandLine), {
      cwd: homeOf(options.user),
      env: this.baseEnv(options.user),
      replaceEnv: true,
      stdin: options.stdin.toString('latin1'),
      stdinKind: 'bytes',
      signal: options.signal,
      rawScript: true,
    });
    return {
      stdout: outputBytes(result),
      stderr: Buffer.from(result.stderr, 'utf8'),
      code: options.signal.aborted ? null : result.exitCode,
    };
  }

  /** `sudo`: argv run as `user` (its own environment, as sudo's env_reset), in the caller's directory, with the caller's stdin. */
  runIn(user: HostUser, argv: readonly string[], options: { ctx: ResolvedCommandContext; env: Record<string, string> }): Promise<ExecResult> {
    const { ctx } = options;
    return this.shells[user].exec(argv.map(shellQuote).join(' '), {
      cwd: ctx.cwd,
      env: { ...this.baseEnv(user), SUDO_USER: options.env['USER'] ?? 'ubuntu' },
      replaceEnv: true,
      stdin: latin1FromBytes(ctx.stdin),
      stdinKind: 'bytes',
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      rawScript: true,
    });
  }

  /** Record a stand-in's call. */
  record(argv: readonly string[]): void {
    this.calls.push([...argv]);
  }

  private baseEnv(user: HostUser): Record<string, string> {
    return { HOME: homeOf(user), USER: user, LOGNAME: user, SHELL: '/bin/bash', PATH, LANG: 'C.UTF-8', HOSTNAME: this.hostname };
  }
}
