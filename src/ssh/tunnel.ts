import { createServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { SshConnection } from './connect.js';

/**
 * `ssh -L 127.0.0.1:<free port>:HOST:PORT` on an open, verified connection: a listener on this machine's
 * loopback whose connections are each carried to HOST:PORT *as the remote host sees it* over an SSH
 * direct-tcpip channel (ssh2's forwardOut). It reaches what the remote host binds to its own 127.0.0.1
 * (Uptime Kuma), which no security group and no other host can reach. A client library that only speaks
 * TCP (socket.io-client) connects to `url`. The listener takes loopback connections only and lives until
 * `close()`; a channel the remote sshd refuses closes the local socket and is kept as `lastError`.
 */
export interface SshTunnel {
  /** The local port (on 127.0.0.1). */
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Why the last forwarded connection could not be opened (the remote sshd's refusal), if it failed. */
  readonly lastError: Error | undefined;
  close(): Promise<void>;
}

export interface TunnelTarget {
  /** As the remote host resolves it: `127.0.0.1` for its own loopback. */
  host: string;
  port: number;
}

export async function openTunnel(connection: SshConnection, target: TunnelTarget, signal?: AbortSignal): Promise<SshTunnel> {
  signal?.throwIfAborted();
  const open = new Set<Socket | Duplex>();
  let lastError: Error | undefined;
  const server = createServer({ pauseOnConnect: true }, (socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    socket.on('error', () => socket.destroy());
    // The source address only appears in the remote sshd's log.
    Promise.resolve(connection.ssh.forwardOut('127.0.0.1', socket.remotePort ?? 0, target.host, target.port) as Promise<Duplex>).then(
      (channel) => {
        if (socket.destroyed) return void channel.destroy();
        open.add(channel);
        channel.once('close', () => {
          open.delete(channel);
          socket.destroy();
        });
        channel.on('error', () => socket.destroy());
        socket.once('close', () => channel.destroy());
        socket.pipe(channel).pipe(socket);
        socket.resume();
      },
      (error: unknown) => {
        lastError = new Error(`${connection.label} could not open a connection to ${target.host}:${target.port}: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const close = () =>
    new Promise<void>((resolve) => {
      signal?.removeEventListener('abort', onAbort);
      for (const stream of open) stream.destroy();
      open.clear();
      server.close(() => resolve());
    });
  const onAbort = () => void close();
  signal?.addEventListener('abort', onAbort, { once: true });
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get lastError() {
      return lastError;
    },
    close,
  };
}
