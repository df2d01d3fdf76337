import type { Duplex } from 'node:stream';
import type { SimulatedHost } from './host.js';
import { ed25519KeyPair } from './keys.js';
import { serveSftp } from './sftp.js';
import { ssh2, type AuthContext, type ServerChannel, type Session, type Ssh2Server } from './ssh2-server.js';

/**
 * A simulated host's sshd: ssh2's server over in-memory connections, with the host's own ed25519 key.
 * Logins: user `ubuntu` with a key listed in the host's ~/.ssh/authorized_keys (publickey only, the
 * signature verified). Sessions run commands in the host's shell and serve SFTP over its filesystem;
 * `direct-tcpip` (a jump through this host) goes to `forward`, which decides what this host reaches.
 */

export interface HostKey {
  /** OpenSSH private key text. */
  privateKey: string;
  /** `ssh-ed25519 AAAA…` */
  publicKey: string;
}

export type Forward = (from: SimulatedHost, address: string, port: number) => Promise<Duplex>;

export function generateHostKey(): HostKey {
  return ed25519KeyPair('root@simulated-host');
}

const LOGIN = 'ubuntu';

export class SimulatedSshServer {
  private readonly server: Ssh2Server;
  private readonly open = new Set<{ end(): void }>();

  constructor(
    readonly host: SimulatedHost,
    readonly hostKey: HostKey,
    private readonly forward: Forward,
  ) {
    this.server = new (ssh2().Server)({ hostKeys: [hostKey.privateKey], ident: 'OpenSSH_9.6p1 Ubuntu-3ubuntu13.5 (simulated)' }, (client) => {
      this.open.add(client);
      client.on('close', () => this.open.delete(client));
      client.on('error', () => undefined);
      client.on('authentication', (ctx) => void this.authenticate(ctx));
      client.on('ready', () => {
        client.on('session', (accept) => this.session(accept()));
        client.on('tcpip', (accept, reject, info) => void this.tcpip(accept, reject, info));
      });
    });
  }

  /** A direct-tcpip channel: opened when `forward` reaches the destination, refused otherwise. */
  private async tcpip(accept: () => Duplex, reject: () => void, info: { destIP: string; destPort: number }): Promise<void> {
    let target: Duplex;
    try {
      target = await this.forward(this.host, info.destIP, info.destPort);
    } catch {
      return reject();
    }
    const channel = accept();
    channel.pipe(target).pipe(channel);
    channel.on('close', () => target.destroy());
    target.on('close', () => channel.destroy());
    channel.on('error', () => target.destroy());
    target.on('error', () => channel.destroy());
  }

  /** Serve one connection (the server end of an in-memory socket pair). */
  accept(socket: Duplex): void {
    this.server.injectSocket(socket);
  }

  close(): void {
    for (const client of this.open) client.end();
    this.open.clear();
    this.server.close();
  }

  private async authenticate(ctx: AuthContext): Promise<void> {
    if (ctx.method !== 'publickey' || ctx.username !== LOGIN || !ctx.key) return ctx.reject(['publickey']);
    const offered = ctx.key;
    const keys = await this.authorizedKeys();
    const match = keys.find((key) => key.type === offered.algo && key.getPublicSSH().equals(offered.data));
    if (!match) return ctx.reject(['publickey']);
    // Without a signature the client only asks whether this key would do.
    if (!ctx.signature || !ctx.blob) return ctx.accept();
    return match.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true ? ctx.accept() : ctx.reject(['publickey']);
  }

  private async authorizedKeys() {
    const path = '/home/ubuntu/.ssh/authorized_keys';
    const text = (await this.host.fs.exists(path)) ? await this.host.fs.readFile(path) : '';
    return text
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'))
      .flatMap((line) => {
        const parsed = ssh2().utils.parseKey(line);
        return parsed instanceof Error ? [] : Array.isArray(parsed) ? parsed : [parsed];
      });
  }

  private session(session: Session): void {
    let stop: AbortController | undefined;
    session.on('signal', (accept, _reject, info) => {
      accept?.();
      if (['TERM', 'KILL', 'INT', 'HUP'].includes(info.name)) stop?.abort();
    });
    session.on('exec', (accept, _reject, info) => {
      stop = new AbortController();
      void this.exec(accept(), info.command, stop);
    });
    session.on('sftp', (accept) => serveSftp(this.host, accept()));
  }

  /** stdin is read to its end (the client always closes it), the command runs, its output and status go back. */
  private async exec(channel: ServerChannel, command: string, stop: AbortController): Promise<void> {
    const chunks: Buffer[] = [];
    let closed = false;
    channel.on('data', (chunk: Buffer) => chunks.push(chunk));
    channel.on('error', () => undefined);
    channel.on('close', () => {
      closed = true;
      stop.abort();
    });
    await new Promise<void>((resolve) => {
      channel.once('end', resolve);
      channel.once('close', resolve);
    });
    if (closed) return;
    const result = await this.host.run(command, { user: LOGIN, stdin: Buffer.concat(chunks), signal: stop.signal }).catch((error: unknown) => ({
      stdout: Buffer.alloc(0),
      stderr: Buffer.from(`simulated host ${this.host.name}: ${error instanceof Error ? error.message : String(error)}\n`),
      code: 255 as number | null,
    }));
    if (closed) return;
    if (result.stdout.length > 0) channel.write(result.stdout);
    if (result.stderr.length > 0) channel.stderr.write(result.stderr);
    if (result.code === null) channel.exit('TERM', false, '');
    else channel.exit(result.code);
    channel.end();
  }
}
