import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { Server, type Socket } from 'socket.io';
import { kumaHttpAnswer } from './kuma-http.js';

export { kumaHttpAnswer } from './kuma-http.js';

/**
 * A stand-in for Uptime Kuma 1.23 (the `louislam/uptime-kuma:1` image), served by the emulated Docker
 * (../apps.ts: kumaServer) on the `--sandbox` simulated hosts and on the lab's.
 * It speaks Kuma's own socket.io API (socket.io 4, as Kuma 1.x) for the subset the runbook uses, with the
 * payloads and refusals of Kuma's server/server.js (1.23): `needSetup` → boolean; `setup(username,
 * password)` refused once an account exists ("Uptime Kuma has been initialized…") and for a weak password;
 * `login({username, password})` → `{ok, token}` or "Incorrect username or password."; `add(monitor)` and
 * `getMonitorList` → "You are not logged in." before a login, `add` checking `accepted_statuscodes` and the
 * interval as Kuma's Monitor.validate does, then pushing `monitorList` (monitors keyed by id) to the
 * account's sockets. HTTP: `/api/entry-page` as Kuma's api-router answers it, `/` → 302 /dashboard.
 * Accounts and monitors are kept in the container's volume through `store` (Kuma keeps them in SQLite in
 * /app/data), so a new container on the same volume — a rerun — sees them. Passwords are kept as scrypt
 * hashes (Kuma: bcrypt). Kuma's other events (notifications, status pages…) are not implemented: a client
 * asking for them waits for an answer that never comes, as it would from a Kuma that dropped the event;
 * an event sent without an acknowledgement callback is ignored (Kuma would throw on calling it).
 */

export const KUMA_VERSION = '1.23.16';

/** Kuma's own answers, word for word (server/server.js, server/util-server.js, server/model/monitor.js). */
export const KUMA_MESSAGES = {
  initialized: 'Uptime Kuma has been initialized. If you want to run setup again, please delete the database.',
  tooWeak: 'Password is too weak. It should contain alphabetic and numeric characters. It must be at least 6 characters in length.',
  notLoggedIn: 'You are not logged in.',
  incorrect: 'Incorrect username or password.',
  added: 'Added Successfully.',
  statusCodes: 'Accepted status codes are not all strings',
} as const;

/** Kuma's limits on a monitor's interval, seconds (src/util.ts MIN_INTERVAL_SECOND, MAX_INTERVAL_SECOND). */
const MIN_INTERVAL = 20;
const MAX_INTERVAL = 2_073_600;

export interface KumaUser {
  id: number;
  username: string;
  passwordHash: string;
}

/** A monitor as Kuma stores it: what `add` was given (less `notificationIDList`), with its id and owner. */
export type KumaStoredMonitor = Record<string, unknown> & { id: number; user_id: number; name: string; active: boolean };

export interface KumaData {
  users: KumaUser[];
  monitors: KumaStoredMonitor[];
}

/** Where the data lives: a file in the container's volume (the lab: the host's disk; the sandbox: the host's filesystem). */
export interface KumaStore {
  load(): Promise<KumaData | undefined>;
  save(data: KumaData): Promise<void>;
}

export interface KumaStandInOptions {
  store: KumaStore;
  /** Each event handled and whether Kuma would have refused it (for tests: what a rerun asked). No payload. */
  record?: (event: string, ok: boolean) => void;
}

type Ack = (answer: unknown) => void;

function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt:${salt.toString('base64')}:${scryptSync(password, salt, 32).toString('base64')}`;
}

export function verifyKumaPassword(password: string, stored: string): boolean {
  const [kind, salt, hash] = stored.split(':');
  if (kind !== 'scrypt' || !salt || !hash || typeof password !== 'string') return false;
  const expected = Buffer.from(hash, 'base64');
  return timingSafeEqual(scryptSync(password, Buffer.from(salt, 'base64'), expected.length), expected);
}

/** check-password-strength's "Too weak" (what Kuma's setup refuses): shorter than 6, or fewer than 2 of lower/upper/digit/symbol. */
function tooWeak(password: unknown): boolean {
  if (typeof password !== 'string') return true;
  const kinds = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^a-zA-Z0-9]/].filter((kind) => kind.test(password)).length;
  return password.length < 6 || kinds < 2;
}

/** The monitor as Kuma's Monitor.toJSON sends it in `monitorList` (the fields the runbook reads, and a few more). */
function monitorJson(monitor: KumaStoredMonitor): Record<string, unknown> {
  const { user_id: _owner, accepted_statuscodes_json: codes, ...rest } = monitor;
  return {
    description: null,
    parent: null,
    childrenIDs: [],
    weight: 2000,
    forceInactive: false,
    notificationIDList: {},
    tags: [],
    maintenance: false,
    ...rest,
    pathName: monitor.name,
    accepted_statuscodes: typeof codes === 'string' ? (JSON.parse(codes) as unknown) : [],
  };
}

/** Kuma's socket handlers, on `io`, over the data in `store`. */
export function attachKumaStandIn(io: Server, options: KumaStandInOptions): void {
  const { store } = options;
  const record = options.record ?? (() => undefined);
  // One change at a time: two sockets adding at once must not lose a monitor.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };
  const load = async (): Promise<KumaData> => (await store.load()) ?? { users: [], monitors: [] };
  const room = (userId: number) => `user:${userId}`;
  const sendMonitorList = async (userId: number) => {
    const data = await load();
    const list = Object.fromEntries(data.monitors.filter((m) => m.user_id === userId).map((m) => [String(m.id), monitorJson(m)]));
    io.to(room(userId)).emit('monitorList', list);
  };
  const userOf = (socket: Socket): number => {
    const id = (socket.data as { userID?: number }).userID;
    if (!id) throw new Error(KUMA_MESSAGES.notLoggedIn);
    return id;
  };
  const refuse = (event: string, callback: Ack, error: unknown) => {
    record(event, false);
    callback({ ok: false, msg: error instanceof Error ? error.message : String(error) });
  };

  io.on('connection', (socket) => {
    socket.emit('info', { primaryBaseURL: null, serverTimezone: 'UTC', serverTimezoneOffset: '+00:00' });
    void load().then((data) => data.users.length === 0 && socket.emit('setup'));

    socket.on('needSetup', async (callback: Ack) => {
      if (typeof callback !== 'function') return;
      record('needSetup', true);
      callback((await load()).users.length === 0);
    });

    socket.on('setup', (username: unknown, password: unknown, callback: Ack) =>
      typeof callback === 'function' &&
      serial(async () => {
        try {
          if (tooWeak(password)) throw new Error(KUMA_MESSAGES.tooWeak);
          const data = await load();
          if (data.users.length !== 0) throw new Error(KUMA_MESSAGES.initialized);
          data.users.push({ id: 1, username: String(username), passwordHash: hashPassword(password as string) });
          await store.save(data);
          record('setup', true);
          callback({ ok: true, msg: KUMA_MESSAGES.added });
        } catch (error) {
          refuse('setup', callback, error);
        }
      }),
    );

    socket.on('login', async (credentials: { username?: unknown; password?: unknown } | undefined, callback: Ack) => {
      if (typeof callback !== 'function' || !credentials) return;
      const user = (await load()).users.find((u) => u.username === credentials.username && verifyKumaPassword(credentials.password as string, u.passwordHash));
      if (!user) return refuse('login', callback, new Error(KUMA_MESSAGES.incorrect));
      (socket.data as { userID?: number }).userID = user.id;
      await socket.join(room(user.id));
      await sendMonitorList(user.id);
      socket.emit('info', { version: KUMA_VERSION, latestVersion: KUMA_VERSION, primaryBaseURL: null, serverTimezone: 'UTC', serverTimezoneOffset: '+00:00' });
      record('login', true);
      callback({ ok: true, token: randomBytes(24).toString('base64url') });
    });

    socket.on('getMonitorList', async (callback: Ack) => {
      if (typeof callback !== 'function') return;
      try {
        await sendMonitorList(userOf(socket));
        record('getMonitorList', true);
        callback({ ok: true });
      } catch (error) {
        refuse('getMonitorList', callback, error);
      }
    });

    socket.on('add', (monitor: Record<string, unknown>, callback: Ack) =>
      typeof callback === 'function' &&
      serial(async () => {
        try {
          const userId = userOf(socket);
          const codes = monitor['accepted_statuscodes'] as unknown[];
          // As Kuma: a payload without the list fails on `.every` of undefined, with the runtime's message.
          if (!codes.every((code) => typeof code === 'string')) throw new Error(KUMA_MESSAGES.statusCodes);
          const interval = Number(monitor['interval']);
          if (interval > MAX_INTERVAL) throw new Error(`Interval cannot be more than ${MAX_INTERVAL} seconds`);
          if (interval < MIN_INTERVAL) throw new Error(`Interval cannot be less than ${MIN_INTERVAL} seconds`);
          const { notificationIDList: _notifications, accepted_statuscodes: _codes, ...fields } = monitor;
          const data = await load();
          const id = Math.max(0, ...data.monitors.map((m) => m.id)) + 1;
          data.monitors.push({ ...fields, id, user_id: userId, name: String(fields['name'] ?? ''), active: fields['active'] !== false, accepted_statuscodes_json: JSON.stringify(codes) });
          await store.save(data);
          await sendMonitorList(userId);
          record('add', true);
          callback({ ok: true, msg: KUMA_MESSAGES.added, monitorID: id });
        } catch (error) {
          refuse('add', callback, error);
        }
      }),
    );
  });
}

/** An HTTP server answering as Kuma does, with the socket.io API attached (not listening: the caller listens or injects connections). */
export function createKumaServer(options: KumaStandInOptions): { http: HttpServer; io: Server } {
  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    const answer = kumaHttpAnswer(request.url ?? '/');
    response.writeHead(answer.status, answer.headers);
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  });
  const io = new Server(http, { serveClient: false });
  attachKumaStandIn(io, options);
  return { http, io };
}
