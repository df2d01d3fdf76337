import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type Options, type ResultPromise } from 'execa';
import type { LabMap } from '../../src/sandbox/lab-map.js';
import { ensureLabUser, type LabUser } from '../helpers/lab-user.js';
import { consoleOutputFor } from './console-output.js';
import { labCodeDir, preinstallCommand, readCalls, type LabCall } from './emulation-code.js';
import { buildHostRoot, hostPathIn, poolDir } from './host-root.js';
import { DB_ADMIN_USER, DB_PORT, initDb, startDb } from './mariadb.js';
import { destroyNamespace, LabError, removeStaleLabs, run } from './netns.js';
import { buildNetwork, namespacesOf } from './network.js';
import { generateHostKeys, startSshd, writeSshdFiles, type HostKeyFingerprint } from './sshd.js';
import { INTERNET, NODES, SSH_HOST_KEYS, newLabNames, type LabHostKey, type LabNodeKey } from './topology.js';

export type { LabHostKey, LabNodeKey } from './topology.js';
export type { LabCall } from './emulation-code.js';

/** Every lab run lives under here (root-owned, not world-writable: sshd's StrictModes checks the path). */
import { LAB_BASE_DIR } from './paths.js';

export { LAB_BASE_DIR };

export interface StartLabOptions {
  /** The RDS master (admin) password; default random. Never printed. */
  dbAdminPassword?: string;
  /** Public keys authorised for `ubuntu` on every host, besides the lab's own client key. */
  authorizedKeys?: string[];
  /** Packages already "installed" per host (e.g. { gitlab: ['docker.io'] }); default none, as on a fresh AMI. */
  preinstalled?: Partial<Record<LabHostKey, string[]>>;
}

export interface LabHost {
  key: LabHostKey;
  ns: string;
  hostname: string;
  privateAddress: string;
  publicAddress?: string;
  sshPort: 22;
  /** From `ssh-keygen -l` on the host's own keys (ECDSA, ED25519). */
  fingerprints: HostKeyFingerprint[];
  /** What GetConsoleOutput shows for this instance (see console-output.ts). */
  consoleOutput: string;
}

export interface LabExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface LabExecOptions {
  input?: string;
  /** Default 30 s. */
  timeoutMs?: number;
  /** Added to the clean login-like environment (e.g. MYSQL_PWD, so a password stays off the command line). */
  env?: Record<string, string>;
}

export interface Lab {
  /** Namespace names and the run dir start with it (`rblab<pid>x<n>`). */
  prefix: string;
  dir: string;
  /** Where the tool (and the sandbox) run: the internet segment at 203.0.113.7, no default route. */
  operatorNs: string;
  operatorAddress: string;
  /** The admin CIDR the security groups allow (the operator's address /32). */
  adminCidr: string;
  routerNs: string;
  hosts: Record<LabHostKey, LabHost>;
  db: { ns: string; address: string; port: number; adminUser: string; /** A function, so printing `lab.db` never shows it. */ adminPassword(): string };
  /** A throwaway ed25519 key authorised for `ubuntu` on every host. */
  clientKey: { privateKeyPath: string; publicKey: string };
  /** The gateway's lab map: instances by `compute.<host>` step tag, the RDS endpoint and master secret. */
  labMap(): LabMap;
  /** The real path, on the lab disk, of a file as `host` sees it (its own root: host-root.ts). */
  hostPath(host: LabHostKey, path: string): string;
  /** Runs `sh -c command` as root inside a node's namespaces (and mount view); never throws on exit codes. */
  exec(node: LabNodeKey, command: string, options?: LabExecOptions): Promise<LabExecResult>;
  /** execa `file args` inside the operator namespace. */
  runInOperator<O extends Options = Options>(file: string, args?: readonly string[], options?: O): ResultPromise<O>;
  /** What the emulated commands on `host` were asked, in order. */
  calls(host: LabHostKey): Promise<LabCall[]>;
  /** Ends every process of the lab, removes its namespaces and run dir. Idempotent. */
  stop(): Promise<void>;
}

/** A clean environment for commands on a host, as a login would have (not the test worker's). */
const HOST_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', LANG: 'C.UTF-8', USER: 'root' };

async function prepareHost(dir: string, key: LabHostKey, user: LabUser, authorizedKeys: string[]): Promise<HostKeyFingerprint[]> {
  const hostDir = join(dir, key);
  await mkdir(hostDir, { recursive: true, mode: 0o755 });
  await buildHostRoot(hostDir, NODES[key], user);
  const fingerprints = await generateHostKeys(hostDir, NODES[key]);
  await writeSshdFiles(hostDir, NODES[key], authorizedKeys);
  return fingerprints;
}

export async function startLab(options: StartLabOptions = {}): Promise<Lab> {
  const user = ensureLabUser();
  await mkdir(LAB_BASE_DIR, { recursive: true });
  await chmod(LAB_BASE_DIR, 0o755);
  await removeStaleLabs(LAB_BASE_DIR);
  const names = newLabNames();
  const dir = join(LAB_BASE_DIR, names.prefix);
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(namespacesOf(names).map(destroyNamespace));
      // Killed daemons are our children: wait until Node has reaped them, so none lingers as a zombie.
      await Promise.race([Promise.all(daemons), new Promise((resolve) => setTimeout(resolve, 5000))]);
      await rm(dir, { recursive: true, force: true });
    })());
  const password = options.dbAdminPassword ?? randomBytes(18).toString('base64url');
  const pids: Partial<Record<LabNodeKey, number>> = {};
  const daemons: Promise<void>[] = [];
  try {
    await mkdir(dir, { mode: 0o755 });
    const code = { codeDir: labCodeDir(), pool: poolDir() };
    const clientKeyPath = join(dir, 'client_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `aws-runbook-lab-${names.prefix}`, '-f', clientKeyPath]);
    const clientPublicKey = (await readFile(`${clientKeyPath}.pub`, 'utf8')).trim();
    const authorized = [clientPublicKey, ...(options.authorizedKeys ?? [])];
    // Keys, files and the database's system tables need no network: done while the network is built.
    const [fingerprints] = await Promise.all([
      Promise.all(SSH_HOST_KEYS.map((key) => prepareHost(dir, key, user, authorized))),
      initDb(join(dir, 'db')),
      buildNetwork(names),
    ]);
    await Promise.all([
      ...SSH_HOST_KEYS.map(async (key) => {
        const sshd = await startSshd(names.ns(key), join(dir, key), NODES[key], code);
        pids[key] = sshd.pid;
        daemons.push(sshd.exited);
      }),
      startDb(names.ns('db'), join(dir, 'db'), NODES.db, password).then((db) => {
        pids.db = db.pid;
        daemons.push(db.exited);
      }),
    ]);
    const hosts = Object.fromEntries(
      SSH_HOST_KEYS.map((key, i) => {
        const node = NODES[key];
        const keys = fingerprints[i] ?? [];
        const host: LabHost = { key, ns: names.ns(key), hostname: node.hostname, privateAddress: node.privateAddress, publicAddress: node.publicAddress, sshPort: 22, fingerprints: keys, consoleOutput: consoleOutputFor(node.hostname, keys) };
        return [key, host];
      }),
    ) as Record<LabHostKey, LabHost>;

    const exec: Lab['exec'] = async (node, command, execOptions = {}) => {
      const pid = pids[node];
      const enter = node === 'db' || pid === undefined ? ['ip', 'netns', 'exec', names.ns(node)] : ['nsenter', '-t', String(pid), '-m', '-u', '-n', '-p', '--'];
      const result = await execa(enter[0] as string, [...enter.slice(1), '/bin/sh', '-c', command], {
        input: execOptions.input,
        timeout: execOptions.timeoutMs ?? 30_000,
        env: { ...HOST_ENV, ...execOptions.env },
        extendEnv: false,
        reject: false,
        cwd: '/',
      });
      return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
    };

    // Every host as a fresh image: its packages installed through the emulation (and the test's extra ones).
    for (const key of Object.keys(options.preinstalled ?? {})) if (!(SSH_HOST_KEYS as readonly string[]).includes(key)) throw new LabError(`lab: no host named ${key}`, `hosts: ${SSH_HOST_KEYS.join(', ')}`);
    await Promise.all(
      SSH_HOST_KEYS.map(async (key) => {
        const packages = options.preinstalled?.[key] ?? [];
        const result = await exec(key, preinstallCommand(packages).map((word) => `'${word}'`).join(' '));
        if (result.exitCode !== 0) throw new LabError(`lab: preparing host ${key} (packages ${packages.join(', ') || 'of the image'}) failed: ${result.stderr}`, 'see test/lab/emulation');
      }),
    );

    const lab: Lab = {
      prefix: names.prefix,
      dir,
      operatorNs: names.ns('operator'),
      operatorAddress: INTERNET.operator,
      adminCidr: INTERNET.adminCidr,
      routerNs: names.ns('router'),
      hosts,
      db: { ns: names.ns('db'), address: NODES.db.privateAddress, port: DB_PORT, adminUser: DB_ADMIN_USER, adminPassword: () => password },
      clientKey: { privateKeyPath: clientKeyPath, publicKey: clientPublicKey },
      labMap: () => ({
        instances: Object.fromEntries(
          Object.values(hosts).map((host) => [`compute.${host.key}`, { privateIp: host.privateAddress, publicIp: host.publicAddress, consoleOutput: host.consoleOutput }]),
        ),
        rds: { address: NODES.db.privateAddress, port: DB_PORT, masterUserSecret: JSON.stringify({ username: DB_ADMIN_USER, password }) },
      }),
      hostPath: (host, path) => hostPathIn(join(dir, host), host, path),
      exec,
      runInOperator: (file, args = [], execaOptions) => execa('ip', ['netns', 'exec', names.ns('operator'), file, ...args], execaOptions) as never,
      calls: (host) => readCalls(hostPathIn(join(dir, host), host, '/var/lib/lab/calls.jsonl')),
      stop,
    };
    return lab;
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
