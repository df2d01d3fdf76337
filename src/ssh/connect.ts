// node-ssh (and ssh2 under it) takes ~0.2 s to load: only a run that reaches a host pays for it.
import type { NodeSSH } from 'node-ssh';
import type { LimitFunction } from 'p-limit';
import type { Duplex } from 'node:stream';
import { SshConnectAbortedError, SshConnectError } from './errors.js';
import type { HostKeyFingerprint } from './fingerprints.js';
import { hostKeyCheck } from './host-key.js';
import { sessionLimiter } from './sessions.js';
import type { Ssh2Client, Ssh2Error } from './ssh2-types.js';

/** A host the tool reaches over SSH. */
export interface SshHost {
  /** How the tool names the host (`gitlab`, `shop`): the pool key, and what errors say. */
  name: string;
  address: string;
  port?: number;
  username: string;
  /** The private key's text. Never logged, never put in an error. */
  privateKey: string;
  /** From the instance's console (parseConsoleFingerprints); empty = nothing can be trusted yet. */
  fingerprints: HostKeyFingerprint[];
  /** Name of the jump host (also in the pool) this host is reached through. */
  via?: string;
  /** A host simulated in this process (`--sandbox`): labelled so, and never connected to over the network. */
  simulated?: boolean;
}

/** An open, verified connection. */
export interface SshConnection {
  /** `shop (10.3.1.10 via gitlab)`: how errors name this host. */
  readonly label: string;
  readonly hostName: string;
  readonly ssh: NodeSSH;
  readonly client: Ssh2Client;
  /** Session channels (commands, SFTP) open at once on this connection stay under sshd's MaxSessions. */
  readonly sessions: LimitFunction;
}

export interface ConnectOptions {
  /** Handshake + authentication deadline (ssh2's readyTimeout), ms. */
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  signal?: AbortSignal;
  /** The stream to speak SSH over (a jump host's forwardOut channel) instead of a TCP connection. */
  sock?: Duplex;
}

export function hostLabel(host: SshHost): string {
  const port = host.port && host.port !== 22 ? `:${host.port}` : '';
  return `${host.name} (${host.simulated ? 'simulated, ' : ''}${host.address}${port}${host.via ? ` via ${host.via}` : ''})`;
}

/** Connect and authenticate one host, its host key checked against its console fingerprints. */
export async function connectHost(host: SshHost, options: ConnectOptions): Promise<SshConnection> {
  const label = hostLabel(host);
  const { NodeSSH: NodeSsh } = await import('node-ssh');
  if (options.signal?.aborted) throw new SshConnectAbortedError(label);
  if (host.simulated && !options.sock) {
    // Defence in depth: the pool hands simulated hosts their in-memory stream; without one, refuse rather than dial out.
    throw new SshConnectError(`${label}: a simulated host has no network address to connect to`, label, 'Simulated hosts are reached through the sandbox in this process only.');
  }
  const check = hostKeyCheck(label, host.fingerprints);
  const ssh = new NodeSsh();
  const connecting = ssh.connect({
    ...(options.sock ? { sock: options.sock } : { host: host.address }),
    port: host.port ?? 22,
    username: host.username,
    privateKey: host.privateKey,
    hostVerifier: check.verify,
    readyTimeout: options.readyTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    keepaliveCountMax: 4,
    // No agent, no keyboard prompt: the key given is the only credential.
    tryKeyboard: false,
  });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      ssh.dispose();
      reject(new SshConnectAbortedError(label));
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([connecting, aborted]);
  } catch (error) {
    ssh.dispose();
    if (check.error) throw check.error; // the real reason, not ssh2's "Host denied (verification failed)"
    if (error instanceof SshConnectAbortedError) throw error;
    throw connectError(host, label, error, options);
  } finally {
    if (onAbort) options.signal?.removeEventListener('abort', onAbort);
    connecting.catch(() => undefined); // settled after a lost race: nothing left to report
  }
  const client = ssh.connection as Ssh2Client;
  // node-ssh stops listening for errors once connected; a reset or a keepalive timeout later would
  // then be an uncaught 'error' event. The 'close' that follows makes the pool forget the connection.
  client.on('error', () => undefined);
  return { label, hostName: host.name, ssh, client, sessions: sessionLimiter() };
}

function connectError(host: SshHost, label: string, error: unknown, options: ConnectOptions): SshConnectError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as Ssh2Error;
  const reason = typeof e.message === 'string' ? e.message : String(error);
  const where = options.sock ? `through ${host.via}` : `on port ${host.port ?? 22}`;
  if (e.level === 'client-authentication') {
    return new SshConnectError(
      `${label} refused the key for user "${host.username}"`,
      label,
      'Check that the instance was launched with this key pair and that the user is the AMI default (ubuntu on Ubuntu).',
      { cause: error },
    );
  }
  if (e.level === 'client-timeout' || e.code === 'ETIMEDOUT') {
    return new SshConnectError(
      `No SSH handshake with ${label} ${where} within ${Math.round(options.readyTimeoutMs / 1000)} s`,
      label,
      'Check that the instance is running, that its security group allows port 22 from where you connect ' +
        '(the jump host for private hosts), and the route tables.',
      { cause: error },
    );
  }
  if (e.code === 'ECONNREFUSED') {
    return new SshConnectError(
      `${label} refused the connection ${where}`,
      label,
      'sshd is not listening yet (the instance may still be booting) or the port is wrong: retry in a minute.',
      { cause: error },
    );
  }
  if (e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH') {
    return new SshConnectError(`${label} is unreachable (${e.code})`, label, 'Check the address and the route to it.', {
      cause: error,
    });
  }
  if (e.message?.startsWith('Cannot parse privateKey') || e.message?.includes('privateKey')) {
    return new SshConnectError(
      `The private key for ${label} could not be used: ${reason.replace(/:.*$/, '')}`,
      label,
      'Give the key file of the EC2 key pair (OpenSSH or PEM format, without a passphrase).',
      { cause: error },
    );
  }
  return new SshConnectError(`SSH connection to ${label} failed: ${reason}`, label, 'Check the host and retry.', {
    cause: error,
  });
}
