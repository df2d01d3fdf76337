import type { Duplex } from 'node:stream';
import { connectHost, hostLabel, type SshConnection, type SshHost } from './connect.js';
import { SshConnectAbortedError, SshConnectError } from './errors.js';

/**
 * One reused SSH connection per host. Hosts are set up in parallel, so the first uses of a host often
 * come at the same time: they share one connect. A host behind a jump host is reached by opening a
 * `direct-tcpip` channel on the jump host's (verified, pooled) connection and speaking SSH to the
 * target over it; the target's own host key is verified too. A connection that drops is forgotten,
 * and the next use connects again.
 */

export interface SshPoolOptions {
  /** Handshake + authentication deadline per connect, ms (default 20 s). */
  readyTimeoutMs?: number;
  /** SSH keepalive interval, ms (default 15 s); 4 unanswered keepalives drop the connection. */
  keepaliveIntervalMs?: number;
  /**
   * Simulated hosts: the stream to a host reached directly (not through a jump host) instead of a TCP
   * connection. With it, no connection of this pool ever goes over the network: jumps go through the
   * jump host's (simulated) connection, and the connector throws for an address it does not simulate.
   */
  connector?: (address: string, port: number) => Promise<Duplex>;
}

interface Entry {
  readonly promise: Promise<SshConnection>;
  /** Aborts the connect itself: only when every caller waiting for it has given up. */
  readonly controller: AbortController;
  waiters: number;
  settled: boolean;
}

const MAX_JUMPS = 4;

export class SshPool {
  private readonly hosts = new Map<string, SshHost>();
  private readonly entries = new Map<string, Entry>();
  private readonly readyTimeoutMs: number;
  private readonly keepaliveIntervalMs: number;
  private readonly connector: SshPoolOptions['connector'];
  private connects = 0;

  constructor(hosts: Iterable<SshHost> = [], options: SshPoolOptions = {}) {
    this.readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
    this.keepaliveIntervalMs = options.keepaliveIntervalMs ?? 15_000;
    this.connector = options.connector;
    for (const host of hosts) this.add(host);
  }

  /** Add or replace a host; replacing one (e.g. new fingerprints) closes its current connection. */
  add(host: SshHost): void {
    const previous = this.hosts.get(host.name);
    this.hosts.set(host.name, { ...host, fingerprints: [...host.fingerprints] });
    if (previous) this.drop(host.name);
  }

  has(name: string): boolean {
    return this.hosts.has(name);
  }

  /** How many connects were started (one per host unless a connection dropped): for diagnostics and tests. */
  get connectCount(): number {
    return this.connects;
  }

  /** The open connection to a host, connecting (through its jump host) on first use. */
  get(name: string, options: { signal?: AbortSignal } = {}): Promise<SshConnection> {
    const host = this.hosts.get(name);
    if (!host) return Promise.reject(new Error(`No SSH host named "${name}" was added to the pool`));
    try {
      this.depth(host);
    } catch (error) {
      return Promise.reject(error);
    }
    let entry = this.entries.get(name);
    if (!entry) {
      const controller = new AbortController();
      const promise = this.open(host, controller.signal);
      const created: Entry = { promise, controller, waiters: 0, settled: false };
      entry = created;
      this.entries.set(name, created);
      promise.then(
        (connection) => {
          created.settled = true;
          connection.client.once('close', () => this.forget(name, created));
        },
        () => {
          created.settled = true;
          this.forget(name, created);
        },
      );
    }
    return this.wait(entry, hostLabel(host), options.signal);
  }

  /** Close every connection (targets before their jump hosts) and cancel connects in progress. */
  async closeAll(): Promise<void> {
    const entries = [...this.entries.entries()];
    this.entries.clear();
    const depthOf = (name: string) => {
      const host = this.hosts.get(name);
      return host ? this.depth(host) : 0;
    };
    const depths = [...new Set(entries.map(([name]) => depthOf(name)))].sort((a, b) => b - a);
    for (const depth of depths) {
      await Promise.all(entries.filter(([name]) => depthOf(name) === depth).map(([, entry]) => closeEntry(entry)));
    }
  }

  private drop(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    void closeEntry(entry);
  }

  private forget(name: string, entry: Entry): void {
    if (this.entries.get(name) === entry) this.entries.delete(name);
  }

  private async wait(entry: Entry, label: string, signal: AbortSignal | undefined): Promise<SshConnection> {
    if (signal?.aborted) throw new SshConnectAbortedError(label);
    entry.waiters += 1;
    let left = false;
    const leave = () => {
      if (left) return;
      left = true;
      entry.waiters -= 1;
    };
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        leave();
        if (entry.waiters === 0 && !entry.settled) entry.controller.abort();
        reject(new SshConnectAbortedError(label));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await (signal ? Promise.race([entry.promise, aborted]) : entry.promise);
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
      leave();
    }
  }

  /** How many jump hosts stand in front of a host; throws on a loop or a missing jump host. */
  private depth(host: SshHost): number {
    let depth = 0;
    for (let current = host; current.via !== undefined; depth += 1) {
      if (depth >= MAX_JUMPS) throw new Error(`The SSH jump hosts of "${host.name}" loop or nest deeper than ${MAX_JUMPS}`);
      const next = this.hosts.get(current.via);
      if (!next) throw new Error(`"${current.name}" is reached through "${current.via}", which was not added to the pool`);
      current = next;
    }
    return depth;
  }

  private async open(host: SshHost, signal: AbortSignal): Promise<SshConnection> {
    let sock: Duplex | undefined;
    if (host.via !== undefined) {
      // The jump host's connection is pooled like any other, and verified against its own fingerprints.
      const jump = await this.get(host.via, { signal });
      sock = await forwardOut(jump, host);
    } else if (this.connector) {
      sock = await simulatedSocket(this.connector, host);
    }
    this.connects += 1;
    return connectHost(host, {
      readyTimeoutMs: this.readyTimeoutMs,
      keepaliveIntervalMs: this.keepaliveIntervalMs,
      signal,
      sock,
    });
  }
}

async function forwardOut(jump: SshConnection, host: SshHost): Promise<Duplex> {
  const port = host.port ?? 22;
  try {
    // The source address is only informative for the jump host's sshd (it appears in its log).
    return (await jump.ssh.forwardOut('127.0.0.1', 0, host.address, port)) as Duplex;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SshConnectError(
      `The jump host ${jump.label} could not open a connection to ${hostLabel(host)}: ${reason}`,
      hostLabel(host),
      `Check that ${host.address}:${port} accepts SSH from the jump host (security group, sshd running) ` +
        `and that the jump host's sshd allows TCP forwarding.`,
      { cause: error },
    );
  }
}

async function simulatedSocket(connector: NonNullable<SshPoolOptions['connector']>, host: SshHost): Promise<Duplex> {
  try {
    return await connector(host.address, host.port ?? 22);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new SshConnectError(`${hostLabel(host)}: ${reason}`, hostLabel(host), 'The sandbox reaches only its simulated hosts, through the bastion.', { cause: error });
  }
}

async function closeEntry(entry: Entry): Promise<void> {
  if (!entry.settled) entry.controller.abort();
  try {
    const connection = await entry.promise;
    connection.ssh.dispose();
  } catch {
    // a connect that failed or was cancelled has nothing to close
  }
}
