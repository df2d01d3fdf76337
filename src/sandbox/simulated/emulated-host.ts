import type { Duplex } from 'node:stream';
import { decodeBytesToUtf8, defineCommand, type Command, type IFileSystem } from 'just-bash';
import { answerHttp, isKuma, kumaServer } from '../emulation/apps.js';
import { runEmulated } from '../emulation/commands.js';
import { PortTakenError, type ContainerRecord, type DatabaseFailure, type DatabaseSettings, type EmulatedHost, type HostDatabase, type HostFiles, type HostUser } from '../emulation/host.js';
import { DatabaseError, type Session } from './database/server.js';
import type { Listener, SimulatedHost } from './host.js';
import { memorySocketPair } from './memory-socket.js';

/**
 * The sandbox's adapter of the host emulation (src/sandbox/emulation/host.ts) for a simulated host: its
 * files are just-bash's in-memory filesystem, a package's commands are registered in its shells, a
 * container is served by in-memory listeners (Kuma's socket.io through an in-memory socket, for SSH
 * tunnels), the network and the RDS server are the simulated world's.
 */

function files(fs: IFileSystem): HostFiles {
  return {
    exists: (path) => fs.exists(path),
    isDirectory: async (path) => (await fs.exists(path)) && (await fs.stat(path)).isDirectory,
    read: (path) => fs.readFile(path),
    async write(path, text, mode) {
      await fs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
      await fs.writeFile(path, text);
      if (mode !== undefined) await fs.chmod(path, mode);
    },
    list: async (path) => ((await fs.exists(path)) && (await fs.stat(path)).isDirectory ? fs.readdir(path) : []),
    remove: (path) => fs.rm(path, { recursive: true, force: true }),
  };
}

/** The simulated RDS as the host's apps reach it (network first: the RDS security group). */
function database(host: SimulatedHost): HostDatabase {
  const { world } = host;
  const connect = (settings: DatabaseSettings): Session => {
    const endpoint = world.databaseEndpoint;
    if (settings.host !== endpoint.address || settings.port !== endpoint.port || world.reachDatabase(host) !== 'ok') {
      throw new DatabaseError(2002, 'HY000', `Can't connect to server on '${settings.host}' (115)`);
    }
    return world.database.connect(settings.user, settings.password, host.privateIp, settings.database);
  };
  /** What `work` returns, or the server's refusal (the MariaDB error it would send). */
  const attempt = async <T>(work: () => T): Promise<T | DatabaseFailure> => {
    try {
      return work();
    } catch (error) {
      if (error instanceof DatabaseError) return { code: error.code, message: error.message };
      throw error;
    }
  };
  return {
    login: (settings) => attempt(() => void connect(settings)),
    createTables: (settings, tables) => attempt(() => world.database.createTables(connect(settings), tables)),
    addUser: (settings, username) => attempt(() => world.database.keepRow(connect(settings), 'auth_user', username)),
  };
}

/** Uptime Kuma's socket.io API for raw connections (an SSH tunnel): one stand-in server per container, started on the first. */
function kumaConnector(host: EmulatedHost, container: ContainerRecord): () => Duplex {
  let server: Promise<{ emit(event: 'connection', socket: Duplex): boolean }> | undefined;
  return () => {
    const [client, serverSide] = memorySocketPair();
    server ??= kumaServer(host, container);
    // Bytes written meanwhile wait in the pair until the server reads them.
    void server.then((http) => http.emit('connection', serverSide), () => serverSide.destroy());
    return client;
  };
}

/** The emulated commands' host, for a simulated host. */
export function emulatedHost(host: SimulatedHost): EmulatedHost {
  const owner = (name: string) => `container ${name}`;
  const emulated: EmulatedHost = {
    hostname: host.hostname,
    fs: files(host.fs),
    database: database(host),
    network: {
      privateIp: host.privateIp,
      http: (url) => host.world.http(host, url),
      ping: (address) => host.world.ping(host, address),
      world: { database: host.world.database, databaseEndpoint: host.world.databaseEndpoint, reachDatabase: () => host.world.reachDatabase(host) },
    },
    provide: async (commands) => host.addCommands(commands),
    async serve(container) {
      for (const { port } of container.ports) {
        const taken = host.listeners.get(port);
        if (taken && taken.owner !== owner(container.name)) throw new PortTakenError(port);
      }
      const connect = isKuma(container.image) ? kumaConnector(emulated, container) : undefined;
      for (const { port, bind } of container.ports) {
        const listener: Listener = { owner: owner(container.name), answer: ({ path }) => answerHttp(emulated, container, path), ...(connect ? { connect } : {}) };
        host.listeners.set(port, ['127.0.0.1', 'localhost', '::1'].includes(bind) ? { ...listener, loopbackOnly: true } : listener);
      }
    },
    async unserve(name) {
      for (const [port, listener] of host.listeners) if (listener.owner === owner(name)) host.listeners.delete(port);
    },
    serving: async (name) => [...host.listeners.values()].some((listener) => listener.owner === owner(name)),
  };
  return emulated;
}

/** An emulated command as a command of the host's shell (for `user`), its call recorded on the host. */
export function shellCommand(host: SimulatedHost, name: string, user: HostUser): Command {
  return defineCommand(name, async (args, ctx) => {
    const outcome = await runEmulated({ host: host.emulated, name, args, user, cwd: ctx.cwd, env: ctx.exportedEnv ?? Object.fromEntries(ctx.env), stdin: async () => decodeBytesToUtf8(ctx.stdin) });
    host.record([name, ...args.map((arg) => (arg.startsWith('--password=') ? '--password=***' : arg))]);
    return outcome;
  });
}
