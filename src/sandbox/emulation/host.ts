/**
 * The host an emulated command runs on, as small as the commands need it. Every stand-in of this
 * directory (apt, snap, systemctl, Docker and Compose, GitLab, curl, ping, the MariaDB client…) is written
 * against it, once, and runs on two hosts:
 * - the `--sandbox` rehearsal's simulated hosts (src/sandbox/simulated/host.ts): a just-bash filesystem in
 *   memory, containers answering from in-memory listeners, the simulated network and RDS;
 * - the lab's hosts (test/lab/emulation/): the host's own files through node:fs, containers as real
 *   processes listening on the host's namespace, the lab's real MariaDB and network.
 * What a stand-in keeps (installed packages, units, containers, volumes) is in files of the host, where
 * the real software keeps it (/var/lib/dpkg/status, /var/lib/docker/…), so both hosts hold the same state.
 */

export type HostUser = 'root' | 'ubuntu';

/** A host's files, by absolute path. Text only: the stand-ins write configuration and state, not binaries. */
export interface HostFiles {
  exists(path: string): Promise<boolean>;
  isDirectory(path: string): Promise<boolean>;
  read(path: string): Promise<string>;
  /** Creates the file's directory; `mode` is set on the file when given. */
  write(path: string, text: string, mode?: number): Promise<void>;
  /** Entry names; [] for a directory that does not exist. */
  list(path: string): Promise<string[]>;
  /** Removes a file or a directory tree; nothing when absent. */
  remove(path: string): Promise<void>;
}

/** A port a container publishes on the host: its address (`0.0.0.0`, or `127.0.0.1` for the host alone) and number. */
export interface PublishedPort {
  bind: string;
  port: number;
  /** The port inside the container (for `docker ps`). */
  target: number;
}

/** A container as Docker keeps it (/var/lib/docker/containers/NAME/config.v2.json, in this emulation's own shape). */
export interface ContainerRecord {
  name: string;
  image: string;
  project: string;
  service: string;
  ports: PublishedPort[];
  environment: Record<string, string>;
  /** Named volumes by mount point (`/var/www/html` → `wordpress_wordpress_data`). */
  volumes: Record<string, string>;
  /** The build context on the host (a service built from source: the shop's Django app). */
  build?: string;
  /** A hash of the service's configuration: `compose up` recreates a container whose service changed. */
  config: string;
}

/** The host cannot serve a container on this port: something else listens there. */
export class PortTakenError extends Error {
  constructor(readonly port: number) {
    super(`port ${port} is already allocated`);
  }
}

/** How an app in a container logs in to its database (from its environment). */
export interface DatabaseSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
}

/** What MariaDB answered instead: `1045` "Access denied for user…", `2002` "Can't connect to server on…". */
export interface DatabaseFailure {
  code: number;
  message: string;
}

/** The database as an app on the host reaches it: the lab's real MariaDB, or the sandbox's simulated RDS. */
export interface HostDatabase {
  login(settings: DatabaseSettings): Promise<DatabaseFailure | void>;
  /** Django's `migrate`: its tables, created where missing. */
  createTables(settings: DatabaseSettings, tables: readonly string[]): Promise<DatabaseFailure | void>;
  /** Django's `createsuperuser`: a row in auth_user; false when the username is taken. */
  addUser(settings: DatabaseSettings, username: string): Promise<boolean | DatabaseFailure>;
}

export type Reach = 'ok' | 'blocked' | 'no-route' | 'unknown';
export interface HttpAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}
export type HttpResult = { kind: 'answer'; answer: HttpAnswer } | { kind: 'error'; code: number; message: string };

/**
 * The network as a simulated host sees it, for the stand-ins of tools the lab runs for real (curl, ping,
 * the MariaDB client, gpg's key download): the lab has real ones on a real network, the sandbox does not.
 */
export interface HostNetwork {
  readonly privateIp: string;
  http(url: URL): Promise<HttpResult>;
  ping(address: string): Reach;
  /** The RDS server as this host reaches it (the `world.database` API of src/sandbox/simulated/database). */
  readonly world: import('./mariadb.js').DatabaseWorld;
}

export interface EmulatedHost {
  readonly hostname: string;
  readonly fs: HostFiles;
  readonly database: HostDatabase;
  /** Make commands appear on the PATH (a package brought them). */
  provide(commands: readonly string[]): Promise<void>;
  /** Start answering on the container's published ports as containers.ts says its image does; PortTakenError when one is taken. */
  serve(container: ContainerRecord): Promise<void>;
  /** Stop answering for the container (nothing when it does not). */
  unserve(name: string): Promise<void>;
  serving(name: string): Promise<boolean>;
  readonly network?: HostNetwork;
}

/** One command line run on a host. */
export interface Call {
  readonly host: EmulatedHost;
  /** The command's name (argv[0]) and its arguments. */
  readonly name: string;
  readonly args: readonly string[];
  readonly user: HostUser;
  readonly cwd: string;
  /** Its environment (what `sudo` passed on, what the shell exported). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Its standard input, as text (read once, when the command needs it). */
  stdin(): Promise<string>;
}

export interface Outcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export type Emulated = (call: Call) => Promise<Outcome>;

export function ok(stdout = '', stderr = ''): Outcome {
  return { stdout, stderr, exitCode: 0 };
}

export function fail(stderr: string, exitCode = 1, stdout = ''): Outcome {
  return { stdout, stderr: stderr.endsWith('\n') || stderr === '' ? stderr : `${stderr}\n`, exitCode };
}

/** An absolute path from the caller's directory. */
export function resolvePath(cwd: string, path: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith('/') ? path : `${cwd}/${path}`).split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '' && part !== '.') parts.push(part);
  }
  return `/${parts.join('/')}`;
}

/** `-x VALUE`, `--long=VALUE` and `--long VALUE` options, flags, and operands (after `--` everything is an operand). */
export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
  operands: string[];
}

/**
 * Parse arguments: `valued` options take a value (`-u USER`, `--user=USER`, `-uUSER`); anything else
 * starting with `-` is a flag (short flags may be grouped: `-sS`).
 */
export function parseArgs(args: readonly string[], valued: readonly string[] = []): ParsedArgs {
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      if (eq !== -1) values.set(name, arg.slice(eq + 1));
      else if (valued.includes(name) && i + 1 < args.length) values.set(name, args[++i] as string);
      else flags.add(name);
    } else if (arg.startsWith('-') && arg.length > 1) {
      for (let j = 1; j < arg.length; j += 1) {
        const name = `-${arg[j]}`;
        if (valued.includes(name)) {
          const rest = arg.slice(j + 1);
          values.set(name, rest || ((args[++i] as string | undefined) ?? ''));
          break;
        }
        flags.add(name);
      }
    } else {
      operands.push(arg);
    }
  }
  return { flags, values, operands };
}

/** JSON state kept in a file of the host (a missing file reads as `fallback`). */
export async function readJson<T>(fs: HostFiles, path: string, fallback: T): Promise<T> {
  return (await fs.exists(path)) ? (JSON.parse(await fs.read(path)) as T) : fallback;
}
