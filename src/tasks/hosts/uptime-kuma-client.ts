import type { Socket } from 'socket.io-client';

/**
 * A client of Uptime Kuma's own API: Kuma 1.x has no REST API for setup or monitors, its web UI talks to the
 * server over socket.io (v4), and so does this, with socket.io-client (loaded on demand: only a run that
 * sets Kuma up pays for it). The events and answers are Kuma 1.23's (server/server.js): `needSetup` →
 * boolean; `setup(username, password)`, `login({username, password, token})`, `add(monitor)`,
 * `getMonitorList` → `{ ok, msg? }`; the monitors arrive as a `monitorList` event (keyed by id) after a
 * login, an `add` and a `getMonitorList`. WebSocket only, as Kuma's own UI connects.
 */

/** Kuma answered a request with `ok: false`: its message says why ("Incorrect username or password."). */
export class KumaRefusedError extends Error {
  override readonly name = 'KumaRefusedError';
  constructor(
    readonly event: string,
    readonly kumaMessage: string,
  ) {
    super(`Uptime Kuma refused ${event}: ${kumaMessage}`);
  }
}

/** No answer from Kuma (not connected, or an event unanswered in time). */
export class KumaUnreachableError extends Error {
  override readonly name = 'KumaUnreachableError';
}

/** A monitor as `monitorList` carries it (the fields read here). */
export interface KumaMonitor {
  id: number;
  name: string;
  type: string;
  url?: string | null;
  active?: boolean | number;
}

export interface KumaSession {
  needSetup(): Promise<boolean>;
  setup(username: string, password: string): Promise<void>;
  login(username: string, password: string): Promise<void>;
  monitors(): Promise<KumaMonitor[]>;
  /** Adds a monitor; resolves to its id. */
  add(monitor: Record<string, unknown>): Promise<number>;
  close(): void;
}

export interface KumaConnectOptions {
  signal?: AbortSignal;
  /** Per request (and for the connection), ms. */
  timeoutMs?: number;
}

interface KumaAnswer {
  ok?: boolean;
  msg?: string;
  monitorID?: number;
}

/** Connects to Kuma's socket.io endpoint at `url` (http://host:port). Rejects when it does not connect. */
export async function connectKuma(url: string, options: KumaConnectOptions = {}): Promise<KumaSession> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  options.signal?.throwIfAborted();
  const { io } = await import('socket.io-client');
  const socket: Socket = io(url, { transports: ['websocket'], reconnection: false, forceNew: true, timeout: timeoutMs });
  let latestList: Record<string, KumaMonitor> | undefined;
  socket.on('monitorList', (list: Record<string, KumaMonitor>) => (latestList = list));
  const onAbort = () => socket.close();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error: Error) => reject(new KumaUnreachableError(`Uptime Kuma does not answer at ${url}: ${error.message}`)));
      options.signal?.addEventListener('abort', () => reject(options.signal?.reason ?? new Error('aborted')), { once: true });
    });
  } catch (error) {
    socket.close();
    options.signal?.removeEventListener('abort', onAbort);
    throw error;
  }

  const ask = async <T>(event: string, ...args: unknown[]): Promise<T> => {
    options.signal?.throwIfAborted();
    if (!socket.connected) throw new KumaUnreachableError(`the connection to Uptime Kuma closed before ${event}`);
    try {
      return (await socket.timeout(timeoutMs).emitWithAck(event, ...args)) as T;
    } catch (error) {
      options.signal?.throwIfAborted();
      throw new KumaUnreachableError(`Uptime Kuma did not answer ${event} within ${Math.round(timeoutMs / 1000)} s (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  const expectOk = (event: string, answer: KumaAnswer | undefined) => {
    if (!answer?.ok) throw new KumaRefusedError(event, answer?.msg ?? 'no reason given');
    return answer;
  };

  return {
    needSetup: async () => (await ask<boolean>('needSetup')) === true,
    setup: async (username, password) => void expectOk('setup', await ask<KumaAnswer>('setup', username, password)),
    login: async (username, password) => void expectOk('login', await ask<KumaAnswer>('login', { username, password, token: '' })),
    monitors: async () => {
      // Kuma emits monitorList before it acknowledges getMonitorList, on the same connection: the list is current.
      expectOk('getMonitorList', await ask<KumaAnswer>('getMonitorList'));
      return Object.values(latestList ?? {});
    },
    add: async (monitor) => expectOk('add', await ask<KumaAnswer>('add', monitor)).monitorID ?? 0,
    close: () => {
      options.signal?.removeEventListener('abort', onAbort);
      socket.close();
    },
  };
}
