import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createKumaServer, KUMA_MESSAGES, verifyKumaPassword, type KumaData, type KumaStore } from '../../../src/sandbox/emulation/kuma/kuma-stand-in.js';
import { connectKuma, KumaRefusedError, type KumaSession } from '../../../src/tasks/hosts/uptime-kuma-client.js';
import { httpMonitorPayload, kumaSetupGap, missingMonitors, setUpKuma, wantedMonitors, type WantedMonitor } from '../../../src/tasks/hosts/uptime-kuma-setup.js';
import { validateConfig } from '../../../src/config/validate.js';

/**
 * The runbook's Kuma client (socket.io-client) against the Kuma stand-in (socket.io server) over loopback:
 * Kuma 1.23's events, answers and refusals, the setup flow, and a rerun on the same volume.
 */

const PASSWORD = 'Kept-Admin-Password_0123456789';
const ADDRESSES: Record<string, string> = { ecommerce: '10.1.1.10', wordpress: '10.1.1.11', gitlab: '10.3.1.10' };
const WANTED = wantedMonitors(validateConfig({}, 'test'), (host) => ADDRESSES[host] ?? '?');

function memoryStore(): KumaStore & { data: KumaData | undefined; saves: number } {
  const store = {
    data: undefined as KumaData | undefined,
    saves: 0,
    load: async () => (store.data ? (JSON.parse(JSON.stringify(store.data)) as KumaData) : undefined),
    save: async (data: KumaData) => {
      store.saves += 1;
      store.data = JSON.parse(JSON.stringify(data)) as KumaData;
    },
  };
  return store;
}

const running: { close(): Promise<void> }[] = [];
const sessions: KumaSession[] = [];
afterEach(async () => {
  for (const session of sessions.splice(0)) session.close();
  for (const server of running.splice(0)) await server.close();
});

/** A Kuma stand-in "container" on a loopback port, over `store` (its volume). */
async function startKuma(store: KumaStore, events: string[] = []): Promise<string> {
  const { http, io } = createKumaServer({ store, record: (event, ok) => events.push(`${event}:${ok ? 'ok' : 'refused'}`) });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  running.push({ close: () => new Promise<void>((resolve) => void io.close(() => resolve())) });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

async function session(url: string): Promise<KumaSession> {
  const opened = await connectKuma(url, { timeoutMs: 5_000 });
  sessions.push(opened);
  return opened;
}

const refusal = (promise: Promise<unknown>) => promise.then(() => 'accepted', (error: unknown) => (error instanceof KumaRefusedError ? `${error.event}: ${error.kumaMessage}` : String(error)));

describe('the Uptime Kuma client against the stand-in', () => {
  it("answers and refuses as Kuma 1.23: setup once, no add before a login, a wrong password refused", async () => {
    const store = memoryStore();
    const kuma = await session(await startKuma(store));
    expect(await kuma.needSetup()).toBe(true);
    expect(await refusal(kuma.setup('admin', 'abc'))).toBe(`setup: ${KUMA_MESSAGES.tooWeak}`);
    await kuma.setup('admin', PASSWORD);
    expect(await kuma.needSetup()).toBe(false);
    expect(await refusal(kuma.setup('mallory', 'Another-Password-123'))).toBe(`setup: ${KUMA_MESSAGES.initialized}`);
    expect(await refusal(kuma.add(httpMonitorPayload(WANTED[0] as WantedMonitor)))).toBe(`add: ${KUMA_MESSAGES.notLoggedIn}`);
    expect(await refusal(kuma.monitors())).toBe(`getMonitorList: ${KUMA_MESSAGES.notLoggedIn}`);
    expect(await refusal(kuma.login('admin', 'not-the-password-1'))).toBe(`login: ${KUMA_MESSAGES.incorrect}`);
    expect(await refusal(kuma.login('mallory', PASSWORD))).toBe(`login: ${KUMA_MESSAGES.incorrect}`);
    await kuma.login('admin', PASSWORD);
    expect(await refusal(kuma.add({ ...httpMonitorPayload(WANTED[0] as WantedMonitor), interval: 5 }))).toBe('add: Interval cannot be less than 20 seconds');
    expect(await refusal(kuma.add({ ...httpMonitorPayload(WANTED[0] as WantedMonitor), accepted_statuscodes: [200] }))).toBe(`add: ${KUMA_MESSAGES.statusCodes}`);
    expect(await kuma.monitors()).toEqual([]);
    // The password is kept hashed, never as given.
    expect(store.data?.users).toHaveLength(1);
    expect(JSON.stringify(store.data)).not.toContain(PASSWORD);
    expect(verifyKumaPassword(PASSWORD, store.data?.users[0]?.passwordHash ?? '')).toBe(true);
  });

  it('sets Kuma up (admin, three HTTP monitors); a rerun on the same volume adds nothing and finds nothing to do', async () => {
    const store = memoryStore();
    const events: string[] = [];
    const first = await session(await startKuma(store, events));
    expect(await kumaSetupGap(first, undefined, WANTED)).toEqual([
      'create the Uptime Kuma admin account `admin`',
      'add the monitor "Shop (Rocket eCommerce)" (http://10.1.1.10:5085/)',
      'add the monitor "WordPress" (http://10.1.1.11/)',
      'add the monitor "GitLab" (http://10.3.1.10/users/sign_in)',
    ]);
    expect(await setUpKuma(first, PASSWORD, WANTED)).toEqual({ adminCreated: true, added: WANTED });
    const listed = await first.monitors();
    expect(listed.map((m) => [m.name, m.type, m.url, m.active])).toEqual(WANTED.map((w) => [w.name, 'http', w.url, true]));
    expect(new Set(listed.map((m) => m.id)).size).toBe(3);

    // A new container on the same volume (the rerun's Kuma): the account and the monitors are there.
    events.length = 0;
    const savesBefore = store.saves;
    const rerun = await session(await startKuma(store, events));
    expect(await kumaSetupGap(rerun, PASSWORD, WANTED)).toEqual([]);
    expect(await setUpKuma(rerun, PASSWORD, WANTED)).toEqual({ adminCreated: false, added: [] });
    expect(store.saves).toBe(savesBefore);
    expect(events.filter((e) => e.startsWith('setup') || e.startsWith('add'))).toEqual([]);
    expect((await rerun.monitors()).length).toBe(3);
  });

  it('reports a Kuma set up by someone else: no kept password, or one Kuma refuses', async () => {
    const store = memoryStore();
    const kuma = await session(await startKuma(store));
    await kuma.setup('admin', 'Someone-Elses-Password-42');
    expect(await kumaSetupGap(kuma, undefined, WANTED)).toEqual([expect.stringMatching(/already has an account, and no password is kept in \/etc\/aws-runbook\/admin\/uptime-kuma\.password/)]);
    expect(await kumaSetupGap(kuma, PASSWORD, WANTED)).toEqual(['log in to Uptime Kuma as `admin` (Kuma answers: Incorrect username or password.)']);
    expect(await refusal(setUpKuma(kuma, PASSWORD, WANTED))).toBe(`login: ${KUMA_MESSAGES.incorrect}`);
  });

  it('counts a monitor with the same name or the same URL as there: never a duplicate', () => {
    const [shop, wordpress, gitlab] = WANTED as [WantedMonitor, WantedMonitor, WantedMonitor];
    const existing = [
      { id: 1, name: 'Shop (Rocket eCommerce)', type: 'http', url: 'http://10.9.9.9:5085/' },
      { id: 2, name: 'My blog', type: 'http', url: wordpress.url },
    ];
    expect(missingMonitors(existing, WANTED)).toEqual([gitlab]);
    expect(missingMonitors([], WANTED)).toEqual([shop, wordpress, gitlab]);
    expect(httpMonitorPayload(gitlab)).toMatchObject({ type: 'http', method: 'GET', interval: 60, maxredirects: 10, accepted_statuscodes: ['200-299'], notificationIDList: {} });
  });

  it('does not connect to a port where no Kuma answers', async () => {
    const url = await startKuma(memoryStore());
    running.splice(0).forEach((server) => void server.close());
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(connectKuma(url, { timeoutMs: 2_000 })).rejects.toThrow(/Uptime Kuma does not answer at http:\/\/127\.0\.0\.1:\d+/);
  });
});
