import type { EventEmitter } from 'node:events';
import type { Duplex, Readable } from 'node:stream';

/**
 * The few parts of ssh2 (1.x) this layer uses. @types/ssh2 is not installed, so node-ssh's typings
 * leave `NodeSSH.connection` as `any`; these structural types keep the rest of src/ssh checked.
 */

/** A session channel running one command: stdout is the readable side, stdin the writable side. */
export type ExecChannel = Duplex & {
  readonly stderr: Readable;
  /** Sends an SSH "signal" request (name without SIG); OpenSSH signals the session's process group. */
  signal(name: string): void;
  close(): void;
};

export interface SftpSession {
  writeFile(path: string, data: Buffer, options: { mode?: number }, callback: (error?: Error | null) => void): void;
  fastPut(localPath: string, remotePath: string, callback: (error?: Error | null) => void): void;
  end(): void;
}

export interface Ssh2Client extends EventEmitter {
  exec(command: string, callback: (error: Error | undefined, channel: ExecChannel) => void): boolean;
  end(): void;
}

/** ssh2 marks where a connect failure happened. */
export interface Ssh2Error extends Error {
  level?: 'client-socket' | 'client-timeout' | 'client-authentication' | 'client-dns' | 'protocol' | 'handshake' | string;
  code?: string;
}

/**
 * ssh2 internals used to send a "signal" request after stdin was closed: the public
 * `channel.signal()` is a silent no-op once the channel's writable side ended (which it has, for
 * every command once its stdin is sent), so abort would not reach the remote process.
 */
export interface ChannelInternals {
  _client?: { _protocol?: { signal?: (channelId: number, name: string) => void } };
  outgoing?: { id?: number; state?: string };
}
