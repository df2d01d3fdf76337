import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
import type { Duplex, Readable, Writable } from 'node:stream';

/**
 * The server half of ssh2 (1.x, installed with node-ssh), typed for what the simulated hosts use. ssh2 has
 * no bundled typings and @types/ssh2 is not installed; it is loaded on demand (about 0.2 s), only by a
 * `--sandbox` run that starts simulated hosts.
 */

export interface ParsedKey {
  type: string;
  getPublicSSH(): Buffer;
  verify(data: Buffer, signature: Buffer, hashAlgo?: string): boolean | Error;
}

export interface AuthContext {
  method: string;
  username: string;
  key?: { algo: string; data: Buffer };
  signature?: Buffer;
  blob?: Buffer;
  hashAlgo?: string;
  accept(): void;
  reject(methods?: string[]): void;
}

export interface ServerChannel extends Duplex {
  readonly stderr: Writable;
  exit(code: number): void;
  exit(signal: string, coreDumped: boolean, message: string): void;
  close(): void;
}

export interface SftpAttrs {
  mode?: number;
  size?: number;
  uid?: number;
  gid?: number;
  atime?: number;
  mtime?: number;
}

export interface SftpServer extends EventEmitter {
  handle(reqid: number, handle: Buffer): boolean;
  status(reqid: number, code: number, message?: string): boolean;
  data(reqid: number, data: Buffer): boolean;
  attrs(reqid: number, attrs: SftpAttrs): boolean;
  name(reqid: number, names: { filename: string; longname: string; attrs: SftpAttrs }[]): boolean;
}

export interface Session extends EventEmitter {
  on(event: 'exec', listener: (accept: () => ServerChannel, reject: () => void, info: { command: string }) => void): this;
  on(event: 'sftp', listener: (accept: () => SftpServer, reject: () => void) => void): this;
  on(event: 'signal', listener: (accept: (() => void) | undefined, reject: (() => void) | undefined, info: { name: string }) => void): this;
  on(event: string, listener: (...args: never[]) => void): this;
}

export interface ServerConnection extends EventEmitter {
  on(event: 'authentication', listener: (ctx: AuthContext) => void): this;
  on(event: 'ready' | 'close' | 'end', listener: () => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'session', listener: (accept: () => Session, reject: () => void) => void): this;
  on(event: 'tcpip', listener: (accept: () => Duplex, reject: () => void, info: { destIP: string; destPort: number; srcIP: string; srcPort: number }) => void): this;
  end(): void;
}

export interface Ssh2Server extends EventEmitter {
  injectSocket(socket: Readable): void;
  close(): void;
}

interface Ssh2Module {
  Server: new (config: { hostKeys: string[]; ident?: string }, onConnection: (client: ServerConnection) => void) => Ssh2Server;
  utils: {
    parseKey(data: string | Buffer): ParsedKey | ParsedKey[] | Error;
    sftp: { STATUS_CODE: Record<'OK' | 'EOF' | 'NO_SUCH_FILE' | 'PERMISSION_DENIED' | 'FAILURE' | 'OP_UNSUPPORTED', number>; OPEN_MODE: Record<'READ' | 'WRITE' | 'APPEND' | 'CREAT' | 'TRUNC' | 'EXCL', number> };
  };
}

let loaded: Ssh2Module | undefined;

export function ssh2(): Ssh2Module {
  loaded ??= createRequire(import.meta.url)('ssh2') as Ssh2Module;
  return loaded;
}
