import { Duplex } from 'node:stream';

/**
 * Two connected in-memory streams: what one side writes, the other reads. The simulated hosts' SSH
 * servers are reached over these instead of TCP, so a rehearsal opens no socket for SSH at all (nor for
 * what a tunnel through them reaches: Uptime Kuma's HTTP server takes one end as a connection).
 * Ending one side's writes ends the other's reads; destroying one side closes both.
 */
class MemorySocket extends Duplex {
  peer: MemorySocket | undefined;

  // What an HTTP or WebSocket server calls on a net.Socket; nothing to tune in memory.
  setTimeout(): this {
    return this;
  }

  setNoDelay(): this {
    return this;
  }

  setKeepAlive(): this {
    return this;
  }

  override _read(): void {
    // Data is pushed by the peer's writes.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.peer || this.peer.destroyed) return callback(new Error('the simulated connection is closed'));
    this.peer.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.peer && !this.peer.destroyed) this.peer.push(null);
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const peer = this.peer;
    this.peer = undefined;
    if (peer && !peer.destroyed) {
      peer.peer = undefined;
      peer.push(null);
      peer.destroy();
    }
    callback(error);
  }
}

export function memorySocketPair(): [Duplex, Duplex] {
  const a = new MemorySocket();
  const b = new MemorySocket();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
